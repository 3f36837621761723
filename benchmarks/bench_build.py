"""The full build split by stage, `mkdocs build` alone on the same pages, a rebuild with nothing changed
and a rebuild after one article's text changed.

    .venv/bin/python benchmarks/bench_build.py [--rounds 3]

Everything runs in a fresh copy of the project (program and data), so the
first build is a cold one, as on a fresh clone. Writes the section
"完整构建与重建" of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from build_worker import ABSENT, NOT_CALLED, STAGES, run_build
from project import project_copy
from report import argument_parser, now, table, write_section

HEADING = "完整构建与重建"
STAGE_NAMES = {
    "load": "加载与校验（YAML → 模型）",
    "pages": "生成页面（Markdown）",
    "flowcharts": "流程图（D2 → SVG）",
    "flowchart-images": "流程图 PNG（200 dpi，下载用）",
    "forms": "空白表格（DOCX）",
    "compendium": "印刷版汇编（DOCX）",
    "mkdocs": "MkDocs",
    "search": "站内检索索引（读 MkDocs 的输出）",
}
OWN_STAGES_GOAL = 0.5  # a rebuild with nothing changed: our own stages ≤ 0.5 × MkDocs (issue 9)
COLD_GOAL = 1.0  # a cold build: our own stages ≤ 1.0 × MkDocs (issue 12)
ONE_FILE_GOAL = 1.2  # a rebuild after one article changed: the whole build ≤ 1.2 × `mkdocs build` alone (issue 12)
DOCUMENT = "shiwuhui-rules"
TEXT_ANCHOR = "制定本规则。"  # the end of the document's first article (as in bench_preview.py)
CACHED_BELOW = 0.2  # a rebuild stage under 20 % of its cold time is taken as served from a cache


@dataclass
class BuildTimes:
    cold: dict
    rebuild: dict  # the rebuild with nothing changed, with the median wall time
    one_file: dict  # the rebuild after one article's text changed, with the median wall time
    mkdocs_alone: float  # median
    mkdocs_search: float  # median: the same with Material's search plugin, as the site had before its own index
    rounds: int
    project: Path
    load: tuple[float, float]  # the 1-minute load average at the start and at the end


def mkdocs_alone(project: Path, out: Path, *, material_search: bool = False) -> float:
    """`mkdocs build` on the pages and config the build generated (build/mkdocs.yml), timed; with
    material_search, on a copy of that config that turns Material's search plugin back on."""
    config = project / "build" / "mkdocs.yml"
    if material_search:
        config = config.with_name("mkdocs-material-search.yml")
        config.write_text((project / "build" / "mkdocs.yml").read_text(encoding="utf-8") + "plugins:\n- search\n",
                          encoding="utf-8")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config), "-d", str(out)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    return time.perf_counter() - started


def edit_one_article(project: Path, round_number: int) -> None:
    """Change the text of one article in one regulation YAML, as an editor would."""
    source = project / "regulations" / f"{DOCUMENT}.yaml"
    text = source.read_text(encoding="utf-8")
    assert TEXT_ANCHOR in text, f"{source} 中找不到「{TEXT_ANCHOR}」"
    source.write_text(text.replace(TEXT_ANCHOR, f"{TEXT_ANCHOR}（构建测试{round_number}）", 1), encoding="utf-8")


