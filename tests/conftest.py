"""Shared pytest settings: offline hubs, headless plots, the repository root."""
import os
from pathlib import Path

os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
os.environ.setdefault('MPLBACKEND', 'Agg')
if os.environ.get('PYTEST_XDIST_WORKER'):
    # Two workers share the two cores: one math thread each. Two threads each oversubscribe the cores, and the
    # spinning OpenMP threads then slow torch down several times over (measured: lessons 08 and 09f took about
    # 155 s each side by side, against about 20 s each alone).
    for name in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'): os.environ.setdefault(name, '1')

ROOT = Path(__file__).resolve().parents[1]
