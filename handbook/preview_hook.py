"""MkDocs hook used only by `build.py serve` (MkDocs `serve --dirty`), to keep rebuilds fast and right.

- MkDocs makes a new Jinja environment for every rebuild, so Material's ~40
  templates were compiled again after each save (most of a rebuild's time).
  A bytecode cache next to the config keeps them compiled; Jinja checks each
  template's source, so an edited template is still recompiled.
- A dirty rebuild copies a theme file only when the copy is older than the
  original, so the search worker that overrides/hooks/search.py patched after
  the previous build would stay and be patched twice. Removing it before each
  build makes MkDocs copy the original again.
- A request path MkDocs' server cannot open (a NUL byte: /index.html%00.png) made
  it answer 500 and log a traceback; such a path is now a 400, any other unopenable
  one a 404. A rebuild that fails prints one Chinese line instead of a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
from mkdocs import livereload

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


def _bad_path(path: str) -> bool:
    return any(ord(c) < 0x20 or c == "\x7f" for c in path)


def _serve_request(self, environ, start_response):
    if _bad_path(environ.get("PATH_INFO", "")):
        start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
        return ["400 请求的地址无效".encode("utf-8")]
    try:
        return _original_serve_request(self, environ, start_response)
    except (ValueError, OSError):  # unopenable path (too long, not text …): not found
        return None


def _init(self, builder, *args, **kwargs):
    def guarded(*a, **k):
        try:
            return builder(*a, **k)
        except Exception as error:  # MkDocs would print the traceback and a line in English
            print(f"预览页面重新生成失败（{type(error).__name__}）；保存文件后会自动重试。", file=sys.stderr, flush=True)
            return None

    _original_init(self, guarded, *args, **kwargs)


if not getattr(livereload.LiveReloadServer, "_handbook_patched", False):
    _original_serve_request = livereload.LiveReloadServer._serve_request
    _original_init = livereload.LiveReloadServer.__init__
    livereload.LiveReloadServer._serve_request = _serve_request
    livereload.LiveReloadServer.__init__ = _init
    livereload.LiveReloadServer._handbook_patched = True
