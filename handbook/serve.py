"""Live preview: regenerate the Markdown when a source changes; MkDocs serves and reloads it.

Speed: the sources are polled every 0.1 s and only Markdown files whose content
changed are rewritten (site.write_tree), and MkDocs runs `serve --dirty`, so it
re-renders only those pages instead of the whole site. When the navigation
changes (a title, a new file), the edited pages are rendered first and every
other page is marked changed a moment later, so all of them get the new menu in
a second, slower pass.

A broken YAML file does not take the preview down: the terminal lists the
problems, the affected page keeps its last good text under a red notice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from .errors import Problem
from .lock import exclusive
from .pipeline import preview_sources
from .search_index import write_preview_pages
from .synonyms import load_synonyms
from .sources import load_handbook

WATCHED = ("regulations", "templates", "overrides", "assets", "forms", "mkdocs.yml", "synonyms.yaml")
POLL_SECONDS = 0.1
MENU_PASS_DELAY = 1.0  # seconds after a navigation change before every page is re-rendered
SERVE_CONFIG = "mkdocs.serve.yml"
PREVIEW_HOOK = Path(__file__).with_name("preview_hook.py")
ERROR_END = "<!-- serve-error-end -->\n"


def snapshot(root: Path) -> dict[Path, float]:
    stamps = {}
    for name in WATCHED:
        path = root / name
        paths = [path] if path.is_file() else (path.rglob("*") if path.is_dir() else [])
        for p in paths:
            if p.is_file():
                stamps[p] = p.stat().st_mtime_ns
    return stamps


def regenerate(root: Path, build_dir: Path) -> bool:
    """Rewrite the changed Markdown (or mark the broken pages); True when the navigation changed."""
    started = time.perf_counter()
    handbook, problems = load_handbook(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if handbook is None:
        mark_broken_pages(build_dir / "docs", problems)
        print("有错误：页面保留上次成功的内容，并在页首显示错误。", file=sys.stderr)
        return False
    config = build_dir / "mkdocs.yml"
    before = config.read_text(encoding="utf-8") if config.exists() else None
    preview_sources(handbook, root, build_dir)  # preview pages; downloads come with the full build
    write_preview_pages(handbook, build_dir, load_synonyms(root))  # what the preview's search indexes
    print(f"已更新（{time.perf_counter() - started:.2f} 秒）")
    return before is not None and config.read_text(encoding="utf-8") != before


def touch_pages(docs_dir: Path, sources: list[Path] | None = None) -> None:
    """Mark pages changed so MkDocs renders them again: those of the given source files, or all."""
    now = time.time()
    pages = [docs_dir / f"{p.stem}.md" for p in sources] if sources is not None else docs_dir.rglob("*.md")
    for page in pages:
        if page.exists():
            os.utime(page, (now, now))


def mark_broken_pages(docs_dir: Path, problems: list[Problem]) -> None:
    """Put the errors at the top of the last good page of each broken file."""
    from markupsafe import escape

    by_page: dict[Path, list[Problem]] = {}
    for problem in problems:
        if problem.severity != "error":
            continue
        page = docs_dir / (Path(problem.path).stem + ".md")
        if not page.exists():
            page = docs_dir / "index.md"
        by_page.setdefault(page, []).append(problem)
    for page, found in by_page.items():
        text = page.read_text(encoding="utf-8") if page.exists() else ""
        text = text.split(ERROR_END, 1)[-1]
        items = "".join(f"<li>{escape(str(p))}</li>" for p in found)
        notice = (f'<div class="admonition failure serve-error"><p class="admonition-title">源文件有错误，'
                  f'以下为上次成功生成的内容</p><ul>{items}</ul></div>\n{ERROR_END}')
        page.write_text(notice + text, encoding="utf-8")


def write_serve_config(root: Path, build_dir: Path) -> Path:
    """build/mkdocs.serve.yml: the build's config plus the preview hook (hooks lists are not merged)."""
    project = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8")) or {}
    hooks = [str((build_dir / h).resolve()) for h in project.get("hooks") or []] + [str(PREVIEW_HOOK)]
    path = build_dir / SERVE_CONFIG
    text = yaml.safe_dump({"INHERIT": "mkdocs.yml", "hooks": hooks}, allow_unicode=True, sort_keys=False)
    path.write_text("# 由 build.py serve 生成，请勿手工修改\n" + text, encoding="utf-8")
    return path


def start_mkdocs(config: Path, host: str, port: int, **popen) -> subprocess.Popen:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dirty", "--quiet",
                             "-f", str(config), "-a", address], env=env, preexec_fn=die_with_parent, **popen)


