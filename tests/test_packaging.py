"""A built package (a wheel, what `pip install git+...` makes) works away from the repository: the course tokenizer
travels inside it."""
import os
import subprocess
import sys
import zipfile

from conftest import ROOT


def test_wheel_ships_the_course_tokenizer(tmp_path):
    res = subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '--quiet',
                          '-w', str(tmp_path / 'dist'), str(ROOT)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    wheel, = (tmp_path / 'dist').glob('reclf-*.whl')
    names = zipfile.ZipFile(wheel).namelist()
    assert 'reclf/course_tokenizer/tokenizer.json' in names, sorted(n for n in names if 'token' in n)
    site = tmp_path / 'site'
    res = subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-deps', '--quiet', '--target', str(site), str(wheel)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    code = ('import reclf.data.tokenizer as r; path = r.course_tokenizer_path(); tok = r.load_course_tokenizer(); '
            'print(path); print(len(tok))')
    env = dict(os.environ, PYTHONPATH=str(site), HF_HUB_OFFLINE='1')
    res = subprocess.run([sys.executable, '-c', code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    path, size = res.stdout.split()
    assert path.startswith(str(site)), f'the installed package read its tokenizer from {path}, not from itself'
    assert int(size) > 100
