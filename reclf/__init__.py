"""reclf: relation-enhanced contrastive learning for chest radiographs and reports, built one lesson at a time.

The package follows the course, each part importing only the parts before it: `reclf.world` (lessons 00-00g),
`reclf.data` (01-02g), `reclf.method` (03-08c), `reclf.train` (09a-09i), `reclf.tasks` (10-13b) and `reclf.app`
(14-14b, 98-99). The names most people need are importable from the top, lazily, so that `import reclf` stays cheap:
`from reclf import RECLF, TrainConfig, SyntheticWorld, Trainer, run_downstream`."""
__version__ = "0.1.0"


_EXPORTS = {
    'SyntheticWorld': 'reclf.world.synthetic_world', 'WorldConfig': 'reclf.world.synthetic_world',
    'load_course_tokenizer': 'reclf.data.tokenizer', 'tokenize_reports': 'reclf.data.words',
    'RECLF': 'reclf.method.model', 'build_model': 'reclf.method.model',
    'TrainConfig': 'reclf.train.config', 'preset': 'reclf.train.config',
    'Trainer': 'reclf.train.training', 'load_trained': 'reclf.train.training_data',
    'evaluate': 'reclf.train.evaluation',
    'run_zero_shot': 'reclf.tasks.zero_shot_runs', 'run_linear_probe': 'reclf.tasks.probe_runs',
    'run_retrieval': 'reclf.tasks.retrieval_runs', 'run_segmentation': 'reclf.tasks.segmentation_runs',
    'run_downstream': 'reclf.tasks.downstream',
}
__all__ = list(_EXPORTS)


def __getattr__(name):
    "Import a re-exported name on first use (PEP 562)."
    if name not in _EXPORTS: raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    import importlib
    return getattr(importlib.import_module(_EXPORTS[name]), name)


def __dir__(): return sorted(list(globals()) + __all__)
