"""The binding ladder (lesson 09h): train every rung x head x seed not yet recorded, or write the table.

    python benchmarks/binding_ladder.py train --steps 2000 --seeds 0 1 2
    python benchmarks/binding_ladder.py report

Records: benchmarks/results/binding_ladder/runs/*.json (one per run; a stopped ladder resumes).
Report: benchmarks/results/binding_ladder/binding_ladder.md and binding_ladder.png.
"""
import argparse
import os
from pathlib import Path

OUT = Path(__file__).resolve().parent / 'results' / 'binding_ladder'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('command', choices=('train', 'report'))
    parser.add_argument('--steps', type=int, default=2000,
                        help='optimiser steps per run (default 2000; lengths are kept apart)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2],
                        help='seeds (default 0 1 2)')
    parser.add_argument('--rungs', nargs='+', default=None, help='rungs (default: all)')
    parser.add_argument('--groups', type=int, default=300, help='evaluation swap groups (default 300)')
    parser.add_argument('--threads', type=int, default=1, help='torch threads (default 1)')
    parser.add_argument('--out', type=Path, default=OUT, help=f'results folder (default {OUT})')
    args = parser.parse_args()
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    import torch
    from reclf.train.binding_ladder import (RUNGS, ladder_markdown, ladder_table, plot_ladder,
                                            run_ladder)
    torch.set_num_threads(args.threads)
    if args.command == 'train':
        run_ladder(args.out, rungs=tuple(args.rungs or RUNGS), seeds=tuple(args.seeds),
                   steps=args.steps, groups=args.groups)
    rows = ladder_table(args.out)
    if not rows: raise SystemExit(f'no ladder records under {args.out}')
    runs = sum(len(r['seeds']) for r in rows)
    text = ['# Binding ladder', '',
            'Swap-group Recall@1 (local score; exact ties count 1/k; chance 0.5) of each rung and head, '
            'the groups of all seeds pooled, with a 95% bootstrap interval over the pooled groups. '
            'Written by `benchmarks/binding_ladder.py` (lesson 09h explains the rungs). '
            f'{runs} runs present.', '', ladder_markdown(rows), '',
            'Commands: `python benchmarks/binding_ladder.py train --steps N --seeds 0 1 2` '
            '(resumes), then `python benchmarks/binding_ladder.py report`.', '']
    (args.out / 'binding_ladder.md').write_text('\n'.join(text))
    plot_ladder(rows).savefig(args.out / 'binding_ladder.png', dpi=100, bbox_inches='tight')
    print('\n'.join(text))


if __name__ == '__main__':
    main()
