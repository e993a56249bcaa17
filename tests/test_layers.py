"""The package's imports point one way: a part imports only itself and the parts below it,
world < data < method < train < tasks < app, and no part reaches another module by name (`import_module`,
`__import__`), which would hide an arrow from this test and from the reader. The top level (`reclf/__init__.py`,
`reclf/__main__.py`) stands above every part: it may import any of them, lazily."""
import ast
from pathlib import Path

import pytest
from conftest import ROOT

PARTS = ('world', 'data', 'method', 'train', 'tasks', 'app')
BY_NAME = ('import_module', '__import__')


def part_of(module: str) -> str | None:
    "The part a dotted module name belongs to ('reclf.train.config' -> 'train'); None for the top level."
    names = module.split('.')
    return names[1] if names[0] == 'reclf' and len(names) > 1 and names[1] in PARTS else None


def module_name(path: Path, root: Path) -> str:
    "Dotted name of a file of the package: reclf/train/config.py -> 'reclf.train.config'."
    parts = path.relative_to(root).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def imported(tree: ast.AST, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    "(line, absolute module name) of every import anywhere in `tree` (functions included), relative ones resolved."
    package = module.split('.') if is_package else module.split('.')[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import): found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            name = '.'.join(base + ([node.module] if node.module else []))
            # `from . import x`: x may be a module of the package
            found += [(node.lineno, f'{name}.{a.name}' if not node.module else name) for a in node.names]
    return found


def by_name_calls(tree: ast.AST) -> list[tuple[int, str]]:
    "(line, call) of every `import_module(...)`, `importlib.import_module(...)` or `__import__(...)` in `tree`."
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call): continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ''
        if name in BY_NAME: calls.append((node.lineno, ast.unparse(node)))
    return calls


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    "What a module of part `part_of(module)` does that it must not: import a higher part, or import by name."
    own = part_of(module)
    if own is None: return []                                      # the top level stands above every part
    tree, bad = ast.parse(source), []
    for line, target in imported(tree, module, is_package):
        other = part_of(target)
        if other and PARTS.index(other) > PARTS.index(own):
            bad.append(f'line {line}: {own} imports {target} ({other} is above {own})')
    bad += [f'line {line}: imports by name: {call}' for line, call in by_name_calls(tree)]
    return bad


def test_violations_are_caught():
    "The checks can fail: an upward import, a relative one, one inside a function, an import by name."
    assert violations('from ..train.distributed import gather_with_grad', 'reclf.method.model') == [
        'line 1: method imports reclf.train.distributed (train is above method)']
    assert violations('def f():\n    from reclf.tasks import zero_shot', 'reclf.train.evaluation') == [
        'line 2: train imports reclf.tasks (tasks is above train)']
    assert violations('import importlib\nm = importlib.import_module("reclf.tasks.retrieval")',
                      'reclf.train.evaluation') == [
        "line 2: imports by name: importlib.import_module('reclf.tasks.retrieval')"]
    assert violations('from .downstream import run_downstream', 'reclf.train.evaluation') == []
    assert violations('from ..world.synthetic_world import SyntheticWorld\nimport numpy', 'reclf.app.demo') == []
    assert violations('from ..tasks.zero_shot import run_zero_shot', 'reclf.app.cli') == []
    assert violations('from .app import cli', 'reclf', is_package=True) == []                    # the top level


FILES = sorted(p for p in (ROOT / 'reclf').rglob('*.py') if '__pycache__' not in p.parts)


@pytest.mark.parametrize('path', FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_imports_point_down(path):
    module = module_name(path, ROOT)
    bad = violations(path.read_text(encoding='utf-8'), module, path.stem == '__init__')
    assert not bad, f'{path.relative_to(ROOT)}:\n' + '\n'.join(bad)


def test_every_part_is_known():
    found = {p.name for p in (ROOT / 'reclf').iterdir() if p.is_dir() and (p / '__init__.py').exists()}
    assert found == set(PARTS), f'parts on disk {sorted(found)}, in the order {PARTS}'


def test_top_level_names_exist():
    "Every name `reclf/__init__.py` offers lazily is defined in the module it names."
    tree = ast.parse((ROOT / 'reclf' / '__init__.py').read_text(encoding='utf-8'))
    exports, = [ast.literal_eval(n.value) for n in ast.walk(tree)
                if isinstance(n, ast.Assign) and getattr(n.targets[0], 'id', '') == '_EXPORTS']
    missing = []
    for name, module in exports.items():
        path = ROOT / Path(*module.split('.')).with_suffix('.py')
        defined = {getattr(n, 'name', None) for n in ast.parse(path.read_text(encoding='utf-8')).body} | {
            t.id for n in ast.parse(path.read_text(encoding='utf-8')).body if isinstance(n, ast.Assign)
            for t in n.targets if isinstance(t, ast.Name)}
        if name not in defined: missing.append(f'{name} (not defined in {module})')
    assert not missing, missing
