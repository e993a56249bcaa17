"""How fast is the synthetic world? Median milliseconds to generate one sample (image, anatomy and finding masks,
report, word annotations, labels) on ONE core, after a warm-up.

    python benchmarks/world_speed.py [--n 300] [--size 128] [--config default|easy|hard]

Prints a markdown table and writes benchmarks/results/world_speed.md (read by lesson 00)."""
import os
for var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'): os.environ[var] = '1'   # before numpy
import argparse, platform, statistics, sys, time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from reclf.synthetic_world import WorldConfig, make_sample


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
    parser.add_argument('--n', type=int, default=300)
    parser.add_argument('--size', type=int, default=128)
    parser.add_argument('--out', default=str(ROOT / 'benchmarks' / 'results' / 'world_speed.md'))
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, 'getloadavg') else float('nan')
    rows = []
    for name in ('default', 'easy', 'hard'):
        config = getattr(WorldConfig, name)(size=args.size) if name != 'default' else WorldConfig(size=args.size)
        wall, cpu = time_samples(config, args.n)
        rows.append(f'| {name} | {args.size} | {args.n} | {statistics.median(wall):.2f} | {np.percentile(wall, 10):.2f} | '
                    f'{np.percentile(wall, 90):.2f} | {statistics.median(cpu):.2f} |')
    table = '\n'.join(['| config | size | samples | median ms (wall) | p10 ms | p90 ms | median ms (CPU) |',
                       '| --- | --- | --- | --- | --- | --- | --- |', *rows])
    note = (f'Command: `python benchmarks/world_speed.py --n {args.n} --size {args.size}` (numpy limited to one thread, '
            f'so one core does the work; median over {args.n} samples after 30 warm-up samples; a sample = image, anatomy '
            f'and finding masks, report, word annotations, edges and both label sets). Target: at most 3 ms per 128 x 128 '
            f'sample.\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy '
            f'{np.__version__}; {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; 1-minute load average {load:.1f} when it '
            f'started. The cores are shared with other jobs: under load the wall-clock figures rise (p10 and CPU time are '
            f'the steadier guides); rerun on a quiet machine for a clean number.')
    text = f'## Synthetic world: generation speed\n\n{table}\n\n{note}\n'
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)


if __name__ == '__main__':
    main()
