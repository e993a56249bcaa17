"""Cost of one training step of every `method` of lesson 08's `RECLF`, at batch 32 on the CPU, with the course encoders.

    python benchmarks/model_cost.py [--sizes 64 96 128] [--steps 5] [--warmup 2] [--threads 2] [--optimizer]

A step is `model(batch)['loss'].backward()` (forward + backward; with `--optimizer` also an AdamW step and
`zero_grad`). The model is `build_model(preset('demo', method=..., image_size=S))`: the small CNN, D = S = 128, the
2-layer hidden-128 BERT (dropout 0.1, train mode). The batch is 32 real pairs of the synthetic world (hard config)
through lesson 02's `PretrainingDataset` + `PretrainingCollate` with the course tokenizer (caption, <= 64 tokens).
Reported: the median (and min) of `--steps` timed steps after `--warmup` untimed ones (all methods' models are
built first and their steps interleaved round by round, so that a change of machine load hits every method alike), the ratio to `convirt`, and
whether `reclf` is within 1.5x of `gloria` (the course's cost target). A second table splits `reclf`'s step: the encoders and
the global loss, and the local path (lesson 05's matching, SRM, IRM) timed on fixed encoder outputs, method by method.
A third table times the levers on SRM's cost, a smaller matching dimension S and fewer reasoning steps L, against `gloria`.
The load average (`os.getloadavg()`) is recorded before and after: the 2 cores are shared, so rerun when it is low.
Writes benchmarks/results/model_cost.md.
"""
import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch
from reclf.train.config import preset
from reclf.method.global_alignment import info_nce
from reclf.method.model import METHODS, build_model
from reclf.data.pretraining_data import PretrainingCollate, PretrainingDataset, WorldSource
from reclf.data.tokenizer import load_course_tokenizer
from reclf.world.synthetic_world import SyntheticWorld, WorldConfig

TARGET = 1.5   # reclf step <= TARGET x gloria step


def make_batch(tokenizer, size, batch_size=32, seed=0):
    "`batch_size` pairs of the hard synthetic world at `size` px (centre crop of a 9/8 load size)."
    data = PretrainingDataset(WorldSource(SyntheticWorld(WorldConfig(), seed=seed), 'train', n=batch_size),
                              train=False, load_size=size * 9 // 8, crop_size=size)
    return PretrainingCollate(tokenizer)([data[i] for i in range(batch_size)])


def model_for(method, size, tokenizer, **overrides):
    torch.manual_seed(0)
    return build_model(preset('demo', method=method, image_size=size, **overrides), tokenizer).train()


LEVERS = {'`reclf` (S = 128, L = 2)': {}, 'S = 64': dict(match_dim=64), 'L = 1': dict(srm_steps=1),
          'S = 64, L = 1': dict(match_dim=64, srm_steps=1)}


def lever_costs(size, batch, tokenizer, steps, warmup):
    "Step seconds of `gloria` and of `reclf` with a smaller matching dimension S and/or fewer SRM steps L, interleaved."
    runners = {}
    for name, overrides in {'`gloria`': dict(method='gloria'), **LEVERS}.items():
        overrides = dict(overrides)
        model = model_for(overrides.pop('method', 'reclf'), size, tokenizer, **overrides)
        def step(model=model):
            model.zero_grad(set_to_none=True)
            model(batch)['loss'].backward()
        runners[name] = step
    return interleaved(runners, steps, warmup)


def step_costs(methods, size, batch, tokenizer, steps, warmup, optimizer):
    "Seconds per training step of each method (median wall, min wall, median CPU), the methods' steps interleaved."
    runners = {}
    for method in methods:
        model = model_for(method, size, tokenizer)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4) if optimizer else None
        def step(model=model, opt=opt):
            model.zero_grad(set_to_none=True)
            model(batch)['loss'].backward()
            if opt is not None: opt.step()
        runners[method] = step
    return interleaved(runners, steps, warmup)


