"""First-search latency in Chromium: open the home page, search at once, time until the results are painted.

    .venv/bin/python benchmarks/search_latency.py <site-dir>

The handbook's page reads search/core.js (vocabulary, documents, synonyms) once
it has loaded, and every index file when the whole index is small; a query reads
the posting shards of its words, then in one go the text of the entries it checks
and shows (handbook/search_index.py, assets/javascripts/search-engine.js). The
time is taken inside the page, from the input event of the typed text to the
frame that shows the answer, so Playwright's round trips are not in it. Shared by
bench_search.py (side by side with Material's search) and bench_scale.py.
"""

from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from harness import ANSWERED_JS, RequestGuard, launch, static_server  # noqa: E402

FIRST_QUERY, LATER_QUERY = "三分之二", "干部任免"
TIMEOUT_S = 30
VIEWPORT = {"width": 1366, "height": 800}

# Installed in the page before the query is typed: when the text arrives in the box (its input event)
# and when the first frame with the answer has been painted (answer shown, then one frame on)
STOPWATCH_JS = """answered => {
    window.__typedAt = window.__shownAt = undefined;
    if (window.__stopwatch) return;
    window.__stopwatch = true;
    document.addEventListener('input', event => {
        if (event.target.matches('input.md-search__input') && event.target.value) window.__typedAt = event.timeStamp;
    }, true);
    const check = () => {
        if (window.__shownAt !== undefined || window.__typedAt === undefined || !answered()) return;
        window.__shownAt = null;
        requestAnimationFrame(() => setTimeout(() => { window.__shownAt = performance.now() }, 0));
    };
    new MutationObserver(check).observe(document.querySelector('.md-search'),
                                        {subtree: true, childList: true, attributes: true, characterData: true});
}"""


@dataclass
class Sample:
    ms: float | None  # None: no answer within the timeout
    bytes: int  # search index files the page asked for, by their size on disk
    files: int
    results: int  # result links
    # load event → answer painted: also the time the page took to take the typing (Material's worker
    # under file:// builds its index on the page's own thread, so the keys wait, not the query)
    after_load_ms: float | None = None


class Requests:
    """The site files a page asked for (its worker's requests too), by path inside the site."""

    def __init__(self, site: Path, base: str):
        self.site, self.base, self.paths = site, base, set()

    def note(self, request) -> None:
        if request.url.startswith(self.base):
            self.paths.add(unquote(urlsplit(request.url).path)[len(unquote(urlsplit(self.base).path)):])

    def index_files(self) -> list[Path]:
        found = [self.site / p for p in self.paths if p.startswith("search/")]
        return [p for p in found if p.is_file()]


def timed_query(page, query: str, answered_js: str, timeout_s: float) -> float | None:
    """Type `query` into the (empty) search box: milliseconds until its answer was painted, None on timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate(f"({STOPWATCH_JS})(() => {answered_js})")
    page.keyboard.insert_text(query)
    page.keyboard.press("End")  # Material reads the box on keyup; the handbook on input
    try:
        page.wait_for_function("typeof window.__shownAt === 'number'", timeout=timeout_s * 1000, polling=50)
    except PlaywrightTimeout:
        return None
    return page.evaluate("window.__shownAt - window.__typedAt")


def first_search(browser, site: Path, base: str, *, answered_js: str = ANSWERED_JS, query: str = FIRST_QUERY,
                 throttle: float = 1, timeout_s: float = TIMEOUT_S, later: str | None = None):
    """A fresh context (empty cache) opens the home page and searches right after its load event.

    Returns the Sample of the first query, and with `later` the milliseconds of that query typed next
    (the handbook's panel only: Material's result list has no state to wait for)."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    guard = RequestGuard().attach(context)
    requests = Requests(site, base)
    context.on("request", requests.note)
    page = context.new_page()
    if throttle != 1:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    page.set_default_timeout(timeout_s * 1000 + 60_000)  # Material's worker can keep the page busy past the timeout
    later_ms = None
    try:
        page.goto(base + "index.html", wait_until="load")
        opener = page.locator('label.md-header__button[for="__search"]')  # narrow screens only
        if opener.is_visible():
            opener.click()
        box = page.locator("input.md-search__input")
        box.click()
        ms = timed_query(page, query, answered_js, timeout_s)
        if ms is None:
            return (Sample(None, 0, 0, 0), None) if later else Sample(None, 0, 0, 0)
        after_load = page.evaluate("window.__shownAt - performance.getEntriesByType('navigation')[0].loadEventEnd")
        results = page.locator(".md-search-result__list a").count()
        files = requests.index_files()  # what the first query (and the page before it) read
        if later:
            box.fill("")
            later_ms = timed_query(page, later, answered_js, timeout_s)
    finally:
        context.close()
    if guard.blocked or not results:
        raise RuntimeError(f"搜索测量无效：结果 {results} 个，外部请求 {guard.blocked}")
    sample = Sample(ms, sum(p.stat().st_size for p in files), len(files), results, after_load)
    return (sample, later_ms) if later else sample


@dataclass
class Latency:
    load_ms: float  # navigation start → load event of the home page (median)
    first_ms: float  # first query typed right after load: input → results painted (median)
    later_ms: float  # a second query in the same page (median)
    results: int  # result links of the first query
    files: int  # index files read by then
    read_bytes: int
    runs: int


def measure(site: Path, runs: int = 3) -> Latency:
    """The handbook's own search, over http, `runs` fresh contexts."""
    from playwright.sync_api import sync_playwright

    loads, firsts, laters = [], [], []
    with sync_playwright() as playwright, static_server(site) as url:
        browser = launch(playwright)
        for _ in range(runs):
            sample, later = first_search(browser, site, url, later=LATER_QUERY)
            if sample.ms is None or later is None:
                raise RuntimeError(f"搜索在 {TIMEOUT_S} 秒内没有结果")
            firsts.append(sample)
            laters.append(later)
        loads = [load_time(browser, url) for _ in range(runs)]
        browser.close()
    return Latency(statistics.median(loads), statistics.median(s.ms for s in firsts), statistics.median(laters),
                   firsts[0].results, firsts[0].files, int(statistics.median(s.bytes for s in firsts)), runs)


def load_time(browser, url: str) -> float:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.goto(url + "index.html", wait_until="load")
    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventStart")
    context.close()
    return loaded


if __name__ == "__main__":
    print(measure(Path(sys.argv[1])))
