"""Milliseconds per training step of several methods, measured **interleaved in one process**: every run takes its
step in turn, so a busy machine slows all of them alike and the ratios to `convirt` stay fair.

    python benchmarks/step_time.py [RUN ...] [--steps 20] [--warmup 4] [--threads 1] [--breakdown]
                                   [--preset demo] [--out FILE] [--note TEXT]

A RUN is a method with optional `TrainConfig` overrides after colons, e.g. `reclf`, `reclf:srm_topk=4`,
`gloria:precision=fp32`. The default runs are the seven methods at the `demo` preset's settings. Every run builds
lesson 09f's `Trainer` (training pairs: the first 1,024 of the world) and steps through the same batches with
`train_step` (forward under autocast, backward, clipping, AdamW). The figure is the median over `--steps` steps
after `--warmup` steps. `--breakdown` adds, per run, the forward time of each part (image encoder, text encoder,
local matching and within it SRM and IRM) from forward hooks, and backward + optimiser as the rest of the step.
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import argparse
import platform
import statistics
import sys
import tempfile
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
METHODS = ('convirt', 'gloria', 'mgca_weights', 'reclf_mean', 'reclf_srm', 'reclf_irm', 'reclf')
PARTS = dict(image='image_encoder', text='text_encoder', local='local', srm='srm', irm='irm')


def parse_run(spec: str) -> tuple[str, dict]:
    "'reclf:srm_topk=4:precision=fp32' -> ('reclf', {'srm_topk': 4, 'precision': 'fp32'})."
    from reclf.train.config import parse_overrides
    method, *pairs = spec.split(':')
    if method not in METHODS: raise SystemExit(f'step_time.py: unknown method {method!r} in run {spec!r}; one of {METHODS}')
    return method, parse_overrides(pairs)


class PartTimer:
    "Forward hooks that add up the wall time spent inside chosen submodules."
    def __init__(self, model):
        self.total, self.handles = {}, []
        for name, attr in PARTS.items():
            module = getattr(model, attr, None)
            if module is None: continue
            self.total[name] = 0.0
            self.handles.append(module.register_forward_pre_hook(lambda m, a, name=name: self._start(name)))
            self.handles.append(module.register_forward_hook(lambda m, a, o, name=name: self._stop(name)))
        self.started = {}
    def _start(self, name): self.started.setdefault(name, []).append(time.perf_counter())
    def _stop(self, name): self.total[name] += time.perf_counter() - self.started[name].pop()
    def reset(self): self.total = {k: 0.0 for k in self.total}


def build(spec: str, preset_name: str, folder: str):
    "A Trainer for one run and its first batches."
    from reclf.train.config import preset
    from reclf.train.training import Trainer
    method, overrides = parse_run(spec)
    config = preset(preset_name, **{**dict(train_size=1024, valid_size=32, valid_every=0, checkpoint_every=0,
                                           log_every=10**6, steps=10**6), **overrides, 'method': method},
                    out_dir=str(Path(folder) / spec.replace(':', '_')))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        trainer = Trainer(config, progress=False)
    trainer.model.train()
    return trainer


def measure(specs: list, steps: int, warmup: int, preset_name: str, breakdown: bool) -> dict:
    "Round-robin `warmup + steps` training steps over all runs; per run the step times and the part times."
    import torch
    with tempfile.TemporaryDirectory() as folder:
        trainers = {spec: build(spec, preset_name, folder) for spec in specs}
        loaders = {spec: iter(t._loader()) for spec, t in trainers.items()}
        batches = {spec: [next(loaders[spec]) for _ in range(warmup + steps)] for spec in specs}
        timers = {spec: PartTimer(t.model) for spec, t in trainers.items()} if breakdown else {}
        times, parts = {spec: [] for spec in specs}, {spec: [] for spec in specs}
        for step in range(warmup + steps):
            for spec, trainer in trainers.items():
                if spec in timers: timers[spec].reset()
                start = time.perf_counter()
                trainer.train_step(trainer.model, batches[spec][step])
                times[spec].append(time.perf_counter() - start)
                if spec in timers: parts[spec].append(dict(timers[spec].total))
    out = {}
    for spec in specs:
        kept = times[spec][warmup:]
        row = dict(ms=1000 * statistics.median(kept), spread=1000 * (max(kept) - min(kept)), threads=torch.get_num_threads())
        if breakdown:
            for name in parts[spec][0]: row[name] = 1000 * statistics.median(p[name] for p in parts[spec][warmup:])
        out[spec] = row
    return out


def table(results: dict, breakdown: bool) -> list[str]:
    "Markdown rows: ms per step, ratio to convirt, and the parts."
    def base(spec):                                        # the convirt run with the same overrides, if any
        _, *pairs = spec.split(':')
        return results.get(':'.join(['convirt', *pairs]), {}).get('ms')
    head = '| run | ms / step (median) | vs convirt (same settings) |'
    names = [n for n in PARTS if any(n in r for r in results.values())] if breakdown else []
    if breakdown: head += ''.join(f' {n} fwd ms |' for n in names) + ' rest (backward, optimiser) ms |'
    lines = [head, '|' + ' --- |' * (3 + (len(names) + 1 if breakdown else 0))]
    for spec, r in results.items():
        ratio = f"{r['ms'] / base(spec):.2f}" if base(spec) else '-'
        line = f"| {spec} | {r['ms']:.0f} | {ratio} |"
        if breakdown:
            forward = r.get('image', 0) + r.get('text', 0) + r.get('local', 0)
            line += ''.join(f" {r[n]:.0f} |" if n in r else ' - |' for n in names) + f" {r['ms'] - forward:.0f} |"
        lines.append(line)
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split('\n\n', 2)[2])
    parser.add_argument('runs', nargs='*', default=list(METHODS), help='method[:key=value...] (default: all seven methods)')
    parser.add_argument('--steps', type=int, default=20, help='timed steps per run (default 20)')
    parser.add_argument('--warmup', type=int, default=4, help='untimed steps first (default 4)')
    parser.add_argument('--threads', type=int, default=1, help='torch threads (default 1, as the sweep runs)')
    parser.add_argument('--preset', default='demo', help="the TrainConfig preset under every run (default 'demo')")
    parser.add_argument('--breakdown', action='store_true', help='forward time of each part from hooks')
    parser.add_argument('--out', help='append the table, command and machine to this markdown file')
    parser.add_argument('--note', default='', help='a sentence about the machine during the measurement')
    args = parser.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    load0, started = os.getloadavg()[0], datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    results = measure(args.runs, args.steps, args.warmup, args.preset, args.breakdown)
    lines = table(results, args.breakdown)
    command = 'python benchmarks/step_time.py ' + ' '.join(sys.argv[1:])
    machine = (f'Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, torch '
               f'{torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}; {args.threads} torch '
               f'thread(s); {started}; 1-minute load average {load0:.1f} at the start and {os.getloadavg()[0]:.1f} '
               f'at the end.' + (f' {args.note}' if args.note else ''))
    text = '\n'.join(lines + ['', f'Command: `{command}`.', machine, ''])
    print(text)
    if args.out:
        with open(args.out, 'a') as f: f.write(text + '\n')


if __name__ == '__main__':
    main()
