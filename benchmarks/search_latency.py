"""First-search latency in Chromium: open the home page, search at once, time until results show.

    .venv/bin/python benchmarks/search_latency.py <site-dir> [query]

The handbook's search loads search/core.js after the page has loaded and the
postings of the query's words when asked (Material's worker, in builds before
it, built a lunr index in the browser first). The first query and a later one are measured, each in a fresh browser
context (empty cache) per run.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from harness import RequestGuard, launch, results, static_server, type_query  # noqa: E402

FIRST_QUERY, LATER_QUERY = "三分之二", "干部任免"
TIMEOUT_MS = 600_000


@dataclass
class Latency:
    load_ms: float  # navigation start → load event of the home page (median)
    first_ms: float  # first query typed right after load: last key → results shown (median)
    later_ms: float  # a second query, once the index is built (median)
    results: int  # result links of the first query
    runs: int


def one_run(browser, url: str) -> tuple[float, float, float, int]:
    context = browser.new_context()
    guard = RequestGuard().attach(context)
    page = context.new_page()
    page.goto(url + "index.html", wait_until="load")
    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventStart")
    first = type_query(page, FIRST_QUERY, TIMEOUT_MS)
    found = results(page)
    later = type_query(page, LATER_QUERY, TIMEOUT_MS)
    context.close()
    if guard.blocked or not found:
        raise RuntimeError(f"搜索测量无效：结果 {len(found)} 个，外部请求 {guard.blocked}")
    return loaded, first, later, len(found)


def measure(site: Path, runs: int = 3) -> Latency:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, static_server(site) as url:
        browser = launch(playwright)
        samples = [one_run(browser, url) for _ in range(runs)]
        browser.close()
    loaded, first, later, count = (list(column) for column in zip(*samples))
    return Latency(statistics.median(loaded), statistics.median(first), statistics.median(later), count[0], runs)


def worker_setup(site: Path) -> dict | None:
    """Material's search worker under Node on the site's index: parse vs set-up time (search_setup.js); None without Node."""
    node = shutil.which("node")
    if node is None or not (site / "search" / "search_index.json").is_file():
        return None  # no Node, or a site with the handbook's own index (benchmarks/bench_search.py compares them)
    done = subprocess.run([node, str(Path(__file__).with_name("search_setup.js")), str(site)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


if __name__ == "__main__":
    print(measure(Path(sys.argv[1])), worker_setup(Path(sys.argv[1])))
