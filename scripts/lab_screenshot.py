"""Open a lesson in a real JupyterLab, Run All in a headless Chromium, and save screenshots of its
figures.

    python scripts/lab_screenshot.py 13_segmentation --out /tmp/lab13.png [--shots 3]

JupyterLab starts as `make lab` starts it (in nbs/, MPLBACKEND unset, saving cleans the notebook),
on a free local port with a fresh token, and with this checkout first on PYTHONPATH. Autosave is off
and the lesson's file is put back as it was if anything wrote to it, so a run leaves the checkout
unchanged. The script prints what the page shows (cells, images, figures shown as `<Figure ...>`
text, errors) and exits 1 when a figure shows as text or a cell fails. `--out x.png` saves the
screen at the first image output; with `--shots 3`, also `x_2.png` and `x_3.png` at the next ones.
Needs `chromium`, `chromium-driver` (apt) and `selenium` (pip)."""
import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / 'nbs'
# Lab settings for a scripted run: no autosave (Run All must not rewrite the lesson) and every cell
# in the page (JupyterLab 4 otherwise attaches only the cells in view, and the counts below would
# miss the others).
SETTINGS = {'@jupyterlab/docmanager-extension/plugin.jupyterlab-settings': {'autosave': False},
            '@jupyterlab/notebook-extension/tracker.jupyterlab-settings': {'windowingMode': 'none'},
            '@jupyterlab/apputils-extension/notification.jupyterlab-settings':
                {'fetchNews': 'false', 'checkForUpdates': False}}
STATE_JS = """
const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell.jp-CodeCell')];
const prompts = cells.map(c => (c.querySelector('.jp-InputPrompt') || {}).textContent || '');
const texts = [...document.querySelectorAll('.jp-OutputArea-output')].map(o => o.textContent || '');
return {cells: cells.length, running: prompts.filter(p => p.includes('*')).length,
        unrun: prompts.filter(p => p.trim() === '[ ]:' || p.trim() === '').length,
        images: document.querySelectorAll('.jp-OutputArea-output img').length,
        figure_texts: texts.filter(t => /^\\s*<Figure size [^>]*>\\s*$/.test(t)).length,
        errors: document.querySelectorAll(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
            + ' .jp-RenderedText,'
            + ' .jp-OutputArea-output .ansi-red-fg').length,
        traceback: (texts.find(t => t.includes('Traceback') || t.includes('Error')) || '')
                   .slice(0, 400)};
"""


def free_port() -> int:
    "A TCP port nothing listens on now."
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


def start_lab(port: int, token: str, settings: Path, log) -> subprocess.Popen:
    "JupyterLab in nbs/ as `make lab` starts it, plus a port, a token and the settings above."
    for name, value in SETTINGS.items():
        path = settings / name; path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    # `make lab`: env -u MPLBACKEND
    env = {k: v for k, v in os.environ.items() if k != 'MPLBACKEND'}
    env.update(PYTHONPATH=os.pathsep.join([str(ROOT)]
                                          + [p for p in [os.environ.get('PYTHONPATH')] if p]),
               JUPYTERLAB_SETTINGS_DIR=str(settings), HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1')
    jupyter = Path(sys.executable).parent / 'jupyter'
    cmd = [str(jupyter), 'lab', '--ContentsManager.pre_save_hook=nbdev.clean.clean_jupyter',
           '--no-browser',
           f'--port={port}', '--ip=127.0.0.1', f'--IdentityProvider.token={token}', '--allow-root',
           '--LabApp.expose_app_in_browser=True']  # window.jupyterapp: Run All from the script
    return subprocess.Popen(cmd, cwd=NBS, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for(check, timeout: float, what: str, every: float = 1.0):
    "Poll `check()` until it returns something truthy; raise `TimeoutError` naming `what`."
    end = time.time() + timeout
    while time.time() < end:
        value = check()
        if value: return value
        time.sleep(every)
    raise TimeoutError(f'no {what} after {timeout:.0f} s')


def browser(width: int, height: int):
    "Headless Chromium at `width` x `height`."
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    for arg in ('--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu',
                f'--window-size={width},{height}'):
        opts.add_argument(arg)
    opts.binary_location = os.environ.get('CHROMIUM', '/usr/bin/chromium')
    service = Service(os.environ.get('CHROMEDRIVER', '/usr/bin/chromedriver'))
    driver = webdriver.Chrome(service=service, options=opts)
    # the page itself, without window chrome
    driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride',
                           dict(width=width, height=height, deviceScaleFactor=1, mobile=False))
    return driver


def run_all(driver, url: str, timeout: float) -> dict:
    "Open `url`, wait for an idle kernel, Run All, wait until no cell runs; the page's final state."
    from selenium.webdriver.common.by import By
    driver.get(url)
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, '.jp-Notebook .jp-Cell'), 120,
             'notebook in the page')
    wait_for(lambda: driver.execute_script(
        "const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        "const k = w && w.sessionContext.session && w.sessionContext.session.kernel;"
        "return k && k.status === 'idle';"), 120, 'idle kernel')
    driver.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells');")
    time.sleep(2)
    start = time.time()
    def done():
        state = driver.execute_script(STATE_JS)
        busy = driver.execute_script(
            "return window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status;")
        return state if state['running'] == 0 and busy == 'idle' else None
    state = wait_for(done, timeout, 'end of Run All', every=2.0)
    state['seconds'] = round(time.time() - start + 2, 1)
    return state


