"""MkDocs hook used only by `build.py serve` (MkDocs `serve --dirty`), to keep rebuilds fast and right.

- MkDocs makes a new Jinja environment for every rebuild, so Material's ~40
  templates were compiled again after each save (most of a rebuild's time).
  A bytecode cache next to the config keeps them compiled; Jinja checks each
  template's source, so an edited template is still recompiled.
- The staff search index is written after each rebuild from the pages MkDocs
  just wrote (the list of searched pages comes from `serve`, search-pages.json).
- The downloads (blank forms, the compendium, flowchart PNGs, handbook.json) are made when a
  link to one is followed, from the sources as they are then, and put beside the pages.
- A request path MkDocs' server cannot open (a NUL byte: /index.html%00.png) made
  it answer 500 and log a traceback; such a path is now a 400, any other unopenable
  one a 404. A rebuild that fails prints one Chinese line instead of a traceback.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import jinja2
from mkdocs import livereload

CACHE_DIR = ".jinja-cache"


def on_env(env: jinja2.Environment, config, files) -> jinja2.Environment:
    cache = Path(config.config_file_path).parent / CACHE_DIR
    cache.mkdir(exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache))
    return env


def _importable() -> None:
    # MkDocs loads this file by its path, not as part of the package: make the package importable
    package_parent = str(Path(__file__).resolve().parent.parent)
    if package_parent not in sys.path:
        sys.path.insert(0, package_parent)


def on_config(config):
    _PREVIEW["build_dir"] = Path(config.config_file_path).parent  # build/serve
    return config


def on_post_build(config) -> None:
    _importable()
    from handbook.search_index import index_preview

    index_preview(Path(config.config_file_path).parent, Path(config.site_dir))


_PREVIEW: dict = {}
_DOWNLOADS_LOCK = threading.Lock()  # the server answers each request in a thread of its own


def _downloads_ready(site_dir: str) -> str | None:
    """Make the downloads of the sources as they are now, into the served site; the reason when they cannot be."""
    _importable()
    from handbook.errors import HandbookError
    from handbook.pipeline import preview_downloads
    from handbook.site import write_files

    build_dir = _PREVIEW["build_dir"]
    with _DOWNLOADS_LOCK:
        try:
            write_files(Path(site_dir), preview_downloads(build_dir.parent.parent, build_dir))
        except HandbookError as error:
            return "源文件有错误，无法生成下载文件：\n" + str(error)
        except Exception as error:  # the preview keeps serving its pages
            return f"下载文件生成失败（{type(error).__name__}）：{error}"
    return None


def _bad_path(path: str) -> bool:
    return any(ord(c) < 0x20 or c == "\x7f" for c in path)


def _serve_request(self, environ, start_response):
    path = environ.get("PATH_INFO", "")
    if _bad_path(path):
        start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
        return ["400 请求的地址无效".encode("utf-8")]
    if _is_download(self, path):
        failure = _downloads_ready(self.root)
        if failure:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain; charset=utf-8")])
            return [failure.encode("utf-8")]
    try:
        return _original_serve_request(self, environ, start_response)
    except (ValueError, OSError):  # unopenable path (too long, not text …): not found
        return None


def _is_download(server, path: str) -> bool:
    _importable()
    from handbook import urls

    # as MkDocs' server reads the path (the WSGI server has already undone the %-escapes)
    raw = path.encode("latin-1", "replace").decode("utf-8", "ignore")
    relative = raw[len(server.mount_path):] if raw.startswith(server.mount_path) else ""
    return "build_dir" in _PREVIEW and urls.is_download(relative)


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
