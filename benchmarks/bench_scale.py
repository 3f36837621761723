"""Scale: the handbook grown to 200 and 2,000 documents with synthetic copies of the real regulations.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 200,2000] [--runs 3]

For each size: a fresh project copy, filled up with copies of the real
documents that have full text (rules, outline, duties) under new ids and
titles, built once (instrumented, as in bench_build.py), then searched in
Chromium. The flowchart cache of a warmed-up copy is shared, so the times are
about documents. Writes the section "规模测试（合成文件）" of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench_build import seconds
from build_worker import STAGES, run_build
from project import add_synthetic_documents, project_copy, regulation_files, share_render_cache
from report import argument_parser, now, table, write_section
from search_latency import FIRST_QUERY, LATER_QUERY, Latency, measure as measure_search

HEADING = "规模测试（合成文件）"
MEMORY_GOAL_MIB = 2048
GROWTH_GOAL = 12  # t2000 / t200
FIRST_SEARCH_GOAL_MS = 350  # at 2,000 documents (bench_search.py measures it side by side with Material's)
MIB = 2**20
SHORT_NAMES = {"load": "加载", "pages": "页面", "flowcharts": "流程图", "flowchart-images": "流程图 PNG",
               "forms": "表格", "compendium": "汇编", "mkdocs": "MkDocs", "search": "检索索引"}


@dataclass
class ScalePoint:
    documents: int
    synthetic: int
    build: dict
    index_bytes: int
    site_bytes: int
    page_bytes: int  # one document page (shiwuhui-rules.html): grows with the navigation
    search: Latency
    entries: int  # index entries (search/core.js)
    core_bytes: int  # search/core.js, read by every page once it has loaded

    @property
    def peak_mib(self) -> float:
        return self.build["peak_tree_mib"] or self.build["peak_rss_mib"]


def index_entries(core: Path) -> int:
    text = core.read_text(encoding="utf-8")
    return json.loads(text[text.index(",") + 1:text.rindex(")")])["entries"]


def tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure_size(size: int, warm: Path, work: Path, runs: int) -> ScalePoint:
    project = project_copy(work / f"project-{size}")
    synthetic = add_synthetic_documents(project, size)
    share_render_cache(warm, project)
    site = work / f"site-{size}"
    build = run_build(project, site)
    core = site / "search" / "core.js"
    point = ScalePoint(len(regulation_files(project)), synthetic, build,
                       tree_bytes(site / "search"), tree_bytes(site),
                       (site / "shiwuhui-rules.html").stat().st_size, measure_search(site, runs),
                       index_entries(core), core.stat().st_size)
    shutil.rmtree(site)  # a 2,000-page site is large; the numbers are all we keep
    shutil.rmtree(project)
    return point


def warm_project(work: Path) -> Path:
    """A project copy built once, whose caches (drawn flowcharts) the scale copies share."""
    project = project_copy(work / "warm")
    run_build(project, work / "warm-site")
    shutil.rmtree(work / "warm-site")
    return project


def size_rows(points: list[ScalePoint]) -> list[list[str]]:
    rows = []
    for p in points:
        stages = p.build["stages"]
        rows.append([
            f"{p.documents}（合成 {p.synthetic}）",
            f"{p.build['wall']:.1f}",
            " / ".join(seconds(stages[stage]) for stage in STAGES),
            f"{p.build['peak_rss_mib']:.0f} / {p.peak_mib:.0f}",
            f"{p.index_bytes / MIB:.1f}",
            f"{p.page_bytes / 1024:.0f}",
            f"{p.site_bytes / MIB:.0f}",
        ])
    return rows


def search_rows(points: list[ScalePoint]) -> list[list[str]]:
    rows = []
    for p in points:
        rows.append([str(p.documents), f"{p.search.load_ms:.0f}", f"{p.search.first_ms:.0f}",
                     f"{p.search.later_ms:.0f}", str(p.search.results), str(p.entries),
                     f"{p.core_bytes / 1024:.0f}", f"{p.search.files} / {p.search.read_bytes / MIB:.2f}"])
    return rows


def verdict(ok: bool) -> str:
    return "达到" if ok else "**未达到**"


def growth(small: ScalePoint, large: ScalePoint, stage: str) -> str:
    a, b = small.build["stages"][stage], large.build["stages"][stage]
    return f"{SHORT_NAMES[stage]} {b / a:.1f} 倍" if not isinstance(a, str) and not isinstance(b, str) and a else \
        f"{SHORT_NAMES[stage]} —"


def findings(points: list[ScalePoint]) -> list[str]:
    small, large = points[0], points[-1]
    ratio = large.build["wall"] / small.build["wall"]
    size_ratio = large.documents / small.documents
    return [
        f"- 构建时间增长：t{large.documents} / t{small.documents} = {ratio:.1f}"
        f"（文件数之比 {size_ratio:.0f}，目标 ≤ {GROWTH_GOAL}）——{verdict(ratio <= GROWTH_GOAL)}。"
        f"各阶段：{'，'.join(growth(small, large, stage) for stage in STAGES)}。",
        f"- 峰值内存（构建进程连同子进程同时占用之和，每 0.1 秒采样）：{large.documents} 个文件时 "
        f"{large.peak_mib:.0f} MiB（目标 < 2 GB）——{verdict(large.peak_mib < MEMORY_GOAL_MIB)}。",
        f"- 检索索引：{small.index_bytes / MIB:.1f} MiB → {large.index_bytes / MIB:.1f} MiB"
        f"（{large.index_bytes / small.index_bytes:.1f} 倍）。每个页面带所在类别的导航（navigation.prune），"
        f"一个页面从 {small.page_bytes / 1024:.0f} KiB 增到 {large.page_bytes / 1024:.0f} KiB，"
        f"网站从 {small.site_bytes / MIB:.0f} MiB 增到 {large.site_bytes / MIB:.0f} MiB。",
        f"- 首次搜索：{small.documents} 个文件时等待 {small.search.first_ms:.0f} ms，"
        f"{large.documents} 个文件时 {large.search.first_ms:.0f} ms"
        f"（目标 ≤ {FIRST_SEARCH_GOAL_MS} ms）——{verdict(large.search.first_ms <= FIRST_SEARCH_GOAL_MS)}；"
        f"同一页面再搜索 {large.search.later_ms:.0f} ms。与 Material 搜索的对照、file:// 与 4× 降速见“站内搜索：首次搜索”一节。",
        *growth_advice(small, large),
        *search_advice(large),
    ]


def growth_advice(small: ScalePoint, large: ScalePoint) -> list[str]:
    """Why the build grows faster than the documents, and what would stop it, when it misses the goal."""
    if large.build["wall"] / small.build["wall"] <= GROWTH_GOAL:
        return []
    return [
        "",
        f"**构建时间的增长超过目标。** 多出来的主要在 MkDocs：每个页面带所在类别的全部条目（navigation.prune），所以单页从 "
        f"{small.page_bytes / 1024:.0f} KiB 涨到 {large.page_bytes / 1024:.0f} KiB，网站总量随每类文件数的平方增长"
        f"（{large.documents} 个文件时 {large.site_bytes / MIB:.0f} MiB），MkDocs 渲染和写出的量也随之增长。"
        "建议：文件多时在类别下再分子类，使每类的条目数保持在几百以内。",
    ]


def search_advice(large: ScalePoint) -> list[str]:
    """Where the first search's wait goes and what would shorten it, when it misses the goal."""
    if large.search.first_ms <= FIRST_SEARCH_GOAL_MS:
        return []
    return [
        "",
        f"**{large.documents} 个文件时首次搜索超过目标。** 索引在构建时建好（handbook/search_index.py），浏览器不建索引："
        f"页面加载后读 `search/core.js`（{large.core_bytes / 1024:.0f} KiB：词表、文件表、同义词），"
        "一次搜索再读所查词的倒排分片，然后一次读入要核对整句和要显示的条目的正文分片。"
        f"这一次首次搜索共读 {large.search.files} 个索引文件（{large.search.read_bytes / MIB:.2f} MiB）。"
        "在本机每个脚本文件无论大小约费 2–4 ms（file:// 与 http 相同，加载时更多），所以等待主要随文件数增长。"
        "先看是哪一步慢：`.venv/bin/python benchmarks/bench_search.py --sizes 2000 --only handbook` 给出 http、file:// "
        "和 4× 降速的分项与读取的文件数；再在 Chromium 的性能面板（或 CDP Profiler）中看这一次搜索。可调的地方："
        "正文分片大小（`TEXT_BYTES`）、结果面板一次列出的文件数（search-ui.js 的 `PAGE_LIMIT`）、"
        "整句核对的条目数（search-engine.js 的 `PHRASE_CANDIDATES`，会改变排序，须同时核对查询清单）。",
    ]