def shoot(driver, out: Path, shots: int) -> list:
    "Screenshots scrolled to the first `shots` image outputs (the top of the page if none)."
    from selenium.webdriver.common.by import By
    images = driver.find_elements(By.CSS_SELECTOR, '.jp-OutputArea-output img')
    paths = []
    for k in range(max(1, min(shots, len(images)))):
        if images:
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", images[k])
        time.sleep(0.5)
        path = out if k == 0 else out.with_name(f'{out.stem}_{k + 1}{out.suffix}')
        driver.save_screenshot(str(path)); paths.append(path)
    return paths


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('lesson',
                        help="a lesson's file name in nbs/, with or without .ipynb "
                             "(13_segmentation)")
    parser.add_argument('--out', type=Path, help='PNG to write (default: /tmp/lab_<lesson>.png)')
    parser.add_argument('--shots', type=int, default=1, help='screenshots at the first N figures')
    parser.add_argument('--timeout', type=float, default=600, help='seconds Run All may take')
    parser.add_argument('--size', default='1600x1200', help='browser window, WIDTHxHEIGHT')
    args = parser.parse_args(argv)
    name = args.lesson if args.lesson.endswith('.ipynb') else args.lesson + '.ipynb'
    lesson = NBS / Path(name).name
    if not lesson.is_file(): parser.error(f'{lesson} is not a lesson in {NBS}')
    out = args.out or Path(tempfile.gettempdir()) / f'lab_{lesson.stem}.png'
    width, height = (int(v) for v in args.size.split('x'))
    before, port, token = lesson.read_bytes(), free_port(), secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as tmp:
        log = open(Path(tmp) / 'lab.log', 'w')
        lab, driver = start_lab(port, token, Path(tmp) / 'settings', log), None
        try:
            base = f'http://127.0.0.1:{port}'
            wait_for(lambda: _up(f'{base}/api/status?token={token}'), 90, 'JupyterLab on ' + base)
            driver = browser(width, height)
            state = run_all(driver, f'{base}/lab/tree/{lesson.name}?token={token}&reset',
                            args.timeout)
            paths = shoot(driver, out, args.shots)
        finally:
            if driver is not None: driver.quit()
            lab.terminate()
            try: lab.wait(20)
            except subprocess.TimeoutExpired: lab.kill()
            log.close()
            if lesson.read_bytes() != before:
                lesson.write_bytes(before)
                print(f'{lesson.name} was written during the run; put back as it was')
    print(json.dumps(dict(lesson=lesson.name, **state, screenshots=[str(p) for p in paths]),
                     indent=1))
    return 1 if state['figure_texts'] or state['errors'] else 0


def _up(url: str) -> bool:
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=2) as r: return r.status == 200
    except OSError: return False


if __name__ == '__main__':
    sys.exit(main())