def interleaved(runners, steps, warmup):
    "Time `steps` rounds of every runner in turn (so that a change of machine load hits all of them alike)."
    for _ in range(warmup):
        for run in runners.values(): run()
    wall, cpu = {k: [] for k in runners}, {k: [] for k in runners}
    for _ in range(steps):
        for name, run in runners.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            run()
            wall[name].append(time.perf_counter() - start); cpu[name].append(time.process_time() - start_cpu)
    return {k: (statistics.median(wall[k]), min(wall[k]), statistics.median(cpu[k])) for k in runners}


def local_costs(methods, size, batch, tokenizer, steps, warmup):
    "Seconds of the local loss alone (forward + backward) on fixed encoder outputs, per method, interleaved."
    runners = {}
    for method in methods:
        model = model_for(method, size, tokenizer)
        with torch.no_grad():
            images = model.encode_images(batch['images'])
            reports = model.encode_reports(batch['input_ids'], batch['attention_mask'], batch['word_ids'])
        leaf = lambda v: v.detach().requires_grad_() if isinstance(v, torch.Tensor) and v.is_floating_point() else v
        images, reports = ({k: leaf(v) for k, v in d.items()} for d in (images, reports))
        def step(model=model, images=images, reports=reports):
            model.zero_grad(set_to_none=True)
            info_nce(model.local_scores(images, reports)).backward()
        runners[method] = step
    return interleaved(runners, steps, warmup)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument('--sizes', type=int, nargs='+', default=[64, 96, 128])
    parser.add_argument('--methods', nargs='+', default=list(METHODS))
    parser.add_argument('--steps', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--optimizer', action='store_true', help='include an AdamW step')
    parser.add_argument('--no-breakdown', action='store_true')
    parser.add_argument('--no-levers', action='store_true', help='skip the table of cheaper SRM settings')
    parser.add_argument('--out', default=str(ROOT / 'benchmarks/results/model_cost.md'))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    tokenizer = load_course_tokenizer()
    load_before = os.getloadavg()
    lines = ['# Cost of a training step, method by method (CPU)', '',
             f'Command: `python benchmarks/model_cost.py {" ".join(sys.argv[1:])}`'.rstrip(), '']
    verdicts = []
    for size in args.sizes:
        batch = make_batch(tokenizer, size, args.batch_size)
        n_words = batch['word_mask'].sum(1).float()
        costs = step_costs(args.methods, size, batch, tokenizer, args.steps, args.warmup, args.optimizer)
        for method, (med, _, cpu) in costs.items():
            print(f'{size} px {method}: {med:.3f} s, {cpu:.3f} CPU s (load {os.getloadavg()[0]:.2f})', file=sys.stderr)
        base = costs.get('convirt', (float('nan'),))[0]
        grid = size // 8
        lines += [f'## {size} px ({grid}x{grid} = {grid * grid} regions), B = {args.batch_size}, '
                  f'words per report {n_words.mean():.1f} on average, padded to N = {batch["word_mask"].shape[1]}', '',
                  '| method | step, median (s) | step, min (s) | x convirt | CPU s per step (median) | x convirt (CPU) |',
                  '| --- | --- | --- | --- | --- | --- |']
        base_cpu = costs.get('convirt', (0, 0, float('nan')))[2]
        lines += [f'| `{m}` | {med:.3f} | {low:.3f} | {med / base:.2f} | {cpu:.3f} | {cpu / base_cpu:.2f} |'
                  for m, (med, low, cpu) in costs.items()]
        if 'gloria' in costs and 'reclf' in costs:
            ratio = costs['reclf'][0] / costs['gloria'][0]
            ratio_cpu = costs['reclf'][2] / costs['gloria'][2]
            verdicts.append(f'{size} px: `reclf` / `gloria` = {ratio:.2f} wall, {ratio_cpu:.2f} CPU '
                            f'({"met" if max(ratio, ratio_cpu) <= TARGET else "NOT met"})')
            lines += ['', f'`reclf` / `gloria` = {ratio:.2f} (wall), {ratio_cpu:.2f} (CPU time): target <= {TARGET} '
                      f'{"met" if max(ratio, ratio_cpu) <= TARGET else "NOT met"}.']
        if not args.no_breakdown and 'convirt' in costs:
            parts = {m: c[2] for m, c in local_costs([m for m in ('gloria', 'reclf_mean', 'reclf_srm', 'reclf_irm', 'reclf')
                                                          if m in args.methods], size, batch, tokenizer, args.steps, args.warmup).items()}
            lines += ['', "Where `reclf`'s time goes (median CPU s, which the shared cores disturb less than wall time; "
                      "the local path is timed alone, forward + backward of the local InfoNCE on fixed encoder outputs):",
                      '', '| part | CPU s | share of the `reclf` step |', '| --- | --- | --- |']
            total = costs.get('reclf', (0, 0, float('nan')))[2]
            rows = [('encoders + global loss (`convirt` step)', base_cpu)]
            if 'gloria' in parts: rows.append(('local matching, scalar + LSE (`gloria` local)', parts['gloria']))
            if 'reclf_mean' in parts and 'gloria' in parts:
                rows.append(('+ vector matchings, mean, score head (`reclf_mean` local - `gloria` local)', parts['reclf_mean'] - parts['gloria']))
            if 'reclf_srm' in parts and 'reclf_mean' in parts:
                rows.append(('+ SRM (`reclf_srm` local - `reclf_mean` local)', parts['reclf_srm'] - parts['reclf_mean']))
            if 'reclf_irm' in parts and 'reclf_mean' in parts:
                rows.append(('+ IRM (`reclf_irm` local - `reclf_mean` local)', parts['reclf_irm'] - parts['reclf_mean']))
            if 'reclf' in parts: rows.append(('`reclf` local path, all of it', parts['reclf']))
            lines += [f'| {name} | {s:.3f} | {s / total:.0%} |' for name, s in rows]
        if not args.no_levers:
            levers = lever_costs(size, batch, tokenizer, args.steps, args.warmup)
            gloria_wall, _, gloria_cpu = levers['`gloria`']
            lines += ['', 'Levers: `reclf` with a smaller matching dimension S (`match_dim`) and/or fewer SRM steps L '
                      '(`srm_steps`), timed interleaved with a fresh `gloria` (what they cost in quality is measured '
                      'elsewhere, not here):', '', '| setting | step, median (s) | CPU s | x `gloria` (wall) | x `gloria` (CPU) |',
                      '| --- | --- | --- | --- | --- |']
            lines += [f'| {name} | {med:.3f} | {cpu:.3f} | {med / gloria_wall:.2f} | {cpu / gloria_cpu:.2f} |'
                      for name, (med, _, cpu) in levers.items()]
        lines.append('')
    load_after = os.getloadavg()
    fmt = lambda load: ' / '.join(f'{x:.2f}' for x in load)
    lines += ['## Conditions', '',
              f'{platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}, {args.threads} torch threads; '
              f'load average (1 / 5 / 15 min) before {fmt(load_before)}, after {fmt(load_after)} (the cores are shared: '
              f'other jobs may have been running, so compare ratios more than seconds; CPU s = process time of both threads, less '
              f'disturbed by other jobs than wall time). Step = forward + backward'
              f'{" + AdamW step" if args.optimizer else " (no optimizer step)"}, train mode, median of {args.steps} '
              f'steps after {args.warmup} warm-up steps, the steps of all methods interleaved round by round. '
              f'Model: `build_model(preset("demo", method=..., image_size=S))` '
              f'(small CNN, D = S = 128, 2-layer hidden-128 BERT, dropout 0.1). Batch: {args.batch_size} pairs of the '
              'hard synthetic world through `PretrainingDataset` + `PretrainingCollate` (course tokenizer, caption, '
              '<= 64 tokens).', '', 'The course\'s cost target: `reclf` step <= 1.5 x `gloria` step. ' + '; '.join(verdicts) + '.', '']
    text = '\n'.join(lines)
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)


if __name__ == '__main__':
    main()
