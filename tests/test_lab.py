"""`make lab` gives a learner what the lessons assume: kernels that draw figures inline, and a save
that leaves a notebook as `nbdev_clean` would write it (so the consistency tests still pass after
the learner saves).

The tests take the lab's environment, working folder and command line from the Makefile itself:
`make lab` runs with a stand-in `jupyter` that records them, so a change to the `lab` target is
tested as it is written."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

STAND_IN = '''#!{python}
import json, os, sys
json.dump(dict(argv=sys.argv[1:], cwd=os.getcwd(), env=dict(os.environ)), open({record!r}, 'w'))
'''


def lab_launch(tmp_path, caller_env: dict) -> dict:
    "What `make lab` would start JupyterLab with (argv, folder, environment), from `caller_env`."
    venv = tmp_path / 'venv'
    (venv / 'bin').mkdir(parents=True)
    record = tmp_path / 'lab.json'
    jupyter = venv / 'bin' / 'jupyter'
    jupyter.write_text(STAND_IN.format(python=sys.executable, record=str(record)))
    jupyter.chmod(0o755)
    stamp = venv / '.reclf-installed'                        # `setup` is done: nothing is installed
    res = subprocess.run(['make', '--no-print-directory', '-o', str(stamp), 'lab', f'VENV={venv}'],
                         cwd=ROOT,
                         env=caller_env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
    return json.loads(record.read_text())


@pytest.fixture(scope='module')
def lab(tmp_path_factory):
    # The shell that runs `make lab` may itself have set a headless backend (this test's does,
    # through conftest.py): the lab's kernels must draw inline all the same.
    return lab_launch(tmp_path_factory.mktemp('lab'), dict(os.environ, MPLBACKEND='Agg'))


def _run_in_lab_kernel(lab, code: str) -> list:
    "Run `code` in a kernel started as `make lab` starts one; the iopub messages it produced."
    from jupyter_client.manager import KernelManager
    km = KernelManager(kernel_name='python3')
    km.start_kernel(env=lab['env'], cwd=lab['cwd'])
    try:
        kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=60)
        msgs = []
        reply = kc.execute_interactive(code, timeout=120, output_hook=msgs.append)
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
    assert reply['content']['status'] == 'ok', reply['content']
    return msgs


def test_lab_kernels_draw_inline(lab):
    msgs = _run_in_lab_kernel(lab, 'import matplotlib; print(matplotlib.get_backend())')
    backend = ''.join(m['content'].get('text', '') for m in msgs).strip()
    assert 'inline' in backend, (f'a `make lab` kernel draws with {backend!r}, not inline: '
                                 'figures would not show')
    assert Path(lab['cwd']).resolve() == (ROOT / 'nbs').resolve(), f"make lab serves {lab['cwd']}"


# A lesson's figure functions build a pyplot-free `matplotlib.figure.Figure` and the cell returns
# it. The inline backend hooks display only once pyplot has made a figure, so without the course's
# own hook such a cell shows `<Figure size 900x306 with 2 Axes>` as text. The kernel imports the
# package as the lessons do, pyplot-free.
BARE_FIGURE = """
from reclf.world.world_views import FIGURE_WIDTH
from matplotlib.figure import Figure
fig = Figure(figsize=(FIGURE_WIDTH, 2))
fig.subplots(1, 2)[0].plot([0, 1], [1, 0])
fig
"""


def test_lab_kernels_show_a_bare_figure_as_an_image(lab):
    msgs = _run_in_lab_kernel(lab, BARE_FIGURE)
    shown = [m['content']['data'] for m in msgs
             if m['msg_type'] in ('execute_result', 'display_data')]
    assert shown, 'the cell showed nothing'
    kinds = [sorted(d) for d in shown]
    assert any('image/png' in d
               for d in shown), f'a bare Figure shows as {kinds}, not as an image: {shown[0]}'
    png = next(d['image/png'] for d in shown if 'image/png' in d)
    import base64
    assert base64.b64decode(png)[:8] == b'\x89PNG\r\n\x1a\n', 'the image/png output is not a PNG'
    assert len(shown) == 1, f'the figure is shown {len(shown)} times'


def _saved_by_lab(lab, notebook: Path, tmp_path) -> Path:
    "Save a copy of `notebook`, untidy as a run leaves it, through `make lab`'s contents manager."
    from jupyter_server.serverapp import ServerApp
    from jupyter_server.services.contents.filemanager import FileContentsManager
    import nbformat
    repo = tmp_path / 'repo'
    (repo / 'nbs').mkdir(parents=True)
    shutil.copy(ROOT / 'settings.ini', repo / 'settings.ini')
    shutil.copy(notebook, repo / 'nbs' / notebook.name)  # saving over the lesson, as a learner does
    nb = nbformat.read(notebook, as_version=4)
    for i, cell in enumerate(nb.cells):  # what running and saving in JupyterLab adds
        cell.metadata.update(execution={'iopub.status.busy': '2026-01-01T00:00:00Z'}, scrolled=True)
        if cell.cell_type == 'code':
            cell.execution_count = i + 1
            for out in cell.outputs:
                if 'execution_count' in out: out.execution_count = i + 1
    nb.metadata['language_info'] = {'name': 'python', 'version': '3.11.0'}
    app = ServerApp()
    # argv[0] is the `lab` subcommand
    app.parse_command_line([a for a in lab['argv'][1:] if a.startswith('--')])
    cwd = os.getcwd()
    os.chdir(repo / 'nbs')  # the server runs in nbs/, as `make lab` starts it
    try:
        cm = FileContentsManager(config=app.config, root_dir=str(repo / 'nbs'))
        cm.save(dict(type='notebook', format='json', content=nb), notebook.name)
    finally: os.chdir(cwd)
    return repo / 'nbs' / notebook.name


def test_a_notebook_saved_in_lab_is_clean(lab, tmp_path, monkeypatch):
    # the hook also signs the notebook as trusted: not in ~
    monkeypatch.setenv('JUPYTER_DATA_DIR', str(tmp_path / 'jupyter'))
    notebook = ROOT / 'nbs' / '09a_config.ipynb'
    saved = _saved_by_lab(lab, notebook, tmp_path)
    nb = json.loads(saved.read_text())
    assert all(c.get('execution_count') is None
               for c in nb['cells']), 'execution counts survived the save'
    assert all(not c['metadata'] for c in nb['cells']), 'cell metadata survived the save'
    assert 'language_info' not in nb['metadata']
    before = saved.read_bytes()
    res = subprocess.run([str(Path(sys.executable).parent / 'nbdev_clean'), '--fname', str(saved)],
                         cwd=saved.parent.parent,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert saved.read_bytes() == before, 'nbdev_clean still changes a notebook saved in `make lab`'
    assert before == notebook.read_bytes(), 'saving an unchanged lesson in `make lab` changed it'
