"""MkDocs hook used only by `build.py serve` (MkDocs `serve --dirty`), to keep rebuilds fast and right.

- MkDocs makes a new Jinja environment for every rebuild, so Material's ~40
  templates were compiled again after each save (most of a rebuild's time).
  A bytecode cache next to the config keeps them compiled; Jinja checks each
  template's source, so an edited template is still recompiled.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

CACHE_DIR = ".jinja-cache"


def on_env(env: jinja2.Environment, config, files) -> jinja2.Environment:
    cache = Path(config.config_file_path).parent / CACHE_DIR
    cache.mkdir(exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache))
    return env
