"""Binding a disease to its place: named training settings, each trained on several seeds and measured by swap-group
Recall@1 (lesson 09g's `swap_group_scores` and `swap_group_recall`).

    python benchmarks/binding_sweep.py [--seeds 0 1 2] [--only NAME ...] [--steps N] [--groups 300]
                                       [--out benchmarks/results/binding.json] [--runs DIR] [--report] [--list]

Every setting starts from the `demo` preset (hard world, 64 px, batch 32, the small CNN and the 2-layer BERT) with
periodic validation and checkpoints off, a final validation on 64 held-out pairs (the in-batch Recall@1 of the
summary), fewer steps than the preset's 700 (`--steps`, the same for every setting but the ones marked longer) and a
warm-up of 5% of the steps, as the preset has. A setting changes one thing against its reference (`SETTINGS`).
For each setting x seed the script trains with `Trainer` (run folder under `--runs`), then scores evaluation swap
groups 0 .. groups-1 of the run's own world (all below `SWAP_TRAIN_START`, so never a group that binding pressure
trains on) with the global score and, where the method has one, the local score, and keeps Recall@1 within groups with
its 95% percentile-bootstrap interval over groups. Each finished run is appended to the JSON file at once; runs already
in it are skipped, so an interrupted sweep resumes where it stopped. The final validation skips held-out pairs whose
caption is empty after cleaning (lesson 09d); one record made before it did keeps its own marker. The markdown table (same name, `.md`) is
rewritten from the JSON after every run, and by `--report` alone.
Run it with one thread per process (`OMP_NUM_THREADS=1`; the script also calls `torch.set_num_threads(1)`), one run
at a time.
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import argparse
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from reclf.train.config import PRESETS

WARMUP_SHARE = PRESETS['demo']['warmup_steps'] / PRESETS['demo']['steps']   # the demo preset's warm-up share

STEPS = 250            # optimiser steps of every setting (times `longer`); the demo preset trains 700
EVAL_GROUPS = 300      # evaluation swap groups 0 .. 299
BASE = dict(valid_every=0, checkpoint_every=0, valid_size=64)   # on top of the demo preset, for every setting
PRESSURE = dict(swap_fraction=0.25)

# name: (lever, reference setting (the same budget without the lever), overrides of the demo preset, step multiplier)
SETTINGS = {
    'gloria':               ('reference (no binding pressure)', None, dict(method='gloria'), 1),
    'gloria_swap25':        ('(a) binding pressure', 'gloria', dict(method='gloria', **PRESSURE), 1),
    'reclf':                ('reference (no binding pressure)', None, dict(method='reclf'), 1),
    'reclf_swap25':         ('(a) binding pressure', 'reclf', dict(method='reclf', **PRESSURE), 1),
    'gloria_swap25_easy':   ("(b) the 'easy' world", 'gloria_swap25', dict(method='gloria', world='easy', **PRESSURE), 1),
    'gloria_swap25_text4':  ('(c) a 4-layer text encoder', 'gloria_swap25', dict(method='gloria', text_layers=4, **PRESSURE), 1),
    'reclf_swap25_nospatial': ("(d) SRM's spatial prior off", 'reclf_swap25', dict(method='reclf', spatial_prior=False, **PRESSURE), 1),
    'reclf_swap25_steps2x': ('(e) twice the steps', 'reclf_swap25', dict(method='reclf', **PRESSURE), 2),
}


def run_key(name: str, seed: int, steps: int) -> str: return f'{name}/seed{seed}/steps{steps}'


def setting_overrides(name: str, seed: int, base_steps: int) -> dict:
    "The exact overrides of the demo preset for one run (run folder excluded)."
    _, _, overrides, longer = SETTINGS[name]
    steps = base_steps * longer
    return dict(BASE, **overrides, steps=steps, warmup_steps=max(1, round(steps * WARMUP_SHARE)), seed=seed)


def load_runs(path: Path) -> list:
    return json.loads(path.read_text())['runs'] if path.exists() else []


def save_runs(path: Path, runs: list):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix('.json.tmp')
    tmp.write_text(json.dumps(dict(runs=runs), indent=1) + '\n')
    tmp.replace(path)


def train_and_measure(name: str, seed: int, base_steps: int, runs_dir: Path, groups: int) -> dict:
    "Train one setting x seed, then swap-group Recall@1 (global, local) on `groups` evaluation groups."
    import torch
    from reclf.train.config import preset
    from reclf.train.training import Trainer
    from reclf.train.training_data import SWAP_TRAIN_START, make_world, swap_groups_per_batch
    from reclf.train.swap_recall import swap_group_recall, swap_group_scores
    if groups > SWAP_TRAIN_START: raise ValueError('evaluation groups must lie below SWAP_TRAIN_START')
    overrides = setting_overrides(name, seed, base_steps)
    out_dir = runs_dir / run_key(name, seed, overrides['steps']).replace('/', '_')
    if out_dir.exists(): shutil.rmtree(out_dir)                      # a run that stopped half-way starts again
    load_before = os.getloadavg()[0]
    start = time.perf_counter(); cpu_start = time.process_time()
    trainer = Trainer(preset('demo', **overrides, out_dir=str(out_dir)), progress=False)   # renders the training pairs
    built = time.perf_counter()
    summary = trainer.fit()              # its final validation skips (and counts) held-out pairs with an empty caption
    trained = time.perf_counter()
    if summary['status'] != 'finished': raise RuntimeError(f'{name} seed {seed}: training ended with {summary["status"]}')
    in_batch = dict(global_=summary.get('recall_global'), local=summary.get('recall_local'),
                    chance=summary.get('recall_chance'), pairs=summary.get('n_pairs'), skipped=[])
    blocks = swap_group_scores(trainer.model, make_world(trainer.config), trainer.tokenizer, range(groups),
                               trainer.config.image_size, trainer.config.max_length)
    swap = {kind.rstrip('_'): swap_group_recall(b) for kind, b in blocks.items()}
    end = time.perf_counter()
    return dict(key=run_key(name, seed, overrides['steps']), setting=name, seed=seed, steps=overrides['steps'],
                overrides=overrides, swap=swap, in_batch=in_batch,
                summary={k: v for k, v in summary.items() if isinstance(v, (int, float, str))},
                seconds=dict(total=end - start, build=built - start, train=trained - built, swap_eval=end - trained,
                             cpu=time.process_time() - cpu_start),
                pairs_per_s=overrides['steps'] * trainer.config.batch_size / (trained - built),
                batch_size=trainer.config.batch_size, image_size=trainer.config.image_size, world=trainer.config.world,
                swap_groups_per_batch=swap_groups_per_batch(trainer.config, make_world(trainer.config).config.swap_findings)
                if trainer.config.swap_fraction else 0,
                threads=torch.get_num_threads(), load_before=load_before, load_after=os.getloadavg()[0],
                machine=dict(cores=os.cpu_count(), python=platform.python_version(), torch=torch.__version__,
                             platform=platform.machine()),
                finished=datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC'))


# ---------------------------------------------------------------- the markdown report, from the JSON alone
def command(name: str, steps: int, seeds: list) -> str:
    longer = SETTINGS[name][3] if name in SETTINGS else 1
    extra = '' if steps // longer == STEPS else f' --steps {steps // longer}'
    return f"`OMP_NUM_THREADS=1 python benchmarks/binding_sweep.py --only {name} --seeds {' '.join(map(str, seeds))}{extra}`"


def mean_std(values: list) -> tuple:
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else float('nan'))


def fmt_ms(values: list) -> str:
    if not values: return 'n/a'
    m, s = mean_std(values)
    return f'{m:.3f} ± {s:.3f}' if len(values) > 1 else f'{m:.3f}'


def excluded(runs: list, kind: str) -> tuple:
    "Per-seed intervals that lie wholly above / wholly below chance."
    above = sum(r['swap'][kind]['ci95'][0] > r['swap'][kind]['chance'] for r in runs if kind in r['swap'])
    below = sum(r['swap'][kind]['ci95'][1] < r['swap'][kind]['chance'] for r in runs if kind in r['swap'])
    return above, below


def describe(overrides: dict) -> str:
    skip = set(BASE) | {'seed', 'warmup_steps', 'steps'}
    return ', '.join(f'{k}={v}' for k, v in overrides.items() if k not in skip)


def groups_of(runs: list) -> dict:
    "Runs by (setting, steps), in the order of SETTINGS, then any other names."
    order = {name: i for i, name in enumerate(SETTINGS)}
    out = {}
    for r in sorted(runs, key=lambda r: (order.get(r['setting'], len(order)), r['setting'], r['steps'], r['seed'])):
        out.setdefault((r['setting'], r['steps']), []).append(r)
    return out


def binds(runs: list, kind: str, min_seeds: int = 3) -> bool:
    "Mean above chance and every seed's interval wholly above chance, over at least `min_seeds` seeds."
    rs = [r for r in runs if kind in r['swap']]
    return len(rs) >= min_seeds and all(r['swap'][kind]['ci95'][0] > r['swap'][kind]['chance'] for r in rs)


def report(runs: list, json_name: str) -> str:
    if not runs: return '# Binding a disease to its place: settings tried\n\nNo finished runs yet.\n'
    grouped = groups_of(runs)
    chance = sorted({r['swap']['global']['chance'] for r in runs})
    n_groups = sorted({r['swap']['global']['groups'] for r in runs})
    steps_all = sorted({r['steps'] for r in runs})
    seeds_all = sorted({r['seed'] for r in runs})
    m = runs[0]['machine']
    threads = sorted({r['threads'] for r in runs})
    dates = sorted(r['finished'] for r in runs)
    total = sum(r['seconds']['total'] for r in runs)
    from reclf.train.config import preset
    demo = preset('demo')
    pressure = sorted({(r['overrides']['swap_fraction'], r.get('swap_groups_per_batch'), r.get('batch_size'))
                       for r in runs if r['overrides'].get('swap_fraction') and r.get('swap_groups_per_batch')})
    r0 = runs[0]
    longer = sorted({(r['setting'], r['steps']) for r in runs if r['steps'] != steps_all[0]})
    longer_note = ' (' + ', '.join(f'{st} for `{n}`' for n, st in longer) + ')' if longer else ''
    loads = [x for r in runs for x in (r['load_before'], r['load_after'])]
    import inspect
    from reclf.train.swap_recall import swap_group_recall
    n_boot = inspect.signature(swap_group_recall).parameters['n_boot'].default
    lines = ['# Binding a disease to its place: settings tried', '',
             'Can training make a contrastive image-report model bind each disease to its place? The test is swap-group '
             'Recall@1 (lesson 09g, `nbs/09g_swap_recall.ipynb`; docs/method.md section 10): a binding-swap group of the '
             'synthetic world (docs/synthetic_world.md) holds minimal pairs, the same patient, devices, severities and '
             'sentence plan, reports identical but for the exchanged place phrases of the findings, images identical '
             'but for the lesions drawn at the exchanged places. Each member image ranks its group\'s reports; only a '
             'model that binds disease to place ranks its own report first more often than chance, '
             f"1 / group size = {', '.join(f'{c:.2f}' for c in chance)}.", '',
             f"- **Measured.** For each setting and seed, {', '.join(map(str, n_groups))} evaluation groups (group "
             'numbers from 0, all below `SWAP_TRAIN_START`, so never a group that binding pressure trains on) of the '
             "run's own world, scored with the global score and, where the method has one, the local score; a tie at "
             'the top counts 1/k. Beside it, the in-batch Recall@1 of the final validation (lesson 09d; '
             f"{r0['in_batch']['pairs']} held-out pairs in batches of {r0['summary']['batch_size']}, image->report and "
             f"report->image averaged; chance {r0['in_batch']['chance']:.3f}).",
             f"- **Intervals.** Each seed's Recall@1 has a 95% percentile-bootstrap interval over its groups ({n_boot:,} "
             'resamples, `swap_group_recall`). The table gives mean ± standard deviation over seeds, and how many of the per-seed intervals '
             'lie wholly above / wholly below chance. A setting binds here when its mean over at least 3 seeds is '
             'above chance with every seed\'s interval wholly above chance.',
             f"- **Settings.** The `demo` preset ({demo.world} world, {demo.image_size} px, batch {demo.batch_size}, "
             f"{demo.train_size:,} training pairs, the small CNN, a {demo.text_layers}-layer BERT, AdamW with warm-up and "
             f"cosine decay) with {steps_all[0]} steps instead of its {demo.steps}{longer_note}, a warm-up of "
             f"{WARMUP_SHARE:.0%} of the steps as in the preset, validation and checkpoints only at the end; each setting "
             'changes one thing against its reference (same steps, same seeds '
             f"{', '.join(map(str, seeds_all))}). "
             + ' '.join(f'`swap_fraction={f}` puts {g} whole training swap groups ({g * round(1 / chance[0])} '
                        f'of {b} pairs) in every batch (binding pressure, lesson 09e).' for f, g, b in pressure)
             + ' The world seed is the run seed.',
             f"- **Machine.** {m['cores']} CPU cores ({m['platform']}), torch {m['torch']}, Python {m['python']}; "
             f"{'/'.join(map(str, threads))} torch thread per run, one run at a time, on cores shared with other jobs (1-minute "
             f"load average {min(loads):.1f} to {max(loads):.1f} at the runs' starts and ends, so wall times vary); runs finished between "
             f"{dates[0]} and {dates[-1]}. Wall time of all {len(runs)} runs: {total / 60:.1f} min (rendering the "
             'training pairs, training, and the swap-group evaluation).', '',
             '## Settings', '',
             '| setting | lever | changes (demo preset +) | steps | seeds | swap R@1 global | above / below | '
             'swap R@1 local | above / below | in-batch R@1 global | in-batch R@1 local | wall min per run | command |',
             '|' + ' --- |' * 13]
    for (name, steps), rs in grouped.items():
        lever = SETTINGS[name][0] if name in SETTINGS else ''
        cells = [f'`{name}`', lever, describe(rs[0]['overrides']), str(steps), str(len(rs))]
        for kind in ('global', 'local'):
            vals = [r['swap'][kind]['recall'] for r in rs if kind in r['swap']]
            a, b = excluded(rs, kind)
            cells += [fmt_ms(vals), f'{a} / {b}' if vals else 'n/a']
        for kind in ('global_', 'local'):
            vals = [r['in_batch'][kind] for r in rs if r['in_batch'].get(kind) is not None and r['in_batch'][kind] == r['in_batch'][kind]]
            cells.append(fmt_ms(vals))
        cells += [f"{statistics.fmean(r['seconds']['total'] for r in rs) / 60:.1f}", command(name, steps, [r['seed'] for r in rs])]
        lines.append('| ' + ' | '.join(cells) + ' |')
    missing = [n for n in SETTINGS if not any(k[0] == n for k in grouped)]
    short = [f'`{k[0]}` ({len(v)} seed{"s" if len(v) > 1 else ""})' for k, v in grouped.items() if len(v) < 3]
    if missing: lines += ['', 'Not run: ' + ', '.join(f'`{n}`' for n in missing) + '.']
    if short: lines += ['', 'Fewer than 3 seeds: ' + ', '.join(short) + '.']
    lines += ['', '## Each lever against its reference', '',
              'Difference of the means over seeds (setting minus reference, same seeds; same steps but where the '
              'lever is the number of steps):', '',
              '| setting | reference | steps (setting, reference) | seeds | global: setting - reference | '
              'local: setting - reference |', '|' + ' --- |' * 6]
    for name, ref, steps, ref_steps, common, delta in lever_deltas(grouped):
        cells = [f'`{name}`', f'`{ref}`', f'{steps}, {ref_steps}', ', '.join(map(str, common))]
        cells += [f'{delta[kind]:+.3f}' if delta.get(kind) is not None else 'n/a' for kind in ('global', 'local')]
        lines.append('| ' + ' | '.join(cells) + ' |')
    lines += ['', '## Conclusion', '', *[f'- {line}' for line in conclusion(grouped, chance)], '',
              '## Every run', '',
              '| setting | seed | steps | swap R@1 global [95% interval] | swap R@1 local [95% interval] | '
              'in-batch R@1 global / local | pairs/s | wall s (render, train, swap eval) |', '|' + ' --- |' * 8]
    for (name, steps), rs in grouped.items():
        for r in rs:
            sw = {k: (f"{v['recall']:.3f} [{v['ci95'][0]:.3f}, {v['ci95'][1]:.3f}]") for k, v in r['swap'].items()}
            ib = r['in_batch']
            local_ib = f"{ib['local']:.3f}" if ib.get('local') is not None and ib['local'] == ib['local'] else 'n/a'
            local_ib += ' *' if ib.get('skipped') else ''
            s = r['seconds']
            lines.append(f"| `{name}` | {r['seed']} | {steps} | {sw['global']} | {sw.get('local', 'n/a')} | "
                         f"{ib['global_']:.3f} / {local_ib} | {r['pairs_per_s']:.1f} | "
                         f"{s['total']:.0f} ({s['build']:.0f}, {s['train']:.0f}, {s['swap_eval']:.0f}) |")
    marked = [r for r in runs if r['in_batch'].get('skipped')]
    if marked:
        lines += ['', '\\* The final validation of these runs stopped at a held-out pair whose caption is empty after '
                  'cleaning (' + ', '.join(sorted({f"valid/{i} of the {r['world']} world, seed {r['seed']}" for r in marked
                                                   for i in r['in_batch']['skipped']})) + '); their in-batch Recall@1 is '
                  f"computed the same way on the first {marked[0]['in_batch']['pairs']} held-out pairs whose caption is "
                  'not empty (validation now skips such pairs itself). The trained model and the swap-group measurement are not affected.']
    lines += ['', f'Every number above is computed from `{json_name}` (one record per run, with its exact overrides of '
              'the demo preset) by `benchmarks/binding_sweep.py --report`.', '']
    return '\n'.join(lines)


def lever_deltas(grouped: dict) -> list:
    "(setting, reference, steps, reference steps, common seeds, {kind: mean difference}) for every setting with a reference."
    out = []
    for (name, steps), rs in grouped.items():
        ref = SETTINGS[name][1] if name in SETTINGS else None
        ref_steps = steps // SETTINGS[name][3] * SETTINGS[ref][3] if ref in SETTINGS else steps
        if ref is None or (ref, ref_steps) not in grouped: continue
        refs = grouped[(ref, ref_steps)]
        common = sorted({r['seed'] for r in rs} & {r['seed'] for r in refs})
        delta = {}
        for kind in ('global', 'local'):
            a = [r['swap'][kind]['recall'] for r in rs if r['seed'] in common and kind in r['swap']]
            b = [r['swap'][kind]['recall'] for r in refs if r['seed'] in common and kind in r['swap']]
            delta[kind] = statistics.fmean(a) - statistics.fmean(b) if a and b and len(a) == len(b) else None
        out.append((name, ref, steps, ref_steps, common, delta))
    return out


def conclusion(grouped: dict, chance: list) -> list:
    "Plain-words conclusion, every number taken from the runs."
    out, best = [], None
    for kind in ('global', 'local'):
        for (name, steps), rs in grouped.items():
            vals = [r['swap'][kind]['recall'] for r in rs if kind in r['swap']]
            if vals and (best is None or statistics.fmean(vals) > best[0]):
                best = (statistics.fmean(vals), name, steps, kind, len(vals), excluded(rs, kind))
    binding = [(name, steps, kind) for (name, steps), rs in grouped.items() for kind in ('global', 'local') if binds(rs, kind)]
    intervals = sum(1 for rs in grouped.values() for r in rs for kind in r['swap'])
    above = sum(excluded(rs, kind)[0] for rs in grouped.values() for kind in ('global', 'local'))
    below = sum(excluded(rs, kind)[1] for rs in grouped.values() for kind in ('global', 'local'))
    if binding:
        out.append('Settings that bind by the rule above (mean over at least 3 seeds above chance, every seed\'s '
                   'interval wholly above chance): ' + ', '.join(f'`{n}` ({s} steps, {k} score)' for n, s, k in binding) + '.')
    else:
        out.append('No setting binds: none has a mean over at least 3 seeds above chance with every seed\'s interval '
                   'wholly above chance, for the global or the local score.')
    if best:
        mean, name, steps, kind, n, (a, b) = best
        out.append(f'The highest mean is `{name}` ({steps} steps, {kind} score): {mean:.3f} over {n} seed{"s" if n > 1 else ""} '
                   f'against a chance of {chance[0]:.2f}, with {a} of its {n} interval{"s" if n > 1 else ""} wholly above chance.')
    out.append(f'Over all runs, {above} of the {intervals} per-seed intervals (global and local) {"lies" if above == 1 else "lie"} wholly above chance and {below} wholly '
               f'below; at 95% each, about {0.05 * intervals:.1f} of {intervals} would exclude chance by luck alone if no '
               'model bound anything.')
    deltas = [(abs(d[k]), d[k], n, k) for n, _, _, _, _, d in lever_deltas(grouped) for k in d if d[k] is not None]
    spreads = [(statistics.stdev(v), n, k) for (n, _), rs in grouped.items() for k in ('global', 'local')
               for v in [[r['swap'][k]['recall'] for r in rs if k in r['swap']]] if len(v) > 1]
    if deltas and spreads:
        _, d, n, k = max(deltas); sd, sn, sk = max(spreads)
        opening = ('No lever moves the mean by more than the seeds scatter it' if abs(d) < sd else
                'The largest effect of a lever is larger than the scatter over seeds')
        out.append(f'{opening}: the largest difference against a reference is {d:+.3f} (`{n}`, {k} score), and the '
                   f'standard deviation over seeds of one setting reaches {sd:.3f} (`{sn}`, {sk} score).')
    ib = [statistics.fmean(v) for rs in grouped.values()
          for v in [[r['in_batch']['global_'] for r in rs if r['in_batch'].get('global_') is not None]] if v]
    if ib:
        c = next(iter(grouped.values()))[0]['in_batch']['chance']
        out.append(f'Every setting did learn ordinary retrieval: its mean in-batch Recall@1 (global) lies between '
                   f'{min(ib):.3f} and {max(ib):.3f} against a chance of {c:.3f}'
                   + ('; they tell reports apart, but not by which finding sits at which place.' if not binding else '.'))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     epilog='settings: ' + '; '.join(f'{n}: {v[0]}' for n, v in SETTINGS.items()))
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2], help='run seeds (also the world seeds)')
    parser.add_argument('--only', nargs='+', metavar='NAME', help=f'run only these settings (of {", ".join(SETTINGS)})')
    parser.add_argument('--steps', type=int, default=STEPS, help=f'optimiser steps per run (default {STEPS}; settings marked longer take a multiple)')
    parser.add_argument('--groups', type=int, default=EVAL_GROUPS, help='evaluation swap groups 0 .. groups-1')
    parser.add_argument('--out', default=str(ROOT / 'benchmarks' / 'results' / 'binding.json'),
                        help='the JSON of finished runs (appended to; its .md twin is rewritten)')
    parser.add_argument('--runs', default=str(Path(tempfile.gettempdir()) / 'reclf_binding_runs'), help='folder for the run folders')
    parser.add_argument('--report', action='store_true', help='only rewrite the markdown table from the JSON')
    parser.add_argument('--list', action='store_true', help='list the settings and their overrides, then stop')
    args = parser.parse_args(argv)
    out = Path(args.out)
    if args.list:
        for name, (lever, ref, overrides, longer) in SETTINGS.items():
            print(f'{name:26s} {lever:36s} ref={ref}  {setting_overrides(name, 0, args.steps)}')
        return
    names = args.only or list(SETTINGS)
    unknown = [n for n in names if n not in SETTINGS]
    if unknown: parser.error(f'unknown setting(s) {unknown}; known: {", ".join(SETTINGS)}')
    if not args.report:
        import torch
        torch.set_num_threads(1)
        runs_dir = Path(args.runs)
        for name in names:
            for seed in args.seeds:
                steps = setting_overrides(name, seed, args.steps)['steps']
                key = run_key(name, seed, steps)
                runs = load_runs(out)
                if any(r['key'] == key and r['swap']['global']['groups'] == args.groups for r in runs):
                    print(f'{key}: already in {out.name}, skipped', flush=True); continue
                print(f'{key}: training ...', flush=True)
                record = train_and_measure(name, seed, args.steps, runs_dir, args.groups)
                runs = load_runs(out) + [record]
                save_runs(out, runs)
                write_markdown(out, report(runs, out.name))
                sw = record['swap']
                print(f"{key}: swap R@1 global {sw['global']['recall']:.3f} {sw['global']['ci95']}"
                      + (f", local {sw['local']['recall']:.3f} {sw['local']['ci95']}" if 'local' in sw else '')
                      + f"; in-batch {record['in_batch']['global_']:.3f}; {record['seconds']['total']:.0f} s", flush=True)
    write_markdown(out, report(load_runs(out), out.name))
    print(f'wrote {out.with_suffix(".md")}')


READING = '## What these settings could not show'   # the hand-written section of the report, kept


def write_markdown(out: Path, text: str):
    "Write the report beside `out`, keeping the hand-written reading below it."
    path = out.with_suffix('.md')
    previous = path.read_text() if path.exists() else ''
    path.write_text(text + ('\n' + previous[previous.index(READING):] if READING in previous else ''))


if __name__ == '__main__':
    main()
