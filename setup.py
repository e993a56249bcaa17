"""Packaging for reclf: every field comes from settings.ini (the nbdev 2 layout)."""
import shutil
from configparser import ConfigParser
from pathlib import Path

import setuptools
from setuptools.command.build_py import build_py

cfg = ConfigParser(delimiters=['='])
cfg.read(Path(__file__).parent / 'settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']
for key in ('lib_name', 'version', 'description', 'author', 'author_email', 'min_python', 'license'):
    assert key in cfg, f'settings.ini is missing {key!r}'

licenses = {'apache2': 'Apache-2.0'}
statuses = ['Planning', 'Pre-Alpha', 'Alpha', 'Beta', 'Production/Stable', 'Mature', 'Inactive']
py_versions = ['3.10', '3.11', '3.12', '3.13']
min_python = cfg['min_python']
readme = Path(__file__).parent / 'README.md'

class BuildWithTokenizer(build_py):
    "Also ship the course tokenizer (data_samples/tokenizer/, lesson 01b) as reclf/course_tokenizer/ in a built package."
    def run(self):
        super().run()
        target = Path(self.build_lib) / cfg['lib_name'] / 'course_tokenizer'
        target.mkdir(parents=True, exist_ok=True)
        for source in (Path(__file__).parent / 'data_samples' / 'tokenizer').glob('*.json'):
            shutil.copy2(source, target / source.name)


setuptools.setup(
    cmdclass={'build_py': BuildWithTokenizer},
    name=cfg['lib_name'],
    version=cfg['version'],
    description=cfg['description'],
    long_description=readme.read_text(encoding='utf-8') if readme.exists() else cfg['description'],
    long_description_content_type='text/markdown',
    author=cfg['author'],
    author_email=cfg['author_email'],
    license=licenses[cfg['license']],
    url=cfg['git_url'],
    keywords=cfg['keywords'].split(),
    classifiers=[f'Development Status :: {cfg["status"]} - {statuses[int(cfg["status"])]}',
                 f'Intended Audience :: {cfg["audience"]}',
                 f'Natural Language :: {cfg["language"]}']
                + [f'Programming Language :: Python :: {v}' for v in py_versions[py_versions.index(min_python):]],
    packages=setuptools.find_packages(include=[cfg['lib_name'], cfg['lib_name'] + '.*']),
    include_package_data=True,
    python_requires=f'>={min_python}',
    install_requires=cfg.get('requirements', '').split(),
    extras_require={'dev': cfg.get('dev_requirements', '').split()},
    entry_points={'console_scripts': cfg.get('console_scripts', '').split(),
                  'nbdev': [f'{cfg["lib_name"]}={cfg["lib_name"]}._modidx:d']},
    zip_safe=False,
)
