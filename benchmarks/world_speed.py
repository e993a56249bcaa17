"""How fast is the synthetic world? Median milliseconds to generate one sample (image, anatomy and finding masks,
report, word annotations, labels) on ONE core, after a warm-up.

    python benchmarks/world_speed.py [--n 300] [--rounds 5] [--size 128]

Prints a markdown table and writes benchmarks/results/world_speed.md (read by lesson 00)."""
import os
for var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'): os.environ[var] = '1'   # before numpy
import argparse, platform, statistics, sys, time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from reclf.world.synthetic_world import WorldConfig, make_sample


def time_samples(config, n, warmup=30, split='train'):
    "Per-sample wall and CPU milliseconds for indices warmup..warmup+n (indices 0..warmup-1 warm the caches)."
    for i in range(warmup): make_sample(config, split, i)
    wall, cpu = [], []
    for i in range(warmup, warmup + n):
        w0, c0 = time.perf_counter(), time.process_time()
        make_sample(config, split, i)
        wall.append((time.perf_counter() - w0) * 1e3); cpu.append((time.process_time() - c0) * 1e3)
    return wall, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--n', type=int, default=300, help='samples per round')
    parser.add_argument('--rounds', type=int, default=5, help='repeat the timing; interference only adds time')
    parser.add_argument('--size', type=int, default=128)
    parser.add_argument('--out', default=str(ROOT / 'benchmarks' / 'results' / 'world_speed.md'))
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, 'getloadavg') else float('nan')
    rows = []
    for name in ('default', 'easy', 'hard'):
        config = getattr(WorldConfig, name)(size=args.size) if name != 'default' else WorldConfig(size=args.size)
        runs = [time_samples(config, args.n) for _ in range(args.rounds)]
        wall = [statistics.median(w) for w, _ in runs]
        cpu = [statistics.median(c) for _, c in runs]
        rows.append(f'| {name} | {args.size} | {args.n} x {args.rounds} | {min(cpu):.2f} | {statistics.median(cpu):.2f} | '
                    f'{min(wall):.2f} | {statistics.median(wall):.2f} |')
    table = '\n'.join(['| config | size | samples x rounds | CPU ms, best round | CPU ms, median round | wall ms, best round | wall ms, median round |',
                       '| --- | --- | --- | --- | --- | --- | --- |', *rows])
    note = (f'Command: `python benchmarks/world_speed.py --n {args.n} --rounds {args.rounds} --size {args.size}`. Each '
            f'figure is a median over {args.n} samples (after 30 warm-up samples) of the milliseconds to make one sample: '
            f'image, anatomy and finding masks, report, word annotations, edges and both label sets. numpy is limited to '
            f'one thread, so CPU time is the time on one core; wall-clock time also counts waiting for a core. '
            f'Target: at most 3 ms per 128 x 128 sample.\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python '
            f'{platform.python_version()}, numpy {np.__version__}; {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; '
            f'1-minute load average {load:.1f} when it started. The cores are shared with other jobs: under load the wall '
            f'clock mostly measures the queue, and even CPU time rises (shared caches); interference only adds time, so '
            f'the best round is the closest to a quiet machine. Rerun on a quiet machine for a clean number.')
    text = f'## Synthetic world: generation speed\n\n{table}\n\n{note}\n'
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)


if __name__ == '__main__':
    main()
