"""How fast the pretraining DataLoader delivers synthetic pairs, against how fast a training step consumes them.

    python benchmarks/dataloader_speed.py [--batches 30] [--batch-size 32] [--workers 0 2] [--sources fly cached]

Pairs from the synthetic world (128 px, load 144 -> random crop 128, flip p 0.5, seeded augmentation), rendered on
the fly (`WorldSource`) or rendered once beforehand (`CachedWorldSource`, uint8); the collate tokenizes captions with
the course tokenizer (or a freshly trained one) and aligns word roles. Prints a markdown table and writes
benchmarks/results/dataloader.md. Consumption rates come from environment.md (contrastive step at batch 32:
~0.18 s small CNN 64 px, ~0.86 s ResNet-18 128 px, 2 CPU threads). The machine's load average is recorded before
and after every row: the cores may be shared with other jobs.
"""
import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch
from reclf.world.synthetic_world import SyntheticWorld, WorldConfig
from reclf.data.pretraining_data import WorldSource, PretrainingDataset, PretrainingCollate
from reclf.data.world_cache import CachedWorldSource
from reclf.data.tokenizer import load_course_tokenizer

STEP_SECONDS = {'small CNN, 64 px': 0.18, 'ResNet-18, 128 px': 0.86}   # environment.md, batch 32, 2 threads
WARMUP = 2


def tokenizer():
    "The course tokenizer (data_samples/tokenizer), as training uses it."
    return load_course_tokenizer(), 'course tokenizer'


def dataset(source):
    return PretrainingDataset(source, train=True, load_size=144, crop_size=128, flip_p=0.5, seed=0, strict=False)  # lenient: a report empty after cleaning is skipped and counted (as training does)


def cpu_seconds(pids):
    "User + system CPU seconds of processes (Linux /proc), 0 for those that are gone."
    total = 0.0
    for pid in pids:
        try: fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
        except OSError: continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')   # utime, stime
    return total


def measure(source, workers, batches, batch_size, tok):
    "Pairs per second after WARMUP batches (workers started, first batches out), and per CPU-second of all processes."
    loader = torch.utils.data.DataLoader(dataset(source), batch_size=batch_size, shuffle=True, num_workers=workers,
                                         collate_fn=PretrainingCollate(tok), persistent_workers=workers > 0,
                                         generator=torch.Generator().manual_seed(0))
    it = iter(loader)
    for _ in range(WARMUP): next(it)
    pids = [os.getpid()] + [w.pid for w in getattr(it, '_workers', [])]
    load_before = os.getloadavg()[0]
    wall, cpu, pairs = time.perf_counter(), cpu_seconds(pids), 0
    for _ in range(batches): pairs += len(next(it)['ids'])
    wall, cpu = time.perf_counter() - wall, cpu_seconds(pids) - cpu
    del it, loader
    return dict(rate=pairs / wall, cpu_rate=pairs / cpu, load=(load_before, os.getloadavg()[0]))