def median_run(results: list[dict]) -> dict:
    return sorted(results, key=lambda r: r["wall"])[len(results) // 2]


def measure(work: Path, rounds: int) -> BuildTimes:
    project = project_copy(work / "project")
    site = work / "site"
    load_before = os.getloadavg()[0]
    cold = run_build(project, site)
    rebuilds, one_file, alone, with_search = [], [], [], []
    for n in range(rounds):  # interleaved, so a burst of load on the machine hits all alike
        rebuilds.append(run_build(project, site))
        alone.append(mkdocs_alone(project, work / "mkdocs-only"))
        edit_one_article(project, n)
        one_file.append(run_build(project, site))
        with_search.append(mkdocs_alone(project, work / "mkdocs-search", material_search=True))
    return BuildTimes(cold, median_run(rebuilds), median_run(one_file), statistics.median(alone),
                      statistics.median(with_search), rounds, project, (load_before, os.getloadavg()[0]))


def seconds(value: float | str) -> str:
    if value == ABSENT:
        return "尚未实现"
    if value == NOT_CALLED:
        return "未接入构建"
    return f"{value:.2f}"


def own_time(result: dict) -> float:
    mkdocs = result["stages"]["mkdocs"]
    return result["wall"] - (mkdocs if not isinstance(mkdocs, str) else 0.0)


def rebuild_seconds(cold: float | str, again: float | str) -> str:
    """A stage the cold build ran but the rebuild did not call was served from the cache."""
    if again == NOT_CALLED and not isinstance(cold, str):
        return "0（取自缓存，未调用）"
    return seconds(again)


def stage_rows(times: BuildTimes) -> list[list[str]]:
    runs = (times.cold, times.rebuild, times.one_file)
    rows = [[STAGE_NAMES[s], seconds(times.cold["stages"][s]),
             *(rebuild_seconds(times.cold["stages"][s], run["stages"][s]) for run in runs[1:])] for s in STAGES]
    rows.append(["**合计（墙钟时间）**", *(f"**{run['wall']:.2f}**" for run in runs)])
    rows.append(["其中本项目自己的阶段（合计减去 MkDocs 阶段）", *(f"{own_time(run):.2f}" for run in runs)])
    return rows


def tree_mib(result: dict) -> str:
    peak = result["peak_tree_mib"]
    return f"{peak:.0f} MiB（每 0.1 秒采样）" if peak else "未测（需要 /proc）"


def verdict(ok: bool) -> str:
    return "达到" if ok else "**未达到**"


def rebuild_findings(times: BuildTimes) -> list[str]:
    """What the rebuild with nothing changed did again."""
    drawn = times.rebuild["new_cache_entries"]
    if isinstance(times.rebuild["stages"]["flowcharts"], str):
        lines = [f"- {STAGE_NAMES['flowcharts']}：{seconds(times.rebuild['stages']['flowcharts'])}。"]
    else:
        lines = [f"- {STAGE_NAMES['flowcharts']}：重建时渲染缓存新增 {drawn} 个文件"
                 f"（首次构建新增 {times.cold['new_cache_entries']} 个）——"
                 + ("未重新绘制。" if drawn == 0 else "**有流程图被重新绘制**。")]
    for stage in ("forms", "compendium"):
        cold, again = times.cold["stages"][stage], times.rebuild["stages"][stage]
        if again == NOT_CALLED and not isinstance(cold, str):
            lines.append(f"- {STAGE_NAMES[stage]}：重建时未调用（首次 {cold:.2f} 秒），取自内容缓存，未重新生成。")
        elif isinstance(cold, str) or isinstance(again, str):
            lines.append(f"- {STAGE_NAMES[stage]}：{seconds(again)}。")
        elif again < CACHED_BELOW * max(cold, 1e-9):
            lines.append(f"- {STAGE_NAMES[stage]}：{again:.2f} 秒（首次 {cold:.2f} 秒），未重新生成。")
        else:
            lines.append(f"- {STAGE_NAMES[stage]}：{again:.2f} 秒（首次 {cold:.2f} 秒），**每次构建都重新生成**。")
    return lines


def ratio_lines(times: BuildTimes) -> list[str]:
    alone, with_search = times.mkdocs_alone, times.mkdocs_search
    cold_own, rebuild_own, one_file = own_time(times.cold), own_time(times.rebuild), times.one_file["wall"]
    return [
        f"- `mkdocs build --strict` 单独运行（同一批生成的页面和 `build/mkdocs.yml`，同一次运行中 "
        f"{times.rounds} 次取中位数）：**{alone:.2f} 秒**；同样的页面打开 Material 的检索插件"
        f"（本站改用自己的检索索引之前的做法）：{with_search:.2f} 秒。构建中的 MkDocs 阶段：首次 "
        f"{seconds(times.cold['stages']['mkdocs'])} 秒，无改动重建 {seconds(times.rebuild['stages']['mkdocs'])} 秒。",
        f"- 首次构建，本项目自己的阶段：{cold_own:.2f} 秒 = **{cold_own / alone:.2f} × MkDocs**"
        f"（= {cold_own / with_search:.2f} × 带 Material 检索的 MkDocs）。目标 ≤ {COLD_GOAL} ×："
        f"{verdict(cold_own <= COLD_GOAL * alone)}。",
        f"- 改一条文字后重建（《{DOCUMENT}》第一条），整个构建：{one_file:.2f} 秒 = **{one_file / alone:.2f} × "
        f"`mkdocs build`**（= {one_file / with_search:.2f} × 带 Material 检索的 MkDocs）。目标 ≤ {ONE_FILE_GOAL} ×："
        f"{verdict(one_file <= ONE_FILE_GOAL * alone)}。",
        f"- 无改动重建，本项目自己的阶段：{rebuild_own:.2f} 秒 = {rebuild_own / alone:.2f} × MkDocs。"
        f"目标 ≤ {OWN_STAGES_GOAL} ×：{verdict(rebuild_own <= OWN_STAGES_GOAL * alone)}。",
    ]


def section(times: BuildTimes) -> str:
    stage_functions = "、".join(f"`{target}`" for target in times.cold["timed"].values())
    parts = [
        f"测量于 {now()}，机器见“测试机器”一节。命令：`python3 build.py bench`"
        f"（仅本节：`.venv/bin/python benchmarks/bench_build.py --rounds {times.rounds}`）。"
        "在项目的全新副本（程序与数据）中运行 `python3 build.py build`，每次构建是一个新进程；"
        "首次构建的流程图缓存为空，与全新克隆相同。各阶段计时是该阶段函数的独占时间"
        f"（{stage_functions}），嵌套调用不重复计算；下载文件（PNG、表格、汇编）在 MkDocs 运行的同时"
        "在另一线程中生成，所以各阶段之和可以大于合计。"
        f"系统负载（1 分钟平均，2 核时 2 即满）：开始 {times.load[0]:.2f}，结束 {times.load[1]:.2f}。",
        "",
        table(["阶段", "首次构建（秒）", f"无改动重建（秒，{times.rounds} 次取中位）",
               f"改一条文字后重建（秒，{times.rounds} 次取中位）"], stage_rows(times)),
        "",
        *ratio_lines(times),
        f"- 峰值内存（常驻集，首次构建）：构建进程 {times.cold['peak_rss_mib']:.0f} MiB；"
        f"连同子进程（MkDocs、D2、流程图进程）同时占用之和 {tree_mib(times.cold)}。",
        "",
        "无改动重建（目标：流程图和 DOCX 不重做）：",
        "",
        *rebuild_findings(times),
    ]
    return "\n".join(parts)


def run(rounds: int = 3, work: Path | None = None) -> BuildTimes:
    """Measure and write the section; `work` keeps the project copy (with its warm caches) for later benchmarks."""
    with tempfile.TemporaryDirectory(prefix="bench-build-") as temp:
        times = measure(work or Path(temp), rounds)
        text = section(times)
    write_section(HEADING, text)
    print(f"## {HEADING}\n\n{text}\n")
    return times


def main(argv: list[str]) -> int:
    parser = argument_parser("bench_build.py", "完整构建分阶段计时、MkDocs 单独运行对照、无改动重建")
    parser.add_argument("--rounds", type=int, default=3, metavar="次数", help="重建与 MkDocs 单独运行各重复几次（默认 3，取中位数）")
    args = parser.parse_args(argv)
    run(args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
