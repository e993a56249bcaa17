"""Does `reclf` run unchanged on CUDA, and what does a GPU change? One script that fits a short time on a GPU machine.

    python benchmarks/cuda_check.py --out DIR [--parts parity speed resume train] [--train-steps 700] [--device cuda]
                                    [--sizes 64 128] [--batch-size 32]

parity  every `method`, the tiny preset, 8 pairs: loss and gradients in float64 on the CPU and on the device
        (they should agree to ~1e-12), and the device's bf16 autocast loss against the CPU's float32 one.
speed   forward + backward per step at B = 32 (demo encoders, 64 and 128 px; --batch-size, --sizes), float32 and bf16 autocast,
        `reclf` (and its cheaper SRM settings) against `gloria`: the course's cost target (`reclf` within 1.5x of `gloria`), on a GPU.
resume  `Trainer` on the device: 20 straight steps against 10 steps, a checkpoint and 10 resumed steps (max |dp|).
train   the demo preset (`reclf train --preset demo`) on the device for several settings at once, one process
        each: `reclf` with S = 128, L = 2 (the default) and with S = 64, L = 1, two seeds each, plus `gloria`
        and `convirt`; their final validation (recall, pointing, SRM relation share, IRM AUROC) side by side.
Writes DIR/cuda_check.md and DIR/cuda_check.json; `--device cpu --quick` runs a small version of everything here.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch
from reclf.train.config import METHODS, preset
from reclf.method.model import build_model
from reclf.data.tokenizer import load_course_tokenizer
from reclf.train.training import Trainer
from reclf.train.distributed import autocast_for, make_deterministic, to_device

sys.path.insert(0, str(ROOT / 'benchmarks'))
from model_cost import make_batch  # noqa: E402

CHEAP = dict(match_dim=64, srm_steps=1)
TRAIN_RUNS = {'reclf s0': dict(method='reclf', seed=0), 'reclf s1': dict(method='reclf', seed=1),
              'reclf S64 L1 s0': dict(method='reclf', seed=0, **CHEAP),
              'reclf S64 L1 s1': dict(method='reclf', seed=1, **CHEAP),
              'gloria s0': dict(method='gloria', seed=0), 'convirt s0': dict(method='convirt', seed=0)}


def parity(device, tokenizer):
    "Loss and gradient agreement, CPU float64 vs device float64, and device bf16 vs CPU float32, per method."
    batch, rows = make_batch(tokenizer, 64, 8), []
    for method in METHODS:
        torch.manual_seed(0)
        cpu = build_model(preset('tiny', method=method), tokenizer).train()
        results = {}
        for name, where, dtype, precision in (('cpu64', 'cpu', torch.float64, 'fp64'), ('dev64', device, torch.float64, 'fp64'),
                                               ('cpu32', 'cpu', None, 'fp32'), ('dev_bf16', device, None, 'bf16')):
            model = build_model(preset('tiny', method=method), tokenizer).train()
            model.load_state_dict(cpu.state_dict())
            model = model.to(where, dtype or torch.float32)
            with autocast_for(torch.device(where), precision):
                loss = model(to_device(batch, where, dtype))['loss']
            loss.backward()
            grads = {k: p.grad.detach().double().cpu() for k, p in model.named_parameters() if p.grad is not None}
            results[name] = (loss.item(), grads)
        (l64, g64), (d64, dg64) = results['cpu64'], results['dev64']
        scale = max(g.abs().max().item() for g in g64.values())      # the largest gradient entry of the model
        grad_diff = max((g64[k] - dg64[k]).abs().max().item() for k in g64) / scale
        rows.append(dict(method=method, loss=l64, loss_diff_fp64=abs(l64 - d64), grad_rel_diff_fp64=grad_diff,
                         loss_rel_diff_bf16=abs(results['dev_bf16'][0] - results['cpu32'][0]) / abs(results['cpu32'][0])))
    return rows


def _sync(device):
    if device.type == 'cuda': torch.cuda.synchronize(device)


def speed(device, tokenizer, sizes, steps, warmup, batch_size=32, precisions=('fp32', 'bf16'), chunk_pairs=None, group_reports=None):
    "Median ms per forward + backward at `batch_size` pairs, per size, precision and setting."
    settings = {'convirt': dict(method='convirt'), 'gloria': dict(method='gloria'), 'reclf_mean': dict(method='reclf_mean'),
                'reclf': dict(method='reclf'), 'reclf S64 L1': dict(method='reclf', **CHEAP)}
    rows = []
    for size in sizes:
        batch = to_device(make_batch(tokenizer, size, batch_size), device)
        for precision in precisions:
            times = {}
            for name, kw in settings.items():
                torch.manual_seed(0)
                model = build_model(preset('demo', image_size=size, **kw), tokenizer).to(device).train()
                if chunk_pairs and model.local is not None: model.local.chunk_pairs = chunk_pairs
                if group_reports is not None: model.group_reports = group_reports
                def step():
                    model.zero_grad(set_to_none=True)
                    with autocast_for(device, precision): loss = model(batch)['loss']
                    loss.backward()
                for _ in range(warmup): step()
                _sync(device)
                samples = []
                for _ in range(steps):
                    start = time.perf_counter(); step(); _sync(device); samples.append(time.perf_counter() - start)
                times[name] = statistics.median(samples) * 1000
            rows += [dict(size=size, batch=batch_size, precision=precision, chunk_pairs=chunk_pairs or 'auto',
                      group_reports='auto' if group_reports is None else group_reports, setting=k, ms=v, x_gloria=v / times['gloria']) for k, v in times.items()]
    return rows


def resume(device, tokenizer, folder):
    "A straight run against a second straight run and against a stopped-and-resumed one, on `device` (fp32)."
    config = lambda out: preset('tiny', steps=20, device=str(device), precision='fp32', out_dir=str(out), log_every=5)
    straight = Trainer(config(folder / 'straight'), tokenizer=tokenizer, progress=False); straight.fit()
    again = Trainer(config(folder / 'again'), tokenizer=tokenizer, progress=False); again.fit()
    def stop_at_10(trainer, out):
        if trainer.step == 10: trainer.stop_reason = 'test'
    first = Trainer(config(folder / 'resumed'), tokenizer=tokenizer, progress=False, callbacks=[stop_at_10]); first.fit()
    second = Trainer(config(folder / 'resumed'), tokenizer=tokenizer, progress=False); second.fit(resume='auto')
    def largest(a, b):   # (max |difference|, the parameter it is in)
        return max(((x - y).abs().max().item(), name) for (name, x), y in zip(a.model.named_parameters(), b.model.parameters()))
    (diff, where), (rerun_diff, rerun_where) = largest(straight, second), largest(straight, again)
    return dict(steps=20, stopped_at=first.step, resumed_to=second.step, max_param_diff=diff, where=where,
                rerun_diff=rerun_diff, rerun_where=rerun_where)


def train(device, folder, steps, runs, extra=()):
    "The demo preset for every setting of `runs`, one process each, all at once; their summaries."
    procs, start = {}, time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, OMP_NUM_THREADS='2', PYTHONPATH=f"{ROOT}:{os.environ.get('PYTHONPATH', '')}")
    for name, kw in runs.items():
        out = folder / name.replace(' ', '_')
        args = [sys.executable, '-m', 'reclf', 'train', '--preset', 'demo', '--out', str(out), '--no-progress',
                '--set', f'device={device}', '--set', f'steps={steps}'] + sum((['--set', f'{k}={v}'] for k, v in kw.items()), []) + list(extra)
        log = open(folder / f"{name.replace(' ', '_')}.log", 'w')
        procs[name] = (subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT), out)
    rows = []
    for name, (proc, out) in procs.items():
        code = proc.wait()
        summary = json.loads((out / 'summary.json').read_text()) if (out / 'summary.json').exists() else {}
        rows.append(dict(run=name, returncode=code, **runs[name], **summary))
    return rows, time.perf_counter() - start


def markdown(results, device_name):
    mode = 'deterministic algorithms' if torch.are_deterministic_algorithms_enabled() else 'default (non-deterministic) kernels'
    lines = ['# reclf on a GPU', '', f'Device: {device_name}; torch {torch.__version__}; {mode}.', '']
    if 'parity' in results:
        lines += ['## Parity: CPU vs GPU (tiny preset, 8 pairs, train mode)', '',
                  '| method | loss (fp64) | abs. loss diff fp64 | max grad diff fp64 / max grad | rel. loss diff bf16 vs CPU fp32 |',
                  '| --- | --- | --- | --- | --- |']
        lines += [f"| `{r['method']}` | {r['loss']:.6f} | {r['loss_diff_fp64']:.1e} | {r['grad_rel_diff_fp64']:.1e} | "
                  f"{r['loss_rel_diff_bf16']:.1e} |" for r in results['parity']] + ['']
    if 'speed' in results:
        lines += ['## Step time (forward + backward, median ms)', '', '| px | B | precision | chunk pairs | report groups of | setting | ms | x gloria |',
                  '| --- | --- | --- | --- | --- | --- | --- | --- |']
        lines += [f"| {r['size']} | {r['batch']} | {r['precision']} | {r.get('chunk_pairs', 256)} | {r.get('group_reports', 4)} | {r['setting']} | {r['ms']:.1f} | {r['x_gloria']:.2f} |" for r in results['speed']] + ['']
    if 'resume' in results:
        r = results['resume']
        lines += ['## Resume on the device (tiny preset, fp32)', '', f"Stopped at step {r['stopped_at']}, resumed to "
                  f"{r['resumed_to']}; max |parameter difference| against the straight run: {r['max_param_diff']:.2e} (in "
                  f"`{r.get('where')}`). A second straight run against the first: {r.get('rerun_diff', float('nan')):.2e} "
                  f"(in `{r.get('rerun_where')}`).", '']
    if 'train' in results:
        rows, seconds = results['train']
        keys = ['recall_global', 'recall_local', 'pointing_disease', 'pointing_location', 'relation_share',
                'relation_chance', 'importance_auroc']
        lines += [f'## Demo preset on the device, {len(rows)} runs side by side ({seconds:.0f} s wall for all)', '',
                  '| run | exit | s | ' + ' | '.join(keys) + ' |', '| --- ' * (len(keys) + 3) + '|']
        fmt = lambda v: f'{v:.3f}' if isinstance(v, float) else str(v if v is not None else '-')
        lines += [f"| {r['run']} | {r['returncode']} | {fmt(r.get('seconds'))} | " + ' | '.join(fmt(r.get(k)) for k in keys) + ' |'
                  for r in rows] + ['']
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default='cuda_check')
    parser.add_argument('--device', default='cuda')
    parser.add_argument('--parts', nargs='+', default=['parity', 'speed', 'resume', 'train'])
    parser.add_argument('--train-steps', type=int, default=700)
    parser.add_argument('--sizes', type=int, nargs='+', default=[64, 128], help='image sizes of the speed part')
    parser.add_argument('--batch-size', type=int, default=32, help='pairs per step in the speed part')
    parser.add_argument('--precisions', nargs='+', default=['fp32', 'bf16'], help='precisions of the speed part')
    parser.add_argument('--chunk-pairs', type=int, default=None, help='speed part: pairs per local-matching chunk (default: the model picks by device)')
    parser.add_argument('--group-reports', type=int, default=None, help='speed part: reports per length group (0 = one group; default: the model picks by device)')
    parser.add_argument('--quick', action='store_true', help='small sizes and few steps (to try the script on a CPU)')
    parser.add_argument('--deterministic', action='store_true',
                        help='torch.use_deterministic_algorithms (and the cuBLAS workspace setting it needs)')
    args = parser.parse_args(argv)
    if args.deterministic: make_deterministic()
    device, out = torch.device(args.device), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer, results = load_course_tokenizer(), {}
    name = torch.cuda.get_device_name(device) if device.type == 'cuda' else 'CPU'
    for part in args.parts:
        start = time.perf_counter()
        try:
            if part == 'parity': results[part] = parity(device, tokenizer)
            elif part == 'speed': results[part] = speed(device, tokenizer, args.sizes, 2 if args.quick else 20,
                                                        1 if args.quick else 5, args.batch_size, args.precisions,
                                                        args.chunk_pairs, args.group_reports)
            elif part == 'resume': results[part] = resume(device, tokenizer, out / 'resume')
            elif part == 'train':
                runs = dict(list(TRAIN_RUNS.items())[:2]) if args.quick else TRAIN_RUNS
                small = ['--set', 'train_size=64', '--set', 'valid_size=32', '--set', 'valid_every=0'] if args.quick else []
                results[part] = train(device, out / 'train', args.train_steps, runs, small)
            else: parser.error(f'unknown part {part!r}')
        except Exception as error:   # keep what the other parts measured
            results[f'{part}_error'] = repr(error)
            print(f'{part} failed: {error!r}', file=sys.stderr)
        print(f'{part}: {time.perf_counter() - start:.0f} s', file=sys.stderr, flush=True)
        (out / 'cuda_check.json').write_text(json.dumps(results, indent=1, default=str))
        (out / 'cuda_check.md').write_text(markdown(results, name))
    print(markdown(results, name))


if __name__ == '__main__':
    main()