def breakdown(tok, fly, cached, n=64, batch_size=32):
    "CPU milliseconds per pair in one process: world rendering, a cached pair, the dataset transforms, the collate."
    world = fly.world
    start = time.process_time(); [world.sample('train', i) for i in range(n)]; render = time.process_time() - start
    start = time.process_time(); pairs = [cached[i] for i in range(n)]; read = time.process_time() - start
    data = dataset(pairs)                                          # a list of ready pairs: transforms only
    start = time.process_time(); items = [data[i] for i in range(n)]; item = time.process_time() - start
    collate = PretrainingCollate(tok)
    start = time.process_time(); [collate(items[k:k + batch_size]) for k in range(0, n, batch_size)]; batch = time.process_time() - start
    return {name: 1e3 * t / n for name, t in (('world.sample (render)', render), ('cached pair (unpack)', read),
                                               ('dataset transforms (flip, caption, resize/pad/crop)', item),
                                               ('collate (tokenize, word roles, stack)', batch))}


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--batches', type=int, default=30)
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--workers', type=int, nargs='+', default=[0, 2])
    parser.add_argument('--sources', nargs='+', default=['fly', 'cached'], choices=['fly', 'cached'])
    parser.add_argument('--out', default=str(ROOT / 'benchmarks' / 'results' / 'dataloader.md'))
    parser.add_argument('--before', default=None, help='a results file of an earlier version, appended for comparison')
    parser.add_argument('--before-label', default='an earlier version')
    args = parser.parse_args()
    torch.set_num_threads(1)
    tok, tok_note = tokenizer()
    n = (args.batches + WARMUP + 2) * args.batch_size
    load_start = os.getloadavg()
    fly = WorldSource(SyntheticWorld(WorldConfig(), seed=0), 'train', n=n)
    start = time.perf_counter(); cached = CachedWorldSource(fly, progress=False); cache_s = time.perf_counter() - start
    sources = {'fly': ('on the fly', fly), 'cached': ('cached (rendered once)', cached)}
    rows = [(sources[s][0], w, measure(sources[s][1], w, args.batches, args.batch_size, tok))
            for s in args.sources for w in args.workers]
    consumed = {name: args.batch_size / s for name, s in STEP_SECONDS.items()}
    lines = ['| source | num_workers | pairs/s | pairs per CPU-second (all processes) | '
             + ' | '.join(f'x {name} step ({rate:.0f} pairs/s)' for name, rate in consumed.items()) + ' | load average (1 min) before / after |',
             '| --- | --- | --- | --- | ' + ' | '.join('---' for _ in consumed) + ' | --- |']
    lines += [f"| {src} | {w} | {r['rate']:.0f} | {r['cpu_rate']:.0f} | "
              + ' | '.join(f"{r['rate'] / rate:.1f}" for rate in consumed.values())
              + f" | {r['load'][0]:.2f} / {r['load'][1]:.2f} |" for src, w, r in rows]
    table = '\n'.join(lines)
    parts = breakdown(tok, fly, cached, batch_size=args.batch_size)
    per_pair = ('CPU time per pair, one process (ms): ' + ', '.join(f'{k} {v:.2f}' for k, v in parts.items()) +
                f'. Rendering the cache once (wall clock): {1e3 * cache_s / n:.1f} ms per pair ({n} pairs in {cache_s:.1f} s).')
    reading = ('Reading the table: pairs/s is wall clock and depends on what else runs on the 2 cores (the load average '
               'columns); pairs per CPU-second counts the CPU the loader uses (main process + workers) and barely depends '
               'on the load. With num_workers=0 a training step waits for its batch: the data costs batch / (pairs per '
               'CPU-second) seconds per step. With workers the batch is made beside the step, but on 2 cores the workers '
               'take CPU from the training step (torch uses both cores), so the honest figure of what data costs the '
               'training is again the CPU-second column; pairs/s with 2 workers only shows what an otherwise idle machine '
               'could deliver.')
    conditions = (f'Conditions: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, torch threads 1 per '
                  f'process, load average at the start {load_start[0]:.2f} / {load_start[1]:.2f} / {load_start[2]:.2f} '
                  f'(1 / 5 / 15 min; the cores are shared: other jobs may have been running), batch {args.batch_size}, '
                  f'{args.batches} timed batches after {WARMUP} warm-up batches, persistent workers, world 128 px, '
                  f'load 144 -> random crop 128, flip p 0.5 (seeded per draw), caption + tokenize + word roles in the '
                  f'collate, {tok_note}.')
    verdict = 'Target: at least 10x the pairs/s a training step consumes. ' + ' '.join(
        f"{src}, best of num_workers: " + '; '.join(
            f"{name} {best / rate:.1f}x ({'met' if best / rate >= 10 else 'NOT met'})" for name, rate in consumed.items()) + '.'
        for src in dict.fromkeys(s for s, _, _ in rows) for best in [max(r['rate'] for s2, _, r in rows if s2 == src)])
    verdict += ' By CPU cost (pairs per CPU-second, best row): ' + '; '.join(
        f"{name} {best / rate:.1f}x" for name, rate in consumed.items()
        for best in [max(r['cpu_rate'] for _, _, r in rows)]) + '.'
    print(table + '\n\n' + per_pair + '\n\n' + reading + '\n\n' + conditions + '\n\n' + verdict)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text('# DataLoader speed (synthetic world, 128 px)\n\nCommand: `python benchmarks/dataloader_speed.py`\n\n'
                   + table + '\n\n' + per_pair + '\n\n' + reading + '\n\n' + conditions + '\n\n' + verdict + '\n'
                   + (f'\n## Before: {args.before_label}\n\n' + Path(args.before).read_text().split('\n', 1)[1].strip() + '\n'
                      if args.before else ''))
