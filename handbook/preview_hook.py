"""MkDocs hook used only by `build.py serve` (MkDocs `serve --dirty`), to keep rebuilds fast and right.

- MkDocs makes a new Jinja environment for every rebuild, so Material's ~40
  templates were compiled again after each save (most of a rebuild's time).
  A bytecode cache next to the config keeps them compiled; Jinja checks each
  template's source, so an edited template is still recompiled.
- A dirty rebuild copies a theme file only when the copy is older than the
  original, so the search worker that overrides/hooks/search.py patched after
  the previous build would stay and be patched twice. Removing it before each
  build makes MkDocs copy the original again.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

WORKERS = "assets/javascripts/workers"
CACHE_DIR = ".jinja-cache"


def on_pre_build(config) -> None:
    for worker in (Path(config.site_dir) / WORKERS).glob("search.*.min.js"):
        worker.unlink()


def on_env(env: jinja2.Environment, config, files) -> jinja2.Environment:
    cache = Path(config.config_file_path).parent / CACHE_DIR
    cache.mkdir(exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache))
    return env
