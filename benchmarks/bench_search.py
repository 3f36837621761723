"""Staff search side by side with Material's: first search after page load in Chromium.

    .venv/bin/python benchmarks/bench_search.py [--sizes 45,2000] [--runs 3] [--baseline REF]

For each size, the same project (the real documents, filled up with synthetic
copies as in bench_scale.py) is built twice: with this program (the handbook's
index built at build time, search/*.js) and with the program at REF (default: the
commit before handbook/search_index.py appeared, i.e. Material's lunr search with
overrides/hooks/search.py). Each site is opened in a fresh Chromium context over
http (127.0.0.1) and from file://, with the CPU at full speed and slowed 4×
(DevTools Emulation.setCPUThrottlingRate); the query is typed right after the load
event and the time runs from the text arriving in the box to the results shown.
Bytes: what the browser read for that one query (search index files). Writes the
section "站内搜索：首次搜索" of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from build_worker import run_build  # noqa: E402
from harness import RequestGuard, launch, static_server  # noqa: E402
from project import add_synthetic_documents, project_copy, regulation_files, share_render_cache  # noqa: E402
from report import now, table, write_section  # noqa: E402

HEADING = "站内搜索：首次搜索"
QUERY = "三分之二"
TIMEOUT_MS = 600_000
GOALS_MS = {"real": 300, "large": 350}
BYTES_GOAL = 3 * 10**6
ENGINES = {
    # engine → (JS that is true once the result list answered, what the page reads for a query)
    "handbook": ("['results', 'partial', 'pending', 'none'].includes("
                 "document.querySelector('[data-handbook-results]')?.dataset.state)", "/search/"),
    "material": ("(document.querySelector('.md-search-result__meta')?.textContent ?? '').includes('符合条件')",
                 "/search/search_index"),
}
NAMES = {"handbook": "本手册（构建时索引）", "material": "Material（浏览器内 lunr）"}


@dataclass
class Sample:
    ms: float
    bytes: int
    results: int


def baseline_ref() -> str:
    added = subprocess.run(["git", "log", "--diff-filter=A", "--format=%H", "--", "handbook/search_index.py"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return f"{added[-1]}^" if added else "HEAD"


def export(ref: str, target: Path) -> Path:
    """The project as it was at `ref` (program, data, templates), written to `target`."""
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True, check=True).stdout
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def first_search(browser, base: str, engine: str, throttle: float) -> Sample:
    answered, reads = ENGINES[engine]
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="zh-CN")
    guard = RequestGuard().attach(context)
    page = context.new_page()
    if throttle != 1:
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    page.set_default_timeout(TIMEOUT_MS)  # Material's worker runs in an iframe under file://: the page can be busy
    page.goto(base + "index.html", wait_until="load")
    opener = page.locator('label.md-header__button[for="__search"]')
    if opener.is_visible():
        opener.click()
    box = page.locator("input.md-search__input")
    box.click()
    started = page.evaluate("performance.now()")
    page.keyboard.insert_text(QUERY)
    page.keyboard.press("End")  # Material reads the box on keyup; the handbook on input
    done = page.wait_for_function(f"({answered}) && performance.now()", timeout=TIMEOUT_MS).json_value()
    results = page.locator(".md-search-result__list a").count()
    read = page.evaluate(f"""() => performance.getEntriesByType('resource')
        .filter(e => e.name.includes({reads!r}))
        .reduce((sum, e) => sum + (e.decodedBodySize || 0), 0)""")
    context.close()
    if guard.blocked or not results:
        raise RuntimeError(f"搜索测量无效：结果 {results} 个，外部请求 {guard.blocked}")
    return Sample(done - started, read, results)


def measure(site: Path, engine: str, runs: int) -> dict[tuple[str, float], list[Sample]]:
    from playwright.sync_api import sync_playwright

    samples: dict[tuple[str, float], list[Sample]] = {}
    with sync_playwright() as playwright, static_server(site) as url:
        browser = launch(playwright)
        for transport, base in (("http", url), ("file", site.as_uri() + "/")):
            for throttle in (1, 4):
                samples[(transport, throttle)] = [first_search(browser, base, engine, throttle) for _ in range(runs)]
        browser.close()
    return samples


def site_bytes(site: Path, engine: str) -> int:
    folder = site / "search"
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run(sizes: list[int], runs: int, ref: str) -> None:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-search-") as temp:
        work = Path(temp)
        warm = None
        for size in sizes:
            for engine in ("handbook", "material"):
                project = project_copy(work / f"{engine}-{size}") if engine == "handbook" else \
                    export(ref, work / f"{engine}-{size}")
                added = add_synthetic_documents(project, size)
                if warm:
                    share_render_cache(warm, project)
                site = work / f"site-{engine}-{size}"
                build = run_build(project, site)
                warm = warm or project
                samples = measure(site, engine, runs)
                documents = len(regulation_files(project))
                for (transport, throttle), found in samples.items():
                    ms = statistics.median(s.ms for s in found)
                    rows.append([f"{documents}（合成 {added}）", NAMES[engine], transport,
                                 "4×" if throttle != 1 else "1×", f"{ms:.0f}",
                                 f"{statistics.median(s.bytes for s in found) / 1e6:.2f}",
                                 f"{site_bytes(site, engine) / 1e6:.1f}", str(found[0].results)])
                print(f"{size} {engine}: build {build['wall']:.0f} s", *rows[-4:], sep="\n", flush=True)
                write_section(HEADING, section(sizes, runs, ref, rows))  # each result kept as soon as it is measured
                shutil.rmtree(site)
                if project != warm:
                    shutil.rmtree(project)
    write_section(HEADING, section(sizes, runs, ref, rows))


def section(sizes: list[int], runs: int, ref: str, rows: list[list[str]]) -> str:
    return "\n".join([
        f"测量于 {now()}，机器见“测试机器”一节。命令：`.venv/bin/python benchmarks/bench_search.py "
        f"--sizes {','.join(map(str, sizes))} --runs {runs}`；对照的 Material 搜索取自提交 `{ref}`。",
        "同一个项目（真实文件，规模测试另加合成文件）分别用本程序和对照版本构建；每次在新的 Chromium 上下文"
        f"（空缓存）中打开首页，load 事件后立即在搜索框输入“{QUERY}”，从文字进入搜索框到结果列表出现计时"
        f"（页面内 performance.now()），{runs} 次取中位数。4× 为 DevTools 的 CPU 降速"
        "（Emulation.setCPUThrottlingRate）。“本次读取”是这一次搜索浏览器读入的索引文件（http 下的 decodedBodySize；"
        "file:// 下浏览器不报告大小，记为 0），“索引总量”是网站中 search/ 的全部文件。",
        "",
        table(["文件数", "搜索", "方式", "CPU", "首次搜索（ms）", "本次读取（MB）", "索引总量（MB）", "结果链接"],
              rows, align="llllrrrr"),
        "",
        f"目标：真实手册 ≤ {GOALS_MS['real']} ms，2,000 个文件 ≤ {GOALS_MS['large']} ms（http 与 file:// 相同），"
        f"2,000 个文件时一次搜索读取 ≤ {BYTES_GOAL / 1e6:.0f} MB。",
    ])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_search.py", description="站内搜索首次搜索：本手册与 Material 对照")
    parser.add_argument("--sizes", default="45,2000", metavar="文件数", help="文件总数，逗号分隔（45 即真实手册）")
    parser.add_argument("--runs", type=int, default=3, metavar="次数", help="每种情形测量的次数（默认 3）")
    parser.add_argument("--baseline", default=None, metavar="版本", help="对照的 Material 搜索所在的 git 版本")
    args = parser.parse_args(argv)
    run([int(s) for s in args.sizes.split(",")], args.runs, args.baseline or baseline_ref())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
