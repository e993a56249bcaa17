"""The course's text speaks of the course alone, and every document it cites can be opened.

- No words about how the course was made (`PROCESS_WORDS`) in the lessons (sources and text outputs), README.md,
  docs/, the benchmark scripts and results, or the committed demo report.
- Every citation resolves: `docs/x.md` (and `docs/x.md section N`: a heading numbered N), `nbs/NN_slug.ipynb`,
  "lesson NN", "lessons NN-MM" (every lesson of the range), in the lessons' markdown and code comments, README.md,
  docs/*.md, benchmarks/results/*.md and the docstrings of `reclf/`.
"""
import ast
import io
import json
import re
import tokenize
from pathlib import Path

import pytest
from conftest import ROOT

# ---------------------------------------------------------------------------------------------- process words
# One list, matched case-insensitively at word boundaries (TODO/FIXME only in capitals: `todo` names a work list).
PROCESS_WORDS = [
    r'issues?\s*#?\d+', r"the issue(?:'s)?", r'this issue', r'loans?', r'sessions?', r'predates those columns',
    r'helpers?', r'(?-i:TODO|FIXME|XXX)', r'the lead', r'reviews?', r'reviewers?', r'sub-?agents?', r'the brief',
]
PROCESS_RE = re.compile(r'\b(?:' + '|'.join(PROCESS_WORDS) + r')\b', re.IGNORECASE)


def _rel(path: Path) -> str: return str(path.relative_to(ROOT))


def _notebooks(): return sorted(p for p in (ROOT / 'nbs').glob('*.ipynb') if not p.name.startswith('_'))


WORDED = (_notebooks() + [ROOT / 'README.md'] + sorted((ROOT / 'docs').glob('*.md'))
          + sorted((ROOT / 'benchmarks' / 'results').glob('*.md')) + sorted((ROOT / 'benchmarks').glob('*.py'))
          + sorted((ROOT / 'nbs' / 'results').rglob('*.md')))


def _output_text(output: dict) -> str:
    data = output.get('data', {})
    return ''.join(output.get('text', '')) + ''.join(''.join(data.get(k, '')) for k in ('text/plain', 'text/markdown'))


def words_text(path: Path):
    "(where, text) pieces of a file a reader sees: a notebook's cell sources and text outputs, or the whole file."
    if path.suffix != '.ipynb':
        yield _rel(path), path.read_text(encoding='utf-8'); return
    for i, cell in enumerate(json.loads(path.read_text(encoding='utf-8'))['cells']):
        yield f'{_rel(path)} cell {i}', ''.join(cell['source'])
        for output in cell.get('outputs', []): yield f'{_rel(path)} cell {i} output', _output_text(output)


def process_words(path: Path) -> list[str]:
    return [f'{where}: {m.group(0)!r} in "...{text[max(0, m.start() - 40):m.end() + 40]}..."'.replace('\n', ' ')
            for where, text in words_text(path) for m in PROCESS_RE.finditer(text)]


def test_process_words_are_caught():
    for text in ('see issue 5', "the issue's target", 'four loans of one GPU', 'not measured in this session',
                 '# loan 2 predates those columns', 'two small helpers', 'TODO: later', 'after the review'):
        assert PROCESS_RE.search(text), text
    for text in ('todo = [(i, j)]', 'the issuer', 'sessional', 'reviewing each lesson', 'loanword'):
        assert not PROCESS_RE.search(text), text


@pytest.mark.parametrize('path', WORDED, ids=[_rel(p) for p in WORDED])
def test_no_process_words(path):
    found = process_words(path)
    assert not found, 'words about how the course was made, not about the course:\n' + '\n'.join(found)


# ---------------------------------------------------------------------------------------------- citations
OUTPUT_DIRS = {'outputs', 'runs', 'DIR', 'OUT', 'FOLDER'}   # where commands write (not in the repository)
WRITTEN_NAMES = {'report.md'}                               # files the code writes, named without their folder
MD_RE = re.compile(r'(?<![\w/.-])((?:[\w.-]+/)*[\w.-]*\w\.md)\b'
                   r'(?:`?\)?,?\s*\(?(?:sections?|§)\s*(\d+(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*[-\u2013]\s*)\d+)*))?')
LESSON = r'\d\d[a-z]?(?![\w])'
SEP = r'(?:\s*\([^()]*\))?(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*[-\u2013]\s*|\s+to\s+)'
LESSON_RE = re.compile(rf'\blessons?\s+({LESSON}(?:{SEP}{LESSON})*)', re.IGNORECASE)
NB_RE = re.compile(r'(?<![\w-])((?:nbs/)?\d\d[a-z]?_[\w]+\.ipynb)')


def lesson_exists(number: str) -> bool:
    "Lesson '05' is nbs/05_*.ipynb; '09' with no nbs/09_*.ipynb is the group 09a, 09b, ...; '09d' is nbs/09d_*.ipynb."
    names = [p.name for p in _notebooks()]
    if any(n.startswith(number + '_') for n in names): return True
    return not number[-1].isalpha() and any(re.match(rf'{number}[a-z]_', n) for n in names)


