"""How fast are the batched local-matchings? Forward + backward (symmetric InfoNCE of the B x B score matrix) of
GLoRIA-style local scores (attention, context, scalar matchings, log-sum-exp pooling), three ways:

- batched: `reclf.method.chunked_matching.LocalMatching` (all pairs, chunks of about `chunk_pairs` pairs);
  (without a matching projection it takes the Gram shortcut for the scalar matchings: no (b, B, N, D) context);
- (a) per-pair: a Python loop over all B x B (image, report) pairs;
- (b) per-report: a loop over the B reports that batches over all images (GLoRIA's structure);
- einsum: one naive 4-D einsum over all pairs (for the record).

Then the peak memory of one forward + backward at B = 32, 64, 128 without chunking, with chunking, and with chunking
plus checkpointing, each in a fresh subprocess: peak resident memory (VmHWM after resetting it through
/proc/self/clear_refs, after a warm-up) minus the resident memory just before the computation.

    python benchmarks/local_matching_speed.py [--reps 3] [--threads 2] [--quick]

Prints markdown tables and writes benchmarks/results/local_matching.md. CPU only here; pass --device cuda on a GPU."""
import argparse, json, os, platform, subprocess, sys, time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import torch
import torch.nn.functional as F
from reclf.method.chunked_matching import LocalMatching
from reclf.method.local_matching import pair_matching
from reclf.method.global_alignment import info_nce

G1, G2, G3 = 4.0, 5.0, 10.0


def per_pair(regions, words, word_mask):
    "(a) every (image, report) pair on its own."
    B_i, B_t = regions.shape[0], words.shape[0]
    rows = []
    for i in range(B_i):
        rows.append(torch.stack([G3 * torch.logsumexp(G2 * pair_matching(regions[i], words[k][word_mask[k]], G1)[2], 0)
                                 for k in range(B_t)]))
    return torch.stack(rows)                                                    # (B_i, B_t)


def per_report(regions, words, word_mask):
    "(b) one report at a time against all images, batched over images (GLoRIA's loop)."
    unit_regions = F.normalize(regions, dim=-1)                                 # (B, M, D)
    cols = []
    for k in range(words.shape[0]):
        w = words[k][word_mask[k]]                                              # (N_k, D)
        cos = torch.matmul(unit_regions, F.normalize(w, dim=-1).T)              # (B, M, N_k)
        attention = torch.softmax(G1 * cos.transpose(1, 2), dim=-1)             # (B, N_k, M)
        context = torch.bmm(attention, regions)                                 # (B, N_k, D)
        scalar = F.cosine_similarity(context, w[None], dim=-1)                  # (B, N_k)
        cols.append(G3 * torch.logsumexp(G2 * scalar, dim=-1))                  # (B,)
    return torch.stack(cols, 1)                                                 # (B, B)


def einsum4(regions, words, word_mask):
    "A naive 4-D einsum over all pairs at once."
    cos = torch.einsum('knd,imd->iknm', F.normalize(words, dim=-1), F.normalize(regions, dim=-1))  # (B, B, N, M)
    context = torch.einsum('iknm,imd->iknd', torch.softmax(G1 * cos, -1), regions)                 # (B, B, N, D)
    scalar = F.cosine_similarity(context, words[None], dim=-1)                                     # (B, B, N)
    return G3 * torch.logsumexp((G2 * scalar).masked_fill(~word_mask, float('-inf')), -1)


def batched(chunk_pairs):
    def run(regions, words, word_mask):
        return LocalMatching(regions.shape[-1], gamma1=G1, chunk_pairs=chunk_pairs)(regions, words, word_mask)
    return run


