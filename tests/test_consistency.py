"""The tree is consistent: notebooks exported and clean, README in sync with index.ipynb, every module
imports in a fresh interpreter."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

BIN = Path(sys.executable).parent


def _snapshot(root):
    return {p.relative_to(root): p.read_bytes() for d in ('nbs', 'reclf') for p in sorted((root / d).rglob('*'))
            if p.is_file() and '__pycache__' not in p.parts and '.ipynb_checkpoints' not in p.parts}


def test_export_and_clean_change_nothing(tmp_path):
    for name in ('nbs', 'reclf'): shutil.copytree(ROOT / name, tmp_path / name)
    for name in ('settings.ini', 'setup.py'): shutil.copy(ROOT / name, tmp_path / name)
    before = _snapshot(tmp_path)
    for cmd in ('nbdev_export', 'nbdev_clean'):
        res = subprocess.run([str(BIN / cmd)], cwd=tmp_path, capture_output=True, text=True)
        assert res.returncode == 0, f'{cmd} failed:\n{res.stderr}'
    after = _snapshot(tmp_path)
    changed = sorted(str(p) for p in set(before) | set(after) if before.get(p) != after.get(p))
    assert not changed, f'run `make export` and commit: these files change under nbdev_export/nbdev_clean: {changed}'


def test_readme_matches_index():
    res = subprocess.run([sys.executable, str(ROOT / 'scripts' / 'sync_readme.py'), '--check'], cwd=ROOT,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_every_module_imports_in_a_fresh_interpreter():
    modules = ['reclf'] + ['.'.join(p.relative_to(ROOT).with_suffix('').parts) for p in sorted((ROOT / 'reclf').rglob('*.py'))
                           if p.stem not in ('__init__', '__main__')]
    code = 'import importlib\nfor m in %r: importlib.import_module(m)' % modules
    res = subprocess.run([sys.executable, '-c', code], cwd=ROOT / 'tests', capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]


def test_cell_sources_are_as_jupyter_saves_them():
    "No cell's source list ends in an empty string: JupyterLab drops it on save, so a learner's save would change the file."
    import json
    bad = [f'{p.name} cell {c.get("id")}' for p in sorted((ROOT / 'nbs').glob('*.ipynb'))
           for c in json.loads(p.read_text())['cells'] if c['source'] and c['source'][-1] == '']
    assert not bad, f'cell sources ending in an empty line element: {bad}'


def test_result_records_are_not_ignored():
    "Every results folder's records can be committed: no `runs/` under benchmarks/results is ignored by git."
    if not (ROOT / '.git').exists(): pytest.skip('not a git checkout: no ignore rules to check')
    folders = sorted(p for p in (ROOT / 'benchmarks' / 'results').rglob('runs') if p.is_dir()
                     and 'work' not in p.relative_to(ROOT).parts)
    assert folders, 'no results folder with runs/'
    probes = [str(f.relative_to(ROOT) / 'probe.json') for f in folders]
    ignored = subprocess.run(['git', 'check-ignore', *probes], cwd=ROOT, capture_output=True,
                             text=True).stdout.split()
    assert not ignored, f'records here would not be committed (see .gitignore): {ignored}'
