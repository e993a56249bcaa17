"""Regenerate the committed synthetic exports and RG1 derivatives in data_samples/ (deterministic: rerunning leaves
git clean). The course tokenizer in data_samples/tokenizer/ is lesson 01b's and is not touched.

    python scripts/make_data_samples.py [--seed 0]
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reclf.data.samples import make_data_samples

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seed', type=int, default=0)
    root = make_data_samples(Path(__file__).resolve().parents[1] / 'data_samples', seed=parser.parse_args().seed)
    size = sum(p.stat().st_size for p in root.rglob('*') if p.is_file())
    print(f'wrote {root} ({size / 1e6:.2f} MB in all, tokenizer included)')
