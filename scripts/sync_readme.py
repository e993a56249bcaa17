"""Write README.md from nbs/index.ipynb (Quarto, which nbdev_readme needs, cannot be installed here).

    python scripts/sync_readme.py          # rewrite README.md
    python scripts/sync_readme.py --check  # exit 1 when README.md differs from what index.ipynb gives
"""
import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = '<!-- Generated from nbs/index.ipynb by scripts/sync_readme.py: edit the notebook, not this file. -->\n\n'


def _hidden(source):
    first = source.lstrip().splitlines()[:3]
    return any(line.startswith('#|') and ('hide' in line or 'export' in line or 'default_exp' in line)
               for line in first)


def render(notebook=ROOT / 'nbs' / 'index.ipynb'):
    """The README text: markdown cells as they are, shown code cells fenced, their text outputs below them."""
    cells = json.loads(Path(notebook).read_text(encoding='utf-8'))['cells']
    parts = []
    for cell in cells:
        source = ''.join(cell['source']).strip()
        if not source or _hidden(source): continue
        if cell['cell_type'] == 'markdown': parts.append(source)
        elif cell['cell_type'] == 'code':
            code = '\n'.join(l for l in source.splitlines() if not l.startswith('#|'))
            parts.append(f'```python\n{code}\n```')
            texts = [''.join(o.get('text', '')) for o in cell.get('outputs', []) if o.get('output_type') == 'stream']
            if any(texts): parts.append('```\n' + ''.join(texts).rstrip() + '\n```')
    return HEADER + '\n\n'.join(parts) + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--check', action='store_true', help='only compare; exit 1 if README.md is stale')
    args = parser.parse_args(argv)
    text, readme = render(), ROOT / 'README.md'
    if args.check:
        if not readme.exists() or readme.read_text(encoding='utf-8') != text:
            print('README.md differs from nbs/index.ipynb: run `make sync-readme` (or `make export`) and commit.')
            return 1
        print('README.md is in sync with nbs/index.ipynb')
        return 0
    readme.write_text(text, encoding='utf-8')
    print(f'wrote {readme.relative_to(ROOT)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
