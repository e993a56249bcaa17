"""Execute lesson notebooks in place, keeping their outputs (figures, tables), skipping the cells that
`nbdev_test` skips (`#| slow`, `#| notest`, `#| eval: false`); then clean them with `nbdev_clean` (only the
notebooks named: others may be open in an editor).

    python scripts/execute_notebooks.py nbs/09f_training.ipynb [more notebooks]

(`jupyter nbconvert --execute` would also run the `#| slow` cells, which take minutes.)
"""
import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell

SKIP = ('slow', 'notest')


def _skipped(cell) -> bool:
    if cell.cell_type != 'code': return True
    flags = [m.group(1).strip() for m in re.finditer(r'^#\|\s*(.*)$', cell.source, re.M)]
    return any(f in SKIP or f.replace(' ', '') == 'eval:false' for f in flags)


def execute(path: Path):
    "Run one notebook in its folder and write it back with outputs."
    nb = read_nb(path)
    for cell in nb.cells:
        if cell.cell_type == 'code': cell.outputs, cell.execution_count = [], None
    # Figures are stored at the size a reader sees them (the house style's dpi), not at twice it ('retina'):
    # tests/test_figures.py checks that no stored image is wider than a notebook column.
    shell, cwd = CaptureShell(path, mpl_format='png'), os.getcwd()
    os.chdir(path.parent)
    try: shell.run_all(nb, exc_stop=True, preproc=_skipped)
    finally: os.chdir(cwd)
    write_nb(nb, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('notebooks', nargs='+', type=Path, help='notebooks to execute in place')
    args = parser.parse_args(argv)
    os.environ.setdefault('MPLBACKEND', 'Agg')
    clean = Path(sys.executable).parent / 'nbdev_clean'
    for path in args.notebooks:
        print(f'executing {path}', flush=True)
        execute(path.resolve())
        subprocess.run([str(clean), '--fname', str(path)], check=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