def die_with_parent() -> None:
    """In the MkDocs child, before it starts: ask the kernel to end it when serve ends, even by kill -9."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the terminate() in serve's finally is all there is
        pass


def address_problem(host: str, port: int) -> str | None:
    """Why serve cannot listen on host:port, in Chinese with the fix; None when it can."""
    import errno
    import socket

    if not 1 <= port <= 65535:
        return f"端口 {port} 无效：端口应为 1—65535 之间的整数，例如 --port 8000"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        return f"监听地址「{host}」无效：应为本机的 IP 地址，例如 127.0.0.1（只有本机能访问）"
    family, _, _, _, address = infos[0]
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as MkDocs' server does
        probe.bind(address)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return (f"端口 {port} 已被占用（也许另一个预览正在运行）：先关掉它，"
                    f"或换一个端口，例如 python3 build.py serve --port {port + 1 if port < 65535 else 8001}")
        if error.errno == errno.EADDRNOTAVAIL:
            return f"「{host}」不是本机的地址，无法在上面监听；通常用 127.0.0.1"
        if error.errno == errno.EACCES:
            return f"没有权限使用端口 {port}（1024 以下的端口需要管理员权限）；请用 1024 以上的端口，例如 8000"
        from .load import os_reason

        return f"无法在 {host}:{port} 上监听：{os_reason(error)}"
    finally:
        probe.close()
    return None


def wait_until_listening(server: subprocess.Popen, host: str, port: int, timeout: float = 120) -> bool:
    """True once the MkDocs child accepts connections; False if it exits first (or never listens)."""
    import socket

    deadline = time.monotonic() + timeout
    while server.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def safe_regenerate(root: Path, build_dir: Path) -> bool:
    """regenerate(), with a folder that cannot be written reported in one Chinese line instead of a traceback."""
    try:
        return regenerate(root, build_dir)
    except OSError as error:
        from .errors import display_path
        from .load import os_reason

        where = f"「{display_path(Path(error.filename), root)}」" if error.filename else ""
        print(f"错误：无法写入{where}：{os_reason(error)}；页面保留上次成功的内容。", file=sys.stderr)
        return False
    except Exception as error:  # the preview keeps running; the full build (build.py) shows the problem in full
        print(f"错误：生成预览页面时出错（{type(error).__name__}）；页面保留上次成功的内容，保存文件后会重试。",
              file=sys.stderr)
        return False


def serve(root: Path, host: str, port: int) -> int:
    # A folder of its own: a full build (build/) may run meanwhile without rewriting the pages MkDocs serves
    build_dir = root / "build" / "serve"
    problem = address_problem(host, port)
    if problem:
        print(f"错误：{problem}", file=sys.stderr)
        return 1
    with exclusive(build_dir / ".build.lock", "预览"):  # a second preview of the same project waits for the first
        return _serve(root, build_dir, host, port)


def _serve(root: Path, build_dir: Path, host: str, port: int) -> int:
    stamps = snapshot(root)  # before the first generation: an edit made meanwhile is picked up at once
    safe_regenerate(root, build_dir)
    if not (build_dir / "mkdocs.yml").exists():
        print("首次生成失败，请先修正上面的错误。", file=sys.stderr)
        return 1
    server = start_mkdocs(write_serve_config(root, build_dir), host, port)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        listening = wait_until_listening(server, host, port)
    except KeyboardInterrupt:
        listening = False
    if listening:
        shown = f"[{host}]" if ":" in host else host
        print(f"预览地址：http://{shown}:{port}/  （Ctrl-C 退出）", flush=True)
    menu_pass_at: float | None = None
    try:
        while listening and server.poll() is None:
            time.sleep(POLL_SECONDS)
            current = snapshot(root)
            if current != stamps:
                edited = [p for p in current if current[p] != stamps.get(p)]
                stamps = current
                if safe_regenerate(root, build_dir):
                    touch_pages(build_dir / "docs", edited)  # the edited documents first, with the new menu
                    menu_pass_at = time.monotonic() + MENU_PASS_DELAY
            if menu_pass_at is not None and time.monotonic() >= menu_pass_at:
                touch_pages(build_dir / "docs")  # every page gets the new menu
                menu_pass_at = None
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    if server.returncode not in (0, -signal.SIGTERM) or not listening and server.returncode != -signal.SIGTERM:
        problem = address_problem(host, port)  # taken in the moment between the check and MkDocs starting?
        print(f"错误：MkDocs 预览服务未能启动或意外退出（退出码 {server.returncode}）"
              + (f"：{problem}" if problem else "；请查看上面的输出"), file=sys.stderr)
        return 1
    return 0