def inputs(B, N, M, D, device='cpu', dtype=torch.float32, seed=0):
    g = torch.Generator().manual_seed(seed)
    regions = torch.randn(B, M, D, generator=g, dtype=dtype).to(device).requires_grad_()
    words = torch.randn(B, N, D, generator=g, dtype=dtype).to(device).requires_grad_()
    n_words = torch.randint(N // 2, N + 1, (B,), generator=g)
    word_mask = (torch.arange(N)[None] < n_words[:, None]).to(device)        # ragged reports
    return regions, words, word_mask


def fwd_bwd(fn, regions, words, word_mask):
    regions.grad = words.grad = None
    info_nce(fn(regions, words, word_mask)).backward()
    if regions.is_cuda: torch.cuda.synchronize()


def best_time(fn, args, reps, warmup=True):
    if warmup: fwd_bwd(fn, *args)
    times = []
    for _ in range(reps):
        start = time.perf_counter(); fwd_bwd(fn, *args); times.append(time.perf_counter() - start)
    return min(times)


def speed_table(sizes, chunk_sizes, reps, device):
    lines = ['| B | N | M | D | (a) per-pair ms | (b) per-report ms | einsum ms | '
             + ' | '.join(f'batched {c} ms' for c in chunk_sizes) + ' | best batched | vs (a) | vs (b) | max abs diff |',
             '|' + ' --- |' * (10 + len(chunk_sizes))]
    for B, N, M, D in sizes:
        args = inputs(B, N, M, D, device)
        t = {}
        t['a'] = best_time(per_pair, args, 1, warmup=False)   # thousands of pairs: warm after a few
        t['b'] = best_time(per_report, args, reps)
        t['e'] = best_time(einsum4, args, reps)
        for c in chunk_sizes: t[c] = best_time(batched(c), args, reps)
        best = min(chunk_sizes, key=lambda c: t[c])
        with torch.no_grad():
            ref = per_pair(*args)
            diff = max((batched(c)(*args) - ref).abs().max().item() for c in chunk_sizes)
            diff = max(diff, (per_report(*args) - ref).abs().max().item())
        lines.append(f'| {B} | {N} | {M} | {D} | {t["a"]*1e3:.0f} | {t["b"]*1e3:.1f} | {t["e"]*1e3:.1f} | '
                     + ' | '.join(f'{t[c]*1e3:.1f}' for c in chunk_sizes)
                     + f' | {best} | {t["a"]/t[best]:.1f}x | {t["b"]/t[best]:.2f}x | {diff:.1e} |')
        print(lines[-1], flush=True)
    return lines


MEMORY_CHILD = """
import json, sys, torch
sys.path.insert(0, {root!r})
torch.set_num_threads({threads})
from benchmarks.local_matching_speed import inputs, fwd_bwd, LocalMatching
def rss(field):
    for line in open('/proc/self/status'):
        if line.startswith(field): return int(line.split()[1]) * 1024
matcher = LocalMatching({D}, chunk_pairs={chunk_pairs}, checkpoint={checkpoint})
fwd_bwd(matcher, *inputs(4, {N}, {M}, {D}))        # warm-up: lazy initialisation is not the computation's memory
args = inputs({B}, {N}, {M}, {D})
open('/proc/self/clear_refs', 'w').write('5')      # reset the peak (VmHWM) to the current RSS
base = rss('VmRSS:')
fwd_bwd(matcher, *args)
print(json.dumps(dict(peak=rss('VmHWM:') - base)))
"""


def peak_memory(B, N, M, D, chunk_pairs, checkpoint, threads):
    code = MEMORY_CHILD.format(root=str(ROOT), threads=threads, B=B, N=N, M=M, D=D, chunk_pairs=chunk_pairs, checkpoint=checkpoint)
    env = {**os.environ, 'MALLOC_MMAP_THRESHOLD_': '131072'}   # big blocks mmapped, so freed memory leaves RSS
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=ROOT, env=env)
    if out.returncode: raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])['peak'] / 2**20


def memory_table(batch_sizes, N, M, D, chunk_pairs, threads):
    configs = [('whole batch', 10**9, False), (f'chunks of {chunk_pairs} pairs', chunk_pairs, False),
               (f'chunks of {chunk_pairs} pairs + checkpoint', chunk_pairs, True)]
    lines = ['| B | ' + ' | '.join(name + ' (MiB)' for name, _, _ in configs) + ' |', '|' + ' --- |' * (1 + len(configs))]
    for B in batch_sizes:
        lines.append(f'| {B} | ' + ' | '.join(f'{peak_memory(B, N, M, D, c, ck, threads):.0f}' for _, c, ck in configs) + ' |')
        print(lines[-1], flush=True)
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--reps', type=int, default=3)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--quick', action='store_true', help='smallest size only, no memory table')
    parser.add_argument('--out', default=str(ROOT / 'benchmarks' / 'results' / 'local_matching.md'))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    sizes = [(32, 32, 64, 128), (64, 32, 64, 128), (32, 32, 361, 768)][:1 if args.quick else 3]
    chunk_sizes = [64, 256, 1024, 4096]
    load = os.getloadavg()
    started = time.perf_counter()
    print('## Speed (forward + backward, best of reps)\n')
    speed = speed_table(sizes, chunk_sizes, args.reps, args.device)
    memory = [] if args.quick or args.device != 'cpu' else (print('\n## Peak memory\n'), memory_table([32, 64, 128], 32, 64, 128, 256, args.threads))[1]
    conditions = (f'{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.processor() or platform.machine()}, '
                  f'{os.cpu_count()} cores, torch {torch.__version__}, {args.threads} threads, device {args.device}, '
                  f'load average {load[0]:.1f} before / {os.getloadavg()[0]:.1f} after (the cores are shared: '
                  f'other jobs may have run), {time.perf_counter() - started:.0f} s in all')
    text = ['# Local matching speed', '', f'`python benchmarks/local_matching_speed.py --reps {args.reps} --threads {args.threads}`', '',
            conditions, '', __doc__.split('\n\n')[1], '', '## Speed (forward + backward, best of reps; ragged reports of N/2..N words)', '',
            *speed, '', '"vs (a)" and "vs (b)": how many times faster the best batched chunk size is than (a) and (b). '
            '"max abs diff": largest difference of any score from the per-pair reference (float32).']
    if memory:
        text += ['', '## Peak memory of one forward + backward (N = 32, M = 64, D = 128, float32)', '',
                 'Method: each configuration in a fresh subprocess; peak resident memory (VmHWM, reset through '
                 '/proc/self/clear_refs just before the computation, after a warm-up at B = 4) minus the resident memory at that '
                 'moment; glibc is told to mmap blocks over 128 KiB (MALLOC_MMAP_THRESHOLD_) so that freed tensors leave '
                 'the resident set. Without checkpointing, autograd keeps every chunk\'s activations until backward, so '
                 'chunking alone bounds memory only at inference.', '', *memory]
    text += ['', 'CUDA: not measured here (this machine has no GPU). Run with `--device cuda` where one is available.']
    Path(args.out).write_text('\n'.join(text) + '\n')
    print('\nwrote', args.out)


if __name__ == '__main__':
    main()
