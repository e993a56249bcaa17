# Two entry points for a newcomer: `make demo` and `make test`. Both create .venv if it is missing,
# install the package with its dev extras once (a stamp file remembers), and are safe to rerun.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.reclf-installed
export HF_HUB_OFFLINE = 1
export TRANSFORMERS_OFFLINE = 1
# Figures go to files in every target but `lab`: there the kernels must draw inline, and ipykernel picks its inline
# backend only when MPLBACKEND is unset (tests/test_lab.py starts a kernel as `make lab` does and checks it).
export MPLBACKEND = Agg
LAB_ENV := env -u MPLBACKEND
# Saving a notebook in `make lab` cleans it as `nbdev_clean` does (nbdev's own Jupyter hook; it acts because
# settings.ini says `jupyter_hooks = True`), so a saved lesson passes the consistency tests.
LAB_HOOK := --ContentsManager.pre_save_hook=nbdev.clean.clean_jupyter

.PHONY: setup demo test slow export sync-readme lab bench gpu-check

setup: $(STAMP)

$(STAMP): setup.py settings.ini
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

demo: setup  ## the main job: a CPU demo on the built-in synthetic world
	$(BIN)/reclf demo

test: setup  ## every test: notebooks (one pytest test each), tests/, export/clean/readme consistency
	$(BIN)/python -m pytest

slow: setup  ## the heavy notebook cells marked #| slow
	RECLF_RUN_SLOW=1 $(BIN)/nbdev_test --flags slow

export: setup  ## notebooks -> reclf/, clean notebooks, README from index.ipynb
	$(BIN)/nbdev_export && $(BIN)/nbdev_clean && $(BIN)/python scripts/sync_readme.py

sync-readme: setup
	$(BIN)/python scripts/sync_readme.py

lab: setup  ## open the course in JupyterLab (figures inline; saving a notebook cleans it)
	cd nbs && $(LAB_ENV) $(abspath $(BIN))/jupyter lab $(LAB_HOOK)

bench: setup  ## every benchmark; results land in benchmarks/results/
	$(BIN)/python benchmarks/world_speed.py
	$(BIN)/python benchmarks/dataloader_speed.py
	$(BIN)/python benchmarks/local_matching_speed.py
	$(BIN)/python benchmarks/model_cost.py

gpu-check: setup  ## on a CUDA machine: CPU/GPU parity, step times, resume, demo runs -> outputs/cuda_check/
	$(BIN)/python benchmarks/cuda_check.py --out outputs/cuda_check