def lessons_cited(text: str) -> list[str]:
    "Every lesson number a 'lesson(s) ...' phrase names, ranges spelled out ('02a-02c' -> 02a, 02b, 02c)."
    cited = []
    for m in LESSON_RE.finditer(text):
        phrase = re.sub(r'\([^()]*\)', ' ', m.group(1))
        parts = re.split(r'(\s*[-\u2013]\s*|\s+to\s+)', phrase)
        numbers = [re.findall(LESSON, part) for part in parts[::2]]
        for k, group in enumerate(numbers):
            cited += group
            if k and group and numbers[k - 1]:                         # a range: previous group's last -> this group's first
                start, end = numbers[k - 1][-1], group[0]
                if start[:2] == end[:2] and end[2:]:                   # 02a-02d, 00-00c
                    first = ord(start[2]) + 1 if start[2:] else ord('a')
                    cited += [start[:2] + chr(c) for c in range(first, ord(end[2]))]
                elif not start[2:] and not end[2:]:                    # 10-14
                    cited += [f'{n:02d}' for n in range(int(start) + 1, int(end))]
    return cited


def section_numbers(spec: str) -> list[int]:
    numbers = []
    for part in re.split(r'\s*,\s*(?:and\s+)?|\s+and\s+', spec):
        ends = [int(x) for x in re.split(r'\s*[-\u2013]\s*', part) if x]
        numbers += list(range(ends[0], ends[-1] + 1))
    return numbers


RESULT_DIRS = ('nbs/results', 'benchmarks/results')        # a bare name may be a result file a lesson just named the folder of


def resolve_md(name: str, folder: Path) -> Path | None:
    "The file a cited `x.md` names, from the repository root or the citing file's folder (a bare name: also a results folder)."
    parts = [p for p in Path(name).parts if p != '..']
    if parts[0] in OUTPUT_DIRS or (len(parts) == 1 and name in WRITTEN_NAMES): return Path()   # an output: fine
    for base in (ROOT, folder):
        if (base / Path(*parts)).is_file(): return base / Path(*parts)
    if len(parts) == 1:
        return next((p for d in RESULT_DIRS for p in sorted((ROOT / d).rglob(name)) if p.is_file()), None)
    return None


def bad_citations(text: str, folder: Path) -> list[str]:
    "What `text` cites that does not exist in the repository."
    bad = []
    for m in MD_RE.finditer(text):
        target = resolve_md(m.group(1), folder)
        if target is None: bad.append(f'{m.group(1)} (no such file)'); continue
        if m.group(2) and target != Path():
            headings = {int(h) for h in re.findall(r'^#+\s*(\d+)[.)]?\s', target.read_text(encoding='utf-8'), re.M)}
            bad += [f'{m.group(1)} section {n} (no heading numbered {n})' for n in section_numbers(m.group(2)) if n not in headings]
    bad += [f'lesson {n} (no nbs/{n}_*.ipynb)' for n in sorted(set(lessons_cited(text))) if not lesson_exists(n)]
    bad += [f'{m.group(1)} (no such notebook)' for m in NB_RE.finditer(text) if not (ROOT / 'nbs' / Path(m.group(1)).name).exists()]
    return list(dict.fromkeys(bad))


def _comments(code: str) -> str:
    try: return '\n'.join(t.string for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type == tokenize.COMMENT)
    except (tokenize.TokenError, IndentationError, SyntaxError): return '\n'.join(re.findall(r'#.*', code))


def cited_text(path: Path):
    "(where, text) pieces that may cite: markdown and code comments of a lesson, a whole .md file, docstrings of a module."
    if path.suffix == '.ipynb':
        for i, cell in enumerate(json.loads(path.read_text(encoding='utf-8'))['cells']):
            source = ''.join(cell['source'])
            yield f'{_rel(path)} cell {i}', source if cell['cell_type'] == 'markdown' else _comments(source)
    elif path.suffix == '.md': yield _rel(path), path.read_text(encoding='utf-8')
    else:
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                doc = ast.get_docstring(node)
                if doc: yield f'{_rel(path)} {getattr(node, "name", "module")}', doc


CITING = (_notebooks() + [ROOT / 'README.md'] + sorted((ROOT / 'docs').glob('*.md'))
          + sorted((ROOT / 'benchmarks' / 'results').glob('*.md'))
          + sorted(p for p in (ROOT / 'reclf').rglob('*.py') if '__pycache__' not in p.parts))


def test_citation_patterns():
    folder = ROOT / 'nbs'
    assert bad_citations('see method.md section 5', folder) == ['method.md (no such file)']
    assert bad_citations('see `docs/method.md` section 5 and docs/method.md, sections 2-3', folder) == []
    assert bad_citations('docs/method.md section 99', folder) == ['docs/method.md section 99 (no heading numbered 99)']
    assert bad_citations('(written to outputs/demo/report.md, or DIR/cuda_check.md)', folder) == []
    assert bad_citations('as ../benchmarks/results/cuda_check.md says', folder) == []
    assert bad_citations('it wrote `benchmarks/results/` (`model_cost.md`)', folder) == []
    assert lessons_cited('lessons 08 (the model), 09a (configuration) and 09d (validation)') == ['08', '09a', '09d']
    assert lessons_cited('lessons 02a-02c and lesson 05') == ['02a', '02c', '02b', '05']
    assert lessons_cited('lessons 10-13') == ['10', '13', '11', '12']
    assert lessons_cited('lesson 00-00c') == ['00', '00c', '00a', '00b']
    assert bad_citations('lesson 97', folder) == ['lesson 97 (no nbs/97_*.ipynb)']
    assert bad_citations('nbs/97_nothing.ipynb', folder) == ['nbs/97_nothing.ipynb (no such notebook)']
    assert lesson_exists('09') and lesson_exists('09f') and not lesson_exists('09z')


@pytest.mark.parametrize('path', CITING, ids=[_rel(p) for p in CITING])
def test_citations_resolve(path):
    bad = [f'{where}: {b}' for where, text in cited_text(path) for b in bad_citations(text, path.parent)]
    assert not bad, 'cited, but not in the repository:\n' + '\n'.join(bad)
