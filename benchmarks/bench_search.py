"""Staff search side by side with Material's: first search after page load in Chromium.

    .venv/bin/python benchmarks/bench_search.py [--sizes 45,2000] [--runs 5] [--timeout 30] [--baseline REF]

For each size, the same project (the real documents, filled up with synthetic
copies as in bench_scale.py) is built twice: with this program (the handbook's
index built at build time, search/*.js) and with the program at REF (default: the
commit before handbook/search_index.py appeared, i.e. Material's lunr search with
overrides/hooks/search.py). Each site is opened in a fresh Chromium context over
http (127.0.0.1) and from file://, with the CPU at full speed and slowed 4×
(DevTools Emulation.setCPUThrottlingRate); the query is typed right after the load
event and the time runs, inside the page, from the text arriving in the box (the
input event) to the frame that shows the results (painted).
A measurement that takes longer than --timeout seconds is reported as "> N s" (and
the runs left of that case are skipped: Material's worker at 2,000 documents).
Bytes: the search index files (search/) the browser asked for during that one
page view and query, by their size on disk (over http and from file://).
Writes the section "站内搜索：首次搜索" of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import os
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
from harness import ANSWERED_JS, launch, static_server  # noqa: E402
from project import add_synthetic_documents, project_copy, regulation_files, share_render_cache  # noqa: E402
from report import now, table, write_section  # noqa: E402
from search_latency import FIRST_QUERY, Sample, first_search  # noqa: E402

HEADING = "站内搜索：首次搜索"
QUERY = FIRST_QUERY
# Two common words: the engine reads the text of the best 40 entries to look for the exact query, so at
# 2,000 documents this reads about four times the files of QUERY (the handbook only)
EXTRA_QUERY = "会议 工作"
GOALS_MS = {"real": 300, "large": 350}
BYTES_GOAL = 3 * 10**6
ENGINES = {
    # engine → JS that is true once the result list answered
    "handbook": ANSWERED_JS,
    "material": "(document.querySelector('.md-search-result__meta')?.textContent ?? '').includes('符合条件')",
}
NAMES = {"handbook": "本手册", "material": "Material"}
CASES = [("http", 1), ("file", 1), ("http", 4), ("file", 4)]


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


def measure(site: Path, engine: str, runs: int, timeout_s: float,
            query: str = QUERY) -> dict[tuple[str, float], list[Sample]]:
    from playwright.sync_api import sync_playwright

    samples: dict[tuple[str, float], list[Sample]] = {}
    with sync_playwright() as playwright, static_server(site) as url:
        browser = launch(playwright)
        for transport, throttle in CASES:
            base = url if transport == "http" else site.as_uri() + "/"
            found = samples[(transport, throttle)] = []
            for _ in range(runs):
                found.append(first_search(browser, site, base, answered_js=ENGINES[engine], query=query,
                                          throttle=throttle, timeout_s=timeout_s))
                if found[-1].ms is None:
                    break  # the next runs would time out too
        browser.close()
    return samples


@dataclass
class Case:
    """One size, transport and CPU: the measurements of both engines."""

    size: str
    transport: str
    throttle: float
    samples: dict[str, list[Sample]]

    def cell(self, engine: str, timeout_s: float, after_load: bool = False) -> str:
        found = self.samples.get(engine)
        if not found:
            return "—"
        if any(s.ms is None for s in found):
            return f"> {timeout_s:.0f} s"
        times = [s.after_load_ms if after_load else s.ms for s in found]
        spread = f"（{min(times):.0f}–{max(times):.0f}）" if len(times) > 1 else ""
        return f"{statistics.median(times):.0f}{spread}"

    def read(self, engine: str) -> str:
        found = [s for s in self.samples.get(engine, []) if s.ms is not None]
        if not found:
            return "—"
        return f"{statistics.median(s.bytes for s in found) / 1e6:.2f}（{found[0].files} 个）"

    def links(self, engine: str) -> str:
        found = [s for s in self.samples.get(engine, []) if s.ms is not None]
        return str(found[0].results) if found else "—"

    def extra_row(self, timeout_s: float) -> list[str]:
        return [self.size, self.transport, "4×" if self.throttle != 1 else "1×", self.cell("handbook", timeout_s),
                self.cell("handbook", timeout_s, after_load=True), self.read("handbook"), self.links("handbook")]

    def row(self, timeout_s: float) -> list[str]:
        return [self.size, self.transport, "4×" if self.throttle != 1 else "1×",
                self.cell("handbook", timeout_s), self.cell("material", timeout_s),
                self.cell("handbook", timeout_s, after_load=True), self.cell("material", timeout_s, after_load=True),
                self.read("handbook"), self.read("material"),
                f"{self.links('handbook')} / {self.links('material')}"]


def load_average() -> str:
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "未知"


def run(sizes: list[int], runs: int, ref: str, timeout_s: float, engines=("handbook", "material")) -> None:
    cases: dict[tuple, Case] = {}
    extra: dict[tuple, Case] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-search-") as temp:
        work = Path(temp)
        warm = None
        for size in sizes:
            for engine in engines:
                project = project_copy(work / f"{engine}-{size}") if engine == "handbook" else \
                    export(ref, work / f"{engine}-{size}")
                added = add_synthetic_documents(project, size)
                if warm:
                    share_render_cache(warm, project)
                site = work / f"site-{engine}-{size}"
                build = run_build(project, site)
                warm = warm or project
                label = f"{len(regulation_files(project))}（合成 {added}）"
                before = load_average()
                samples = measure(site, engine, runs, timeout_s)
                notes.append(f"{label} {NAMES[engine]}：构建 {build['wall']:.0f} 秒，索引总量 "
                             f"{tree_bytes(site / 'search') / 1e6:.1f} MB，测量时系统负载 {before} → {load_average()}")
                for (transport, throttle), found in samples.items():
                    case = cases.setdefault((size, transport, throttle), Case(label, transport, throttle, {}))
                    case.samples[engine] = found
                if engine == "handbook":
                    for (transport, throttle), found in measure(site, engine, runs, timeout_s, EXTRA_QUERY).items():
                        extra[(size, transport, throttle)] = Case(label, transport, throttle, {engine: found})
                text = section(sizes, runs, ref, timeout_s, list(cases.values()), list(extra.values()), notes)
                print(f"\n{notes[-1]}\n" + table(HEADERS, [c.row(timeout_s) for c in cases.values()],
                                                 align=ALIGN), flush=True)
                write_section(HEADING, text)  # each result kept as soon as it is measured
                shutil.rmtree(site)
                if project != warm:
                    shutil.rmtree(project)


def tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


HEADERS = ["文件数", "方式", "CPU", "本手册首次搜索（ms）", "Material 首次搜索（ms）",
           "本手册 load 到结果（ms）", "Material load 到结果（ms）", "本手册读取索引（MB）", "Material 读取索引（MB）",
           "结果链接（本手册 / Material）"]
ALIGN = "lllrrrrrrr"


def verdicts(cases: list[Case]) -> list[str]:
    lines = []
    for case in cases:
        found = [s for s in case.samples.get("handbook", []) if s.ms is not None]
        if case.throttle != 1 or not found:
            continue
        real = "合成 0）" in case.size
        goal = GOALS_MS["real" if real else "large"]
        ms = statistics.median(s.ms for s in found)
        read = statistics.median(s.bytes for s in found)
        line = f"- {case.size}，{case.transport}：{ms:.0f} ms（目标 ≤ {goal} ms）——{'达到' if ms <= goal else '**未达到**'}"
        if not real:
            line += f"；读取 {read / 1e6:.2f} MB（目标 ≤ {BYTES_GOAL / 1e6:.0f} MB）——" + \
                    ("达到" if read <= BYTES_GOAL else "**未达到**")
        lines.append(line + "。")
    return lines


EXTRA_HEADERS = ["文件数", "方式", "CPU", "首次搜索（ms）", "load 到结果（ms）", "读取索引（MB）", "结果链接"]


def section(sizes: list[int], runs: int, ref: str, timeout_s: float, cases: list[Case], extra: list[Case],
            notes: list[str]) -> str:
    return "\n".join([
        f"测量于 {now()}，机器见“测试机器”一节。命令：`.venv/bin/python benchmarks/bench_search.py "
        f"--sizes {','.join(map(str, sizes))} --runs {runs} --timeout {timeout_s:.0f}`；对照的 Material 搜索"
        f"（浏览器内建 lunr 索引）取自提交 `{ref}`。",
        "同一个项目（真实文件，规模测试另加合成文件）分别用本程序和对照版本构建；每次在新的 Chromium 上下文"
        f"（空缓存）中打开首页，load 事件后立即在搜索框输入“{QUERY}”，从文字进入搜索框（input 事件）到显示结果的"
        f"那一帧画出之后计时（页面内计时，不含 Playwright 的往返），{runs} 次取中位数，括号内为最短–最长。4× 为 DevTools 的 CPU 降速"
        f"（Emulation.setCPUThrottlingRate）。超过 {timeout_s:.0f} 秒未出结果记为“> {timeout_s:.0f} s”，"
        "该情形余下几次不再测。“load 到结果”从 load 事件算起，包括页面接受点击和输入之前的等待"
        "（file:// 下 Material 的 worker 在页面自己的线程里建索引，输入要等它建完，“首次搜索”一栏不含这段等待）。"
        "“读取索引”是这一次打开页面和搜索时浏览器请求的 search/ 下的文件"
        "（按磁盘上的大小，括号内为文件数）。",
        "",
        table(HEADERS, [c.row(timeout_s) for c in cases], align=ALIGN),
        "",
        f"目标：真实手册 ≤ {GOALS_MS['real']} ms，2,000 个文件 ≤ {GOALS_MS['large']} ms（http 与 file:// 相同，"
        f"CPU 不降速），2,000 个文件时一次搜索读取 ≤ {BYTES_GOAL / 1e6:.0f} MB。",
        "",
        *verdicts(cases),
        "",
        f"本手册另测两个常用词“{EXTRA_QUERY}”（同样的做法；引擎要读前 40 个条目的正文核对整句，"
        "所以读的文件多）：",
        "",
        table(EXTRA_HEADERS, [c.extra_row(timeout_s) for c in extra], align="lllrrrr"),
        "",
        *[f"- {note}。" for note in notes],
        *DESIGN_NOTES,
    ])


DESIGN_NOTES = [
    "- 本手册的做法：索引在构建时建好（handbook/search_index.py），浏览器只查表、相加权重。页面加载后读 "
    "`search/core.js`（词表、文件表、同义词）；整个索引不超过 512 KiB 时（真实手册）在页面空闲时整份读入，首次搜索不再等文件。"
    "一次搜索读所查词的倒排分片，再一次读入要核对整句和要显示的条目的正文分片（每片约 16 KiB）；结果面板先列 10 个文件。",
    "- 在本机每读一个脚本文件约费 2–4 ms，与文件大小关系不大（file:// 下 45 个 16 KiB 的正文分片约 120 ms，同样内容合成一个文件约 20 ms，45 个极小的文件也要约 110 ms；系统负载约 4 时测），"
    "所以 2,000 个文件时首次搜索的等待主要随读的文件数增长。",
]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_search.py", description="站内搜索首次搜索：本手册与 Material 对照")
    parser.add_argument("--sizes", default="45,2000", metavar="文件数", help="文件总数，逗号分隔（45 即真实手册）")
    parser.add_argument("--runs", type=int, default=5, metavar="次数", help="每种情形测量的次数（默认 5）")
    parser.add_argument("--timeout", type=float, default=30, metavar="秒", help="一次测量最多等多久（默认 30 秒）")
    parser.add_argument("--baseline", default=None, metavar="版本", help="对照的 Material 搜索所在的 git 版本")
    parser.add_argument("--only", choices=sorted(NAMES), default=None, help="只测一种搜索（调试用）")
    args = parser.parse_args(argv)
    engines = (args.only,) if args.only else ("handbook", "material")
    run([int(s) for s in args.sizes.split(",")], args.runs, args.baseline or baseline_ref(), args.timeout, engines)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
