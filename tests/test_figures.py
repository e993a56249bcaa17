"""A learner reading a lesson on GitHub sees its figures: every lesson cell that draws is committed with its image,
and no stored image is wider than a notebook column (`FIGURE_WIDTH` inches at `FIGURE_DPI`, the house style of
lesson 00c, with 15% slack for the tight bounding box)."""
import base64
import json
import re
import struct

import pytest
from conftest import ROOT
from reclf.world.world_views import FIGURE_DPI, FIGURE_WIDTH

MAX_PNG_WIDTH = round(FIGURE_WIDTH * FIGURE_DPI * 1.15)   # pixels
SKIP_FLAGS = ('export', 'exports', 'slow', 'notest', 'eval:false')
# A call that draws: pyplot, an Axes or Figure method, an image shown with IPython, or a course plotting function
# (`show_*`, `plot_*`, `draw_relation*`, `*_figure`). Not drawing: `check_figure` (inspects a figure), the samplers
# `draw_findings`/`draw_patient`, and the text tables below.
TEXT_SHOWS = ('show_table', 'show_words')
DRAWS = re.compile(
    r'\bplt\.(?!close\b|rcParams\b|rc\b|style\b|get_\w+\b|switch_backend\b|ioff\b|ion\b|colormaps\b|cm\b)\w+\('
    r'|\b(?:fig|ax|axes|axs|axis)\w*(?:\[[^\]]*\])*\.(?:plot|imshow|matshow|bar|barh|scatter|hist|pcolormesh|contourf?'
    r'|fill_between|errorbar|step|axhline|axvline|text|annotate|pie|boxplot|violinplot|heatmap)\('
    r'|\.imshow\(|\bImage\(|(?<!def )(?<!\.)\b(?!' + '|'.join(TEXT_SHOWS) + r')(?:show|plot)_\w+\(|\bdraw_relation\w*\('
    r'|(?<!def )\b(?!check_figure\b)\w+_figure\(')
NO_DISPLAY = re.compile(r'\bplt\.close\(')                  # a cell that draws only to test, and says so by closing


def _notebooks(): return sorted(p for p in (ROOT / 'nbs').glob('*.ipynb') if not p.name.startswith('_'))


def _flags(source: str) -> set[str]:
    return {m.group(1).strip().replace(' ', '') for m in re.finditer(r'^#\|\s*(.*?)\s*$', source, re.M)}


def drawing_cells(nb: dict):
    "(index, cell) of the code cells a reader expects a figure from."
    for i, cell in enumerate(nb['cells']):
        if cell['cell_type'] != 'code': continue
        source = ''.join(cell['source'])
        if _flags(source) & set(SKIP_FLAGS): continue
        code = '\n'.join(line.split('#', 1)[0] if not line.lstrip().startswith(('"', "'")) else line
                         for line in source.splitlines())
        if DRAWS.search(code) and not NO_DISPLAY.search(code): yield i, cell


def png_widths(cell) -> list[int]:
    "Pixel widths of the PNG images stored in a cell's outputs (read from the PNG header)."
    widths = []
    for output in cell.get('outputs', []):
        data = output.get('data', {}).get('image/png')
        if data:
            raw = base64.b64decode(''.join(data) if isinstance(data, list) else data)
            widths.append(struct.unpack('>I', raw[16:20])[0])
    return widths


def test_drawing_cells_are_recognised():
    cell = lambda s: dict(cell_type='code', source=s, outputs=[])
    nb = dict(cells=[cell('fig, ax = plt.subplots()\nax.plot(x)'), cell('plot_history(run)'), cell('#| export\ndef plot_x(): plt.plot()'),
                     cell('gallery_figure(samples)'), cell('check_figure(fig)'), cell('x = 1  # plt.plot(x)'),
                     cell('#| slow\nshow_world(w)'), cell('Image(filename="a.png")'), cell('fig = plot_x(); plt.close(fig)'),
                     cell('def plot_y(): pass'), cell('axes[0, 1].imshow(m)'), cell('draw_findings(cfg, rng)'),
                     cell('show_table(rows)'), cell('draw_relation_graph(edges, words)')])
    assert [i for i, _ in drawing_cells(nb)] == [0, 1, 3, 7, 10, 13]


NOTEBOOKS = _notebooks()


@pytest.mark.parametrize('notebook', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_drawing_cells_have_images(notebook):
    nb = json.loads(notebook.read_text(encoding='utf-8'))
    missing = [f"cell {i}: {''.join(cell['source']).strip().splitlines()[-1][:90]}"
               for i, cell in drawing_cells(nb) if not png_widths(cell)]
    assert not missing, (f'{notebook.name}: cells that draw but have no stored image (run '
                         f'`python scripts/execute_notebooks.py nbs/{notebook.name}`):\n' + '\n'.join(missing))


@pytest.mark.parametrize('notebook', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_images_fit_a_column(notebook):
    nb = json.loads(notebook.read_text(encoding='utf-8'))
    wide = [f'cell {i}: {w} px' for i, cell in enumerate(nb['cells']) for w in png_widths(cell) if w > MAX_PNG_WIDTH]
    assert not wide, f'{notebook.name}: images wider than {MAX_PNG_WIDTH} px ({FIGURE_WIDTH} in at {FIGURE_DPI} dpi):\n' + '\n'.join(wide)


@pytest.mark.parametrize('notebook', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_figure_shown_twice(notebook):
    "A returned pyplot figure shows twice (inline backend, then the value): cells build bare Figures."
    nb = json.loads(notebook.read_text(encoding='utf-8'))
    twice = [f"cell {i}: {''.join(cell['source']).strip().splitlines()[-1][:90]}"
             for i, cell in enumerate(nb['cells']) if cell['cell_type'] == 'code'
             for images in [[o['data']['image/png'] for o in cell.get('outputs', [])
                             if 'image/png' in o.get('data', {})]]
             if len(set(images)) < len(images)]
    assert not twice, f'{notebook.name}: the same image stored twice in one cell:\n' + '\n'.join(twice)
