"""One build at a time per build folder and per output folder.

An advisory lock (flock) on a file: the kernel drops it when the holder exits,
even after kill -9, so a stale lock never blocks the next build. A second
build says it is waiting and waits; nothing of the first build is disturbed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sys
from pathlib import Path


@contextlib.contextmanager
def exclusive(path: Path, what: str):
    """Hold the lock at path for the duration; what names the guarded folder in the waiting message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"另一个构建正在使用 {what}，等它结束后继续……", file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def build_locks(root: Path, build_dir: Path, out: Path):
    """The output folder's lock, then the build folder's (always in this order, so two builds cannot deadlock)."""
    digest = hashlib.sha256(str(out.resolve()).encode("utf-8")).hexdigest()[:16]
    with exclusive(root / "build" / ".locks" / f"out-{digest}.lock", str(out)), \
            exclusive(build_dir / ".build.lock", _shown(root, build_dir)):
        yield


def _shown(root: Path, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve())) + "/"
    except ValueError:
        return str(path)
