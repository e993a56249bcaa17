"""Seconds per training step at the evidence sweep's base (the `demo` preset: hard world, 64 px, batch 32), per method
and per way of running it: fp32 or bf16 autocast on the CPU, DataLoader workers 0 or 1, and `torch.compile`.

    python benchmarks/throughput.py [--methods reclf convirt gloria] [--variants fp32 bf16 workers1 compile]
                                    [--warmup 5] [--steps 20] [--metric-steps 100] [--note TEXT]
                                    [--out benchmarks/results/throughput.md]

Every (method, variant) runs in a fresh process (so a compiled graph or a worker pool never leaks into the next one)
with one torch thread (`OMP_NUM_THREADS=1`, `torch.set_num_threads(1)`). It builds lesson 09f's `Trainer` on the
sweep's configuration (training pairs: the first 1,024 of the world, enough for these steps), then drives its own loop
over the trainer's loader and `train_step`, so that the time of a step includes loading its batch. The first
`--warmup` steps are left out (they include a compilation for `compile`, reported separately); the figure is the
median over the next `--steps` steps.

With `--metric-steps N` it also trains `reclf` for N steps twice from the same seed, in fp32 and in bf16, and compares
the final validation (lesson 09d's `evaluate`, 256 held-out pairs) and the last logged loss: bf16 is adopted only if it
is faster and keeps the metrics.
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VARIANTS = {           # name: (what it changes, TrainConfig overrides, compile the model)
    'fp32': ('reference: fp32, no workers', dict(precision='fp32', num_workers=0), False),
    'bf16': ('bf16 autocast on the CPU', dict(precision='bf16', num_workers=0), False),
    'workers1': ('one DataLoader worker process', dict(precision='fp32', num_workers=1), False),
    'compile': ('torch.compile(model), fp32, no workers', dict(precision='fp32', num_workers=0), True),
}
BASE = dict(train_size=1024, valid_every=0, checkpoint_every=0, log_every=10)   # on top of the demo preset


def one(method: str, variant: str, warmup: int, steps: int) -> dict:
    "Time `warmup + steps` training steps of one method and variant in this process."
    import torch
    torch.set_num_threads(1)
    from reclf.train.config import preset
    from reclf.train.training import Trainer
    import tempfile
    _, overrides, compiled = VARIANTS[variant]
    with tempfile.TemporaryDirectory() as folder:
        config = preset('demo', **BASE, **overrides, method=method, steps=warmup + steps, out_dir=folder)
        trainer = Trainer(config, progress=False)
        model = trainer.model
        if compiled: model = torch.compile(model)
        model.train()
        stamps, start = [], time.perf_counter()
        cpu = time.process_time()
        for batch in trainer._loader():
            trainer.train_step(model, batch)
            stamps.append(time.perf_counter())
        cpu = time.process_time() - cpu
    times = [b - a for a, b in zip([start] + stamps[:-1], stamps)]
    return dict(method=method, variant=variant, first_step=times[0], warmup_steps=warmup, steps=steps,
                seconds_per_step=statistics.median(times[warmup:]), mean_seconds_per_step=statistics.fmean(times[warmup:]),
                cpu_per_step=cpu / len(times), threads=torch.get_num_threads())


def metric_run(precision: str, steps: int) -> dict:
    "Train reclf for `steps` steps (seed 0) at `precision`; the final validation and the last logged losses."
    import torch
    torch.set_num_threads(1)
    from reclf.train.config import preset
    from reclf.train.training import Trainer
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        config = preset('demo', valid_every=0, checkpoint_every=0, log_every=10, method='reclf', steps=steps,
                        warmup_steps=max(1, round(steps * 0.05)), precision=precision, out_dir=folder)
        trainer = Trainer(config, progress=False)
        start = time.perf_counter()
        summary = trainer.fit()
        last = trainer.log.rows[-1]
    keys = ('recall_global', 'recall_local', 'pointing_disease', 'pointing_location', 'relation_auroc', 'importance_auroc')
    return dict(precision=precision, steps=steps, seconds=time.perf_counter() - start, loss=last['loss'],
                loss_global=last['loss_global'], loss_local=last['loss_local'], **{k: summary.get(k) for k in keys})


def in_child(args: list, timeout: int) -> dict:
    "Run this script with `args` in a fresh process; its last output line is the JSON result."
    try:
        done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired: return dict(error=f'did not finish within {timeout} s')
    if done.returncode: return dict(error=(done.stderr.strip().splitlines() or ['exit code %d' % done.returncode])[-1][:300])
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(results: list, metrics: list, note: str, load: tuple, started: str, args) -> str:
    import torch
    ref = {r['method']: r['seconds_per_step'] for r in results if r['variant'] == 'fp32' and 'error' not in r}
    lines = ['| method | variant | s / step (median) | vs fp32 | first step, s | CPU s / step |', '|' + ' --- |' * 6]
    for r in results:
        if 'error' in r:
            lines.append(f"| {r['method']} | {r['variant']} | failed: {r['error']} | - | - | - |"); continue
        ratio = r['seconds_per_step'] / ref[r['method']] if r['method'] in ref else float('nan')
        lines.append(f"| {r['method']} | {r['variant']} | {r['seconds_per_step']:.3f} | {ratio:.2f}x | "
                     f"{r['first_step']:.2f} | {r['cpu_per_step']:.3f} |")
    text = ['## Training throughput at the evidence sweep\'s base', '',
            'The `demo` preset (hard world, 64 px, small CNN, 2-layer BERT, batch 32), one torch thread. Variants: '
            + '; '.join(f'`{k}`: {v[0]}' for k, v in VARIANTS.items() if k in args.variants) + '.', '', *lines, ''] if results else []
    if metrics:
        keys = [k for k in metrics[0] if k not in ('precision', 'steps')]
        text += [f"### Does bf16 change the result? `reclf`, {metrics[0]['steps']} steps, seed 0, fp32 against bf16", '',
                 '| precision | ' + ' | '.join(keys) + ' |', '|' + ' --- |' * (len(keys) + 1)]
        text += ['| ' + m['precision'] + ' | ' + ' | '.join(f'{m[k]:.3f}' if isinstance(m[k], float) else str(m[k]) for k in keys) + ' |'
                 for m in metrics if 'error' not in m]
        text += [f"| {m['precision']} | failed: {m['error']} |" for m in metrics if 'error' in m] + ['']
    text += [f'Command: `OMP_NUM_THREADS=1 python benchmarks/throughput.py --methods {" ".join(args.methods)} --variants '
             f'{" ".join(args.variants)} --warmup {args.warmup} --steps {args.steps} --metric-steps {args.metric_steps}`.',
             f'Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, torch {torch.__version__}, '
             f'CPU capability {torch.backends.cpu.get_cpu_capability()}; 1 torch thread per process; {started}; '
             f'1-minute load average {load[0]:.1f} at the start and {load[1]:.1f} at the end.' + (f' {note}' if note else '')]
    return '\n'.join(text) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--methods', nargs='+', default=['reclf', 'convirt', 'gloria'])
    parser.add_argument('--variants', nargs='*', default=list(VARIANTS), choices=list(VARIANTS), help='none: only the bf16 comparison')
    parser.add_argument('--warmup', type=int, default=5)
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--metric-steps', type=int, default=100, help='0: skip the fp32 / bf16 metric comparison')
    parser.add_argument('--timeout', type=int, default=600, help='seconds per child process')
    parser.add_argument('--note', default='', help='a sentence about the machine during the measurement')
    parser.add_argument('--out', default=str(ROOT / 'benchmarks' / 'results' / 'throughput.md'))
    parser.add_argument('--append', action='store_true', help='add this measurement as a new section of --out')
    parser.add_argument('--one', nargs=2, metavar=('METHOD', 'VARIANT'), help=argparse.SUPPRESS)
    parser.add_argument('--metric', metavar='PRECISION', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one: print(json.dumps(one(*args.one, args.warmup, args.steps))); return
    if args.metric: print(json.dumps(metric_run(args.metric, args.metric_steps))); return
    started, load0 = datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC'), os.getloadavg()[0]
    results = []
    for method in args.methods:
        for variant in args.variants:
            r = dict(method=method, variant=variant) | in_child(['--one', method, variant, '--warmup', str(args.warmup),
                                                                 '--steps', str(args.steps)], args.timeout)
            print(json.dumps(r), flush=True); results.append(r)
    metrics = []
    if args.metric_steps:
        for precision in ('fp32', 'bf16'):
            m = dict(precision=precision, steps=args.metric_steps) | in_child(['--metric', precision, '--metric-steps', str(args.metric_steps)], args.timeout)
            print(json.dumps(m), flush=True); metrics.append(m)
    text = report(results, metrics, args.note, (load0, os.getloadavg()[0]), started, args)
    if args.append and Path(args.out).exists(): text = Path(args.out).read_text() + '\n' + text
    Path(args.out).write_text(text)
    print('wrote', args.out)


if __name__ == '__main__':
    main()
