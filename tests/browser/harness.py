"""Debian's Chromium under Playwright, a local static server, and the handbook's search box.

Shared by the browser tests (tests/browser/) and the benchmarks (benchmarks/).
Playwright's own browser download does not work here, so Chromium is the
system package (apt-get install chromium). `launch` gives every browser a
fresh temporary profile (Playwright creates and deletes the user-data-dir).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect

CHROMIUM = Path("/usr/bin/chromium")
LOCAL_HOST = "127.0.0.1"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic", "--no-first-run",
    # Belt and braces: even a request the route guard did not see cannot resolve a host name.
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOCAL_HOST}",
]
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
SEARCH_TIMEOUT_MS = 30_000
# The search panel (assets/javascripts/search-ui.js) says what it shows in data-state once the engine answered
ANSWERED_JS = ("['results', 'partial', 'pending', 'none'].includes("
               "document.querySelector('[data-handbook-results]')?.dataset.state)")


class ChromiumMissing(RuntimeError):
    pass


def launch(playwright):
    """Chromium from /usr/bin/chromium, headless, with nothing that phones home."""
    if not CHROMIUM.exists():
        raise ChromiumMissing(f"找不到 Chromium（{CHROMIUM}）。请先安装：apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 at a free port; yields the base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _PrefixHandler(_QuietHandler):
    """The site under a folder (/zhidu/…), as on an intranet server; a missing page gets 404.html."""

    prefix = "/zhidu/"

    def translate_path(self, path):
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / ".no-such-file")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def prefixed_server(directory: Path, prefix: str = "/zhidu/") -> Iterator[str]:
    """Serve `directory` under `prefix` on 127.0.0.1, answering missing pages with its 404.html; yields the
    site's URL (http://127.0.0.1:port/zhidu/)."""
    handler = functools.partial(type("Handler", (_PrefixHandler,), {"prefix": prefix}), directory=str(directory))
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == LOCAL_HOST


@dataclass
class RequestGuard:
    """Records every request of a browser context and aborts those that would leave the machine."""

    seen: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def attach(self, context) -> "RequestGuard":
        context.route("**/*", self._route)
        context.on("request", lambda request: self._note(request.url))
        return self

    def _note(self, url: str) -> None:
        self.seen.append(url)
        if not is_local(url) and url not in self.blocked:
            self.blocked.append(url)

    def _route(self, route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            self._note(url)
            route.abort("blockedbyclient")


@dataclass(frozen=True)
class Result:
    """One link of the search result list, as the page shows it."""

    target: str  # page name and anchor, e.g. shiwuhui-rules.html#quorum
    text: str
    visible: bool

    @property
    def page(self) -> str:
        return self.target.partition("#")[0]


def target_of(url: str) -> str:
    """'http://127.0.0.1:8000/shiwuhui-rules.html?h=…#quorum' → 'shiwuhui-rules.html#quorum' (pages are flat)."""
    parts = urlsplit(url)
    name = parts.path.rsplit("/", 1)[-1] or "index.html"
    return f"{name}#{parts.fragment}" if parts.fragment else name


def search_box(page):
    """The search input; on a phone the magnifier in the header opens it first."""
    opener = page.locator('label.md-header__button[for="__search"]')  # shown on narrow screens only
    if opener.is_visible():
        opener.click()
    box = page.locator("input.md-search__input")
    expect(box).to_be_in_viewport()
    return box


def type_query(page, query: str, timeout_ms: int = SEARCH_TIMEOUT_MS) -> float:
    """Type `query` into an emptied search box; returns milliseconds from the last key until the results showed.

    The time is taken inside the page, checked every frame, so it does not include Playwright's round trips.
    """
    box = search_box(page)
    box.click()
    box.fill("")
    page.keyboard.press("End")
    page.wait_for_function(f"!{ANSWERED_JS}", timeout=timeout_ms)
    # Typing Chinese inserts text without key events, as an IME commit does; the panel searches on `input`.
    started = page.evaluate("performance.now()")
    page.keyboard.insert_text(query)
    answered = page.wait_for_function(f"{ANSWERED_JS} && performance.now()", timeout=timeout_ms)
    return answered.json_value() - started


def results(page) -> list[Result]:
    """The links of the search result list."""
    return [Result(target_of(link.evaluate("a => a.href")), link.inner_text(), link.is_visible())
            for link in page.locator(".md-search-result__list a.md-search-result__link").all()]


def search(page, query: str, timeout_ms: int = SEARCH_TIMEOUT_MS) -> list[Result]:
    """Type `query` into the search box and return the result links once the worker has answered."""
    type_query(page, query, timeout_ms)
    return results(page)
