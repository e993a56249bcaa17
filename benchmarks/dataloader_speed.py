"""How fast the pretraining DataLoader delivers synthetic pairs, against how fast a training step consumes them.

    python benchmarks/dataloader_speed.py [--batches 30] [--batch-size 32] [--workers 0 2]

Renders pairs on the fly from the synthetic world (128 px, load 144 -> random crop 128, flip p 0.5), tokenizes
captions with the course tokenizer (or a freshly trained one), aligns word roles; prints a markdown table and writes
benchmarks/results/dataloader.md. Consumption rates come from environment.md (contrastive step at batch 32: ~0.18 s
small CNN 64 px, ~0.86 s ResNet-18 128 px, 2 CPU threads).
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
from reclf.synthetic_world import SyntheticWorld, WorldConfig
from reclf.pretraining_data import WorldSource, PretrainingDataset, PretrainingCollate
from reclf import reports

STEP_SECONDS = {'small CNN, 64 px': 0.18, 'ResNet-18, 128 px': 0.86}   # environment.md, batch 32, 2 threads


def tokenizer():
    try: return reports.load_course_tokenizer(), 'course tokenizer'
    except Exception:
        world = SyntheticWorld(WorldConfig(), seed=1)
        return reports.train_tokenizer([s.report for s in world.samples('train', 300)], vocab_size=1000), 'trained here'


def measure(workers, batches, batch_size, tok):
    data = PretrainingDataset(WorldSource(SyntheticWorld(WorldConfig(), seed=0), 'train', n=batches * batch_size + 4 * batch_size),
                              train=True, load_size=144, crop_size=128, flip_p=0.5)
    loader = torch.utils.data.DataLoader(data, batch_size=batch_size, shuffle=True, num_workers=workers,
                                         collate_fn=PretrainingCollate(tok), persistent_workers=False)
    it = iter(loader)
    for _ in range(2): next(it)                                    # warm-up: worker start, first batches
    start, pairs = time.perf_counter(), 0
    for _ in range(batches): pairs += len(next(it)['ids'])
    return pairs / (time.perf_counter() - start)


def breakdown(tok, n=64, batch_size=32):
    "Milliseconds per pair, one process: rendering a world sample, the whole dataset item (render included), the collate."
    world = SyntheticWorld(WorldConfig(), seed=0)
    data = PretrainingDataset(WorldSource(world, 'train', n=n), train=True, load_size=144, crop_size=128)
    collate = PretrainingCollate(tok)
    start = time.perf_counter(); [world.sample('train', i) for i in range(n)]; render = time.perf_counter() - start
    start = time.perf_counter(); items = [data[i] for i in range(n)]; item = time.perf_counter() - start
    start = time.perf_counter(); [collate(items[k:k + batch_size]) for k in range(0, n, batch_size)]; batch = time.perf_counter() - start
    return {name: 1e3 * t / n for name, t in (('world.sample', render), ('dataset item', item), ('collate', batch))}


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--batches', type=int, default=30)
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--workers', type=int, nargs='+', default=[0, 2])
    args = parser.parse_args()
    torch.set_num_threads(1)
    tok, tok_note = tokenizer()
    load = os.getloadavg()
    rows = [(w, measure(w, args.batches, args.batch_size, tok)) for w in args.workers]
    lines = ['| num_workers | pairs/s | ' + ' | '.join(f'x {name} step ({args.batch_size / s:.0f} pairs/s)' for name, s in STEP_SECONDS.items()) + ' |',
             '| --- | --- | ' + ' | '.join('---' for _ in STEP_SECONDS) + ' |']
    lines += [f'| {w} | {rate:.0f} | ' + ' | '.join(f'{rate / (args.batch_size / s):.1f}' for s in STEP_SECONDS.values()) + ' |'
              for w, rate in rows]
    conditions = (f'Conditions: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, torch threads 1 per process, '
                  f'load average before the run {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (the cores are shared: other '
                  f'jobs may have been running), batch {args.batch_size}, {args.batches} timed batches after 2 warm-up batches, '
                  f'world 128 px, load 144 -> random crop 128, flip p 0.5, '
                  f'caption + tokenize + word roles in the collate, {tok_note}.')
    parts = breakdown(tok, batch_size=args.batch_size)
    lines += ['', 'Per pair, one process (ms): ' + ', '.join(f'{k} {v:.1f}' for k, v in parts.items()) +
              ' (the dataset item includes the rendering).']
    table = '\n'.join(lines)
    best = max(rate for _, rate in rows)
    verdict = ('Target: at least 10x the pairs/s a training step consumes. ' + '; '.join(
        f"{name}: {best / (args.batch_size / s):.1f}x ({'met' if best / (args.batch_size / s) >= 10 else 'NOT met'})"
        for name, s in STEP_SECONDS.items()) + ' (best row).')
    print(table + '\n\n' + conditions + '\n\n' + verdict)
    out = ROOT / 'benchmarks' / 'results' / 'dataloader.md'
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text('# DataLoader speed (synthetic world, 128 px)\n\nCommand: `python benchmarks/dataloader_speed.py`\n\n'
                   + table + '\n\n' + conditions + '\n\n' + verdict + '\n')
