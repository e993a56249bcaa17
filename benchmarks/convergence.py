"""Learning curves to convergence: long runs of `gloria` and `reclf` on the hard world, validated every 250 steps,
and the length the sweep should train for, read off where the validation metrics stop rising.

    python benchmarks/convergence.py train [--methods gloria reclf] [--steps 4000] [--runs runs/convergence]
    python benchmarks/convergence.py report [--runs runs/convergence] [--out benchmarks/results/convergence]

`train` runs `reclf train` for each method (the sweep's base: the `demo` preset, bf16, binding pressure
`swap_fraction=0.25`, and captions cut at 96 tokens instead of 64), resuming a stopped run from its last checkpoint,
so the same command continues over several sittings. `report` copies each run's validation log (`valid.csv`) and its
configuration into `--out`, and writes `convergence.md` and `convergence.png`: every validation metric against the
step, and for each metric the first step after which it never again rises by more than `--tolerance` of its range.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ('precision=bf16', 'swap_fraction=0.25', 'max_length=96', 'warmup_steps=200', 'valid_every=250',
            'checkpoint_every=250', 'seed=0')
METRICS = ('recall_global', 'recall_local', 'pointing_disease', 'pointing_location', 'auroc_disease',
           'auroc_location', 'relation_auroc', 'importance_auroc')


def train(methods, steps: int, runs: Path):
    "Train (or resume) one long run per method, one torch thread each, one after the other."
    env = dict(os.environ, OMP_NUM_THREADS='1', HF_HUB_OFFLINE='1', MPLBACKEND='Agg')
    for method in methods:
        sets = [a for s in (f'method={method}', f'steps={steps}', *SETTINGS) for a in ('--set', s)]
        command = [sys.executable, '-m', 'reclf', 'train', '--preset', 'demo', *sets, '--out', str(runs / method),
                   '--resume', '--no-progress']
        print(' '.join(command[1:]), flush=True)
        subprocess.run(command, check=True, env=env, cwd=ROOT)


def read_curve(folder: Path) -> list:
    "The validation rows of one run, numbers as floats."
    with open(folder / 'valid.csv') as f:
        return [{k: float(v) for k, v in row.items() if v not in ('', None)} for row in csv.DictReader(f)]


def plateau(steps: list, values: list, tolerance: float) -> int:
    "The first step after which the metric never rises by more than `tolerance` of its range."
    span = (max(values) - min(values)) or 1.0
    for i, step in enumerate(steps):
        if all(v - values[i] <= tolerance * span for v in values[i + 1:]): return int(step)
    return int(steps[-1])


READING = '## What the curves show'   # the hand-written section of convergence.md


def report(runs: Path, out: Path, tolerance: float):
    "Copy the logs, write the table and the figure."
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    out.mkdir(parents=True, exist_ok=True)
    curves = {}
    for folder in sorted(p for p in runs.iterdir() if (p / 'valid.csv').exists()):
        curves[folder.name] = read_curve(folder)
        shutil.copy(folder / 'valid.csv', out / f'{folder.name}_valid.csv')
        shutil.copy(folder / 'config.json', out / f'{folder.name}_config.json')
    keys = [k for k in METRICS if any(k in r for c in curves.values() for r in c)]
    fig, axes = plt.subplots(2, 4, figsize=(10, 5), sharex=True)
    for ax, key in zip(axes.flat, keys):
        for name, rows in curves.items():
            xs = [r['step'] for r in rows if key in r]
            ax.plot(xs, [r[key] for r in rows if key in r], marker='.', label=name)
        ax.set_title(key.replace('_', ' '), fontsize=8); ax.tick_params(labelsize=7)
    for ax in axes.flat[len(keys):]: ax.set_visible(False)
    for ax in axes[-1]: ax.set_xlabel('step', fontsize=8)
    axes.flat[0].legend(fontsize=7)
    fig.suptitle('Validation every 250 steps (hard world, 256 held-out pairs): where do the metrics stop rising?',
                 fontsize=9)
    fig.tight_layout(); fig.savefig(out / 'convergence.png', dpi=90)
    lines = ['# Learning curves to convergence', '',
             'Long runs of `gloria` and `reclf` at the sweep\'s base, validated every 250 steps on 256 held-out pairs '
             '(lesson 09d), written by `benchmarks/convergence.py`. Settings on top of the `demo` preset: '
             + ', '.join(f'`{s}`' for s in SETTINGS) + '. The cosine schedule runs over the whole length, so a '
             'point at step t is not the end of a t-step run; it shows when the metrics stop moving.', '',
             f'Plateau step: the first validation step after which the metric never rises again by more than '
             f'{tolerance:.0%} of its range over the run.', '',
             '| run | steps done | ' + ' | '.join(keys) + ' |', '|' + ' --- |' * (len(keys) + 2)]
    for name, rows in curves.items():
        steps = [r['step'] for r in rows]
        planned = json.loads((runs / name / 'config.json').read_text())['steps']
        done = int(steps[-1]) >= planned
        cells = []
        for key in keys:
            values = [r[key] for r in rows if key in r]
            xs = [r['step'] for r in rows if key in r]
            if not values: cells.append('-'); continue
            where = f'plateau {plateau(xs, values, tolerance)}' if done else 'unfinished'
            cells.append(f'{values[-1]:.3f} ({where})')
        lines.append(f'| {name} | {int(steps[-1])} of {planned} | ' + ' | '.join(cells) + ' |')
    lines += ['', 'Each cell: the last validated value (plateau step; "unfinished" for a run stopped before its '
              'planned steps, whose plateau cannot be read yet: resume it with the train command).', '', '![curves](convergence.png)', '',
              f'Commands: `python benchmarks/convergence.py train --steps <N>` (resumes), then '
              f'`python benchmarks/convergence.py report`.', '']
    # the reading below the generated part is written by hand: keep it
    previous = (out / 'convergence.md').read_text() if (out / 'convergence.md').exists() else ''
    reading = previous[previous.index(READING):] if READING in previous else ''
    (out / 'convergence.md').write_text('\n'.join(lines) + reading)
    print('\n'.join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)
    t = sub.add_parser('train', help='train or resume the long runs')
    t.add_argument('--methods', nargs='+', default=['gloria', 'reclf'])
    t.add_argument('--steps', type=int, default=4000)
    t.add_argument('--runs', type=Path, default=ROOT / 'runs' / 'convergence')
    r = sub.add_parser('report', help='write convergence.md and convergence.png from the runs')
    r.add_argument('--runs', type=Path, default=ROOT / 'runs' / 'convergence')
    r.add_argument('--out', type=Path, default=ROOT / 'benchmarks' / 'results' / 'convergence')
    r.add_argument('--tolerance', type=float, default=0.05)
    args = parser.parse_args()
    if args.command == 'train': train(args.methods, args.steps, args.runs)
    else: report(args.runs, args.out, args.tolerance)


if __name__ == '__main__':
    main()
