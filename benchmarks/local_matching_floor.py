"""The arithmetic floor of the batched local matching, and how far the code is from it.

    python benchmarks/local_matching_floor.py [--B 32] [--N 32] [--M 64] [--D 128] [--reps 7] [--threads 1]
                                              [--out benchmarks/results/local_matching.md]

Counts the multiply-adds of GLoRIA's scalar local matching of all B x B pairs (the path of
`LocalMatching(matching_dim=None)`: cosines, attention, scalar matchings through the regions' Gram matrix) in the
forward pass, takes forward + backward as three times that (each matrix product has two gradient products), and
divides by this CPU's measured rate for the same matrix products (the median of `--reps` timings of each). The
floor ignores every element-wise pass (softmax, norms, the weighted sums), so it is a lower bound; the code's time is
the median of `--reps` forward + backward passes of the symmetric InfoNCE of the scores, one chunk holding all pairs.
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
import argparse
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import torch
from reclf.method.chunked_matching import LocalMatching
from reclf.method.global_alignment import info_nce


def products(B: int, N: int, M: int, D: int) -> dict:
    "The forward matrix products of the scalar path: name -> (batch, rows, inner, columns)."
    return {'cosines (B N x D) @ (D x B M)': (1, B * N, D, B * M),
            'Gram of each image (M x D) @ (D x M)': (B, M, D, M),
            'a^T G a: (B N x M) @ (M x M) per image': (B, B * N, M, M)}


def timed(fn, reps: int) -> float:
    "Median seconds of `fn()` over `reps` calls after one warm-up."
    fn(); times = []
    for _ in range(reps):
        start = time.perf_counter(); fn(); times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    for name, default in (('B', 32), ('N', 32), ('M', 64), ('D', 128), ('reps', 7), ('threads', 1)):
        parser.add_argument(f'--{name}', type=int, default=default)
    parser.add_argument('--out', help='append the section to this markdown file')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    B, N, M, D = args.B, args.N, args.M, args.D
    rows, floor, macs_total = [], 0.0, 0
    for name, (batch, n, k, m) in products(B, N, M, D).items():
        a, b = torch.randn(batch, n, k), torch.randn(batch, k, m)
        seconds = timed(lambda: torch.bmm(a, b), args.reps)
        macs = batch * n * k * m
        rows.append((name, macs, macs / seconds / 1e9)); floor += 3 * seconds; macs_total += macs
    regions, words = torch.randn(B, M, D, requires_grad=True), torch.randn(B, N, D, requires_grad=True)
    mask = torch.ones(B, N, dtype=torch.bool)
    local = LocalMatching(D, chunk_pairs=B * B)
    def step():
        info_nce(local(regions, words, mask)).backward()
    code = timed(step, args.reps)
    lines = [f'## Arithmetic floor at B = {B}, N = {N}, M = {M}, D = {D}', '',
             '| matrix product (forward) | multiply-adds | measured rate, G multiply-adds / s |', '| --- | --- | --- |']
    lines += [f'| {name} | {macs / 1e6:.1f} M | {rate:.1f} |' for name, macs, rate in rows]
    lines += ['', f'Forward multiply-adds: {macs_total / 1e6:.0f} M; forward + backward about three times that. '
              f'Floor (every product at its measured rate, element-wise passes free): **{floor * 1e3:.1f} ms**. '
              f'The code (`LocalMatching`, one chunk, forward + backward of the InfoNCE): **{code * 1e3:.1f} ms**, '
              f'{code / floor:.1f}x the floor.', '',
              f'Command: `python benchmarks/local_matching_floor.py --B {B} --N {N} --M {M} --D {D} --reps {args.reps} '
              f'--threads {args.threads}`; {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, torch {torch.__version__}, '
              f'{args.threads} thread(s), 1-minute load average {os.getloadavg()[0]:.1f} (other jobs shared the cores).', '']
    text = '\n'.join(lines)
    print(text)
    if args.out:
        with open(args.out, 'a') as f: f.write('\n' + text)


if __name__ == '__main__':
    main()
