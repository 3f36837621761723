"""The full build split by stage, `mkdocs build` alone on the same pages, and a rebuild with nothing changed.

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
    "flowcharts": "流程图（D2 → SVG/PNG）",
    "forms": "空白表格（DOCX）",
    "compendium": "印刷版汇编（DOCX）",
    "mkdocs": "MkDocs（含中文检索索引）",
}
OWN_STAGES_GOAL = 0.5  # our own stages ≤ 0.5 × MkDocs (issue 9)
CACHED_BELOW = 0.2  # a rebuild stage under 20 % of its cold time is taken as served from a cache


@dataclass
class BuildTimes:
    cold: dict
    rebuild: dict  # the rebuild with the median wall time
    mkdocs_alone: float  # median
    rounds: int
    project: Path


def mkdocs_alone(project: Path, out: Path) -> float:
    """`mkdocs build` on the pages and config the build generated (build/mkdocs.yml), timed."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
               "-f", str(project / "build" / "mkdocs.yml"), "-d", str(out)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    return time.perf_counter() - started


def measure(work: Path, rounds: int) -> BuildTimes:
    project = project_copy(work / "project")
    site = work / "site"
    cold = run_build(project, site)
    rebuilds, alone = [], []
    for _ in range(rounds):  # interleaved, so a burst of load on the machine hits both alike
        rebuilds.append(run_build(project, site))
        alone.append(mkdocs_alone(project, work / "mkdocs-only"))
    rebuilds.sort(key=lambda r: r["wall"])
    return BuildTimes(cold, rebuilds[len(rebuilds) // 2], statistics.median(alone), rounds, project)


def seconds(value: float | str) -> str:
    if value == ABSENT:
        return "尚未实现"
    if value == NOT_CALLED:
        return "未接入构建"
    return f"{value:.2f}"


def measured(result: dict) -> float:
    return sum(v for v in result["stages"].values() if not isinstance(v, str))


def own_time(result: dict) -> float:
    mkdocs = result["stages"]["mkdocs"]
    return result["wall"] - (mkdocs if not isinstance(mkdocs, str) else 0.0)


def rebuild_seconds(cold: float | str, again: float | str) -> str:
    """A stage the cold build ran but the rebuild did not call was served from the cache."""
    if again == NOT_CALLED and not isinstance(cold, str):
        return "0（取自缓存，未调用）"
    return seconds(again)


def stage_rows(times: BuildTimes) -> list[list[str]]:
    rows = [[STAGE_NAMES[s], seconds(times.cold["stages"][s]),
             rebuild_seconds(times.cold["stages"][s], times.rebuild["stages"][s])] for s in STAGES]
    rows.append(["其他（复制资源、写出文件、替换输出目录）",
                 f"{times.cold['wall'] - measured(times.cold):.2f}", f"{times.rebuild['wall'] - measured(times.rebuild):.2f}"])
    rows.append(["**合计**", f"**{times.cold['wall']:.2f}**", f"**{times.rebuild['wall']:.2f}**"])
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


def section(times: BuildTimes) -> str:
    alone = times.mkdocs_alone
    cold_own, rebuild_own = own_time(times.cold), own_time(times.rebuild)
    stage_functions = "、".join(f"`{target}`" for target in times.cold["timed"].values())
    parts = [
        f"测量于 {now()}，机器见“测试机器”一节。命令：`python3 build.py bench`"
        f"（仅本节：`.venv/bin/python benchmarks/bench_build.py --rounds {times.rounds}`）。"
        "在项目的全新副本（程序与数据）中运行 `python3 build.py build`，每次构建是一个新进程；"
        "首次构建的流程图缓存为空，与全新克隆相同。各阶段计时是该阶段函数的独占时间"
        f"（{stage_functions}），嵌套调用不重复计算。",
        "",
        table(["阶段", "首次构建（秒）", f"无改动重建（秒，{times.rounds} 次取中位）"], stage_rows(times)),
        "",
        f"- `mkdocs build --strict` 单独运行（同一批生成的页面和 `build/mkdocs.yml`，同一次运行中 "
        f"{times.rounds} 次取中位数）：**{alone:.2f} 秒**；构建中的 MkDocs 阶段：首次 "
        f"{seconds(times.cold['stages']['mkdocs'])} 秒，重建 {seconds(times.rebuild['stages']['mkdocs'])} 秒。",
        f"- 本项目自己的阶段（合计减去 MkDocs 阶段）：首次 {cold_own:.2f} 秒 = {cold_own / alone:.2f} × MkDocs，"
        f"重建 {rebuild_own:.2f} 秒 = {rebuild_own / alone:.2f} × MkDocs。目标 ≤ {OWN_STAGES_GOAL} ×："
        f"首次{verdict(cold_own <= OWN_STAGES_GOAL * alone)}，重建{verdict(rebuild_own <= OWN_STAGES_GOAL * alone)}。",
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
