"""Drive `serve` from outside, as a browser would see it: for its tests and the latency benchmark.

The preview runs in its own process group, is polled over HTTP on 127.0.0.1,
and is stopped (with its MkDocs child) when the `with` block ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_SERVE = ("import sys; from pathlib import Path; from handbook.serve import serve; "
          "sys.exit(serve(Path(sys.argv[1]), '127.0.0.1', int(sys.argv[2])))")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return ""


def wait_for(url: str, predicate, timeout: float, interval: float = 0.02) -> float:
    """Seconds until the page at url satisfies predicate(text); TimeoutError after timeout."""
    started = time.perf_counter()
    while True:
        if predicate(fetch(url)):
            return time.perf_counter() - started
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"{url} 在 {timeout} 秒内没有出现预期内容")
        time.sleep(interval)


class Preview:
    """`build.py serve` on a project folder, on a free port of 127.0.0.1."""

    def __init__(self, root: Path, port: int | None = None):
        self.root = root
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.log = root / "serve.log"

    def url(self, page: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{page}"

    def __enter__(self) -> Preview:
        log = self.log.open("w", encoding="utf-8")
        self.process = subprocess.Popen([sys.executable, "-c", _SERVE, str(self.root), str(self.port)], cwd=REPO,
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                        env=dict(os.environ, PYTHONUNBUFFERED="1"))
        log.close()
        return self

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def stop(self) -> int:
        """Stop the preview (SIGTERM, as a terminal or service manager would) and return its exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.terminate()
        try:
            return self.process.wait(timeout=20)
        finally:
            try:  # anything left in the preview's own process group (its MkDocs child)
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def __exit__(self, *exc) -> None:
        self.stop()