def section(points: list[ScalePoint], runs: int) -> str:
    sizes = ",".join(str(p.documents) for p in points)
    return "\n".join([
        f"测量于 {now()}，机器见“测试机器”一节。命令：`python3 build.py bench`"
        f"（仅本节：`.venv/bin/python benchmarks/bench_scale.py --sizes {sizes} --runs {runs}`）。",
        "",
        "合成文件由真实的有正文文件（规则、纲目、职责三类）复制而来：新的 id 和标题，正文、键、勘误照旧，"
        "引用仍指向真实文件；序号字段限于 999 且不得重复，所以合成文件不进目录，在导航中列于“附图”。"
        "每个规模是项目的全新副本，共用一份已画好的流程图缓存，所以计时只反映文件数。"
        "词汇不随副本增加，真实的新文件会使索引的词表更大一些。",
        "",
        table(["文件数", "构建（秒）", f"其中（秒）：{' / '.join(SHORT_NAMES[stage] for stage in STAGES)}",
               "峰值内存 MiB（构建进程 / 连同子进程）", "检索索引 MiB", "单页 KiB", "网站 MiB"], size_rows(points)),
        "",
        f"Chromium 首次搜索（`{FIRST_QUERY}`，http，打开首页、加载完成后立即输入；每次全新的浏览器上下文，"
        f"{runs} 次取中位数；计时在页面内，从文字进入搜索框到显示结果的那一帧画出）：",
        "",
        table(["文件数", "首页加载（ms）", "首次搜索等待（ms）", f"再次搜索 `{LATER_QUERY}`（ms）", "结果链接数",
               "索引条目", "core.js KiB", "首次搜索读取（文件数 / MiB）"], search_rows(points)),
        "",
        *findings(points),
    ])


def run(sizes: list[int], runs: int = 3, warm: Path | None = None) -> list[ScalePoint]:
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as temp:
        work = Path(temp)
        warm = warm or warm_project(work)
        points = [measure_size(size, warm, work, runs) for size in sizes]
    text = section(points, runs)
    write_section(HEADING, text)
    print(f"## {HEADING}\n\n{text}\n")
    return points


def main(argv: list[str]) -> int:
    parser = argument_parser("bench_scale.py", "规模测试：合成 200 与 2000 个文件")
    parser.add_argument("--sizes", default="200,2000", metavar="文件数", help="文件总数，逗号分隔（默认 200,2000）")
    parser.add_argument("--runs", type=int, default=3, metavar="次数", help="每个规模的搜索测量次数（默认 3，取中位数）")
    args = parser.parse_args(argv)
    run([int(s) for s in args.sizes.split(",")], args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
