"""Live preview: regenerate the Markdown when a source changes; MkDocs serves and reloads it.

A broken YAML file does not take the preview down: the terminal lists the
problems, the affected page keeps its last good text under a red notice.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .errors import Problem
from .site import write_sources
from .sources import load_handbook

WATCHED = ("regulations", "templates", "overrides", "assets", "forms", "mkdocs.yml")
POLL_SECONDS = 0.3


def snapshot(root: Path) -> dict[Path, float]:
    stamps = {}
    for name in WATCHED:
        path = root / name
        paths = [path] if path.is_file() else (path.rglob("*") if path.is_dir() else [])
        for p in paths:
            if p.is_file():
                stamps[p] = p.stat().st_mtime_ns
    return stamps


def regenerate(root: Path, build_dir: Path) -> list[Problem]:
    started = time.perf_counter()
    handbook, problems = load_handbook(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if handbook is None:
        mark_broken_pages(build_dir / "docs", problems)
        print("有错误：页面保留上次成功的内容，并在页首显示错误。", file=sys.stderr)
        return problems
    write_sources(handbook, root, build_dir)
    print(f"已更新（{time.perf_counter() - started:.2f} 秒）")
    return problems


def mark_broken_pages(docs_dir: Path, problems: list[Problem]) -> None:
    """Put the errors at the top of the last good page of each broken file."""
    from markupsafe import escape

    by_page: dict[Path, list[Problem]] = {}
    for problem in problems:
        page = docs_dir / (Path(problem.path).stem + ".md")
        if not page.exists():
            page = docs_dir / "index.md"
        by_page.setdefault(page, []).append(problem)
    for page, found in by_page.items():
        text = page.read_text(encoding="utf-8") if page.exists() else ""
        text = text.split("<!-- serve-error-end -->\n", 1)[-1]
        items = "".join(f"<li>{escape(str(p))}</li>" for p in found)
        notice = (f'<div class="admonition failure serve-error"><p class="admonition-title">源文件有错误，'
                  f'以下为上次成功生成的内容</p><ul>{items}</ul></div>\n<!-- serve-error-end -->\n')
        page.write_text(notice + text, encoding="utf-8")


def serve(root: Path, host: str, port: int) -> int:
    build_dir = root / "build"
    regenerate(root, build_dir)
    if not (build_dir / "mkdocs.yml").exists():
        print("首次生成失败，请先修正上面的错误。", file=sys.stderr)
        return 1
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--livereload", "-f",
                               str(build_dir / "mkdocs.yml"), "-a", f"{host}:{port}"], env=env)
    print(f"预览地址：http://{host}:{port}/  （Ctrl-C 退出）")
    stamps = snapshot(root)
    try:
        while server.poll() is None:
            time.sleep(POLL_SECONDS)
            current = snapshot(root)
            if current != stamps:
                stamps = current
                regenerate(root, build_dir)
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0
