"""MkDocs hook used only by `build.py serve` (MkDocs `serve --dirty`), to keep rebuilds fast and right.

- MkDocs makes a new Jinja environment for every rebuild, so Material's ~40
  templates were compiled again after each save (most of a rebuild's time).
  A bytecode cache next to the config keeps them compiled; Jinja checks each
  template's source, so an edited template is still recompiled.
- The staff search index is written after each rebuild from the pages MkDocs
  just wrote (the list of searched pages comes from `serve`, search-pages.json).
"""

from __future__ import annotations

from pathlib import Path

import sys

import jinja2

CACHE_DIR = ".jinja-cache"


def on_env(env: jinja2.Environment, config, files) -> jinja2.Environment:
    cache = Path(config.config_file_path).parent / CACHE_DIR
    cache.mkdir(exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache))
    return env


def on_post_build(config) -> None:
    # MkDocs loads this file by its path, not as part of the package: make the package importable
    package_parent = str(Path(__file__).resolve().parent.parent)
    if package_parent not in sys.path:
        sys.path.insert(0, package_parent)
    from handbook.search_index import index_preview

    index_preview(Path(config.config_file_path).parent, Path(config.site_dir))
