"""Every lesson notebook runs as one pytest test, through nbdev's own test function (cells flagged
`notest` or `slow` are skipped, as `nbdev_test` does)."""
import contextlib
import io
import os
import time

import pytest
from nbdev.test import test_nb as run_notebook

from conftest import ROOT

NOTEBOOKS = sorted(p for p in (ROOT / 'nbs').glob('*.ipynb') if not p.name.startswith('_'))


@pytest.mark.parametrize('notebook', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(notebook):
    errors = io.StringIO()
    start = time.perf_counter()
    cwd = os.getcwd()
    try:
        with contextlib.redirect_stderr(errors):
            ok, _ = run_notebook(notebook, skip_flags=['notest', 'slow'], basepath=ROOT)
    finally:
        os.chdir(cwd)
    seconds = time.perf_counter() - start
    assert ok, f'{notebook.name} failed after {seconds:.1f}s:\n{errors.getvalue()[-6000:]}'
