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
    "Per-sample wall times in milliseconds for indices warmup..warmup+n (indices 0..warmup-1 warm the caches)."
    for i in range(warmup): make_sample(config, split, i)
    times = []
    for i in range(warmup, warmup + n):
        start = time.perf_counter()
        make_sample(config, split, i)
        times.append((time.perf_counter() - start) * 1e3)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--n', type=int, default=300)
    parser.add_argument('--size', type=int, default=128)
    parser.add_argument('--out', default=str(ROOT / 'benchmarks' / 'results' / 'world_speed.md'))
    args = parser.parse_args(argv)
    try: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})   # one core
    except (AttributeError, OSError): pass
    rows = []
    for name in ('default', 'easy', 'hard'):
        config = getattr(WorldConfig, name)(size=args.size) if name != 'default' else WorldConfig(size=args.size)
        t = time_samples(config, args.n)
        q = np.percentile(t, [10, 90])
        rows.append(f'| {name} | {args.size} | {args.n} | {statistics.median(t):.2f} | {q[0]:.2f} | {q[1]:.2f} |')
    table = '\n'.join(['| config | size | samples | median ms | p10 ms | p90 ms |', '| --- | --- | --- | --- | --- | --- |', *rows])
    note = (f'Command: `python benchmarks/world_speed.py --n {args.n} --size {args.size}` (one thread, pinned to one core; '
            f'median after 30 warm-up samples). Target: at most 3 ms per 128 x 128 sample.\n'
            f'Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, '
            f'numpy {np.__version__}; {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. The cores are shared with other '
            f'jobs, so figures may be noisy (slower, not faster).')
    text = f'## Synthetic world: generation speed\n\n{table}\n\n{note}\n'
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)


if __name__ == '__main__':
    main()
