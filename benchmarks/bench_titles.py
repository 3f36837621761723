"""Title wrapping of the printed compendium (render/title_lines.title_lines) on long plain titles.

    .venv/bin/python benchmarks/bench_titles.py [--no-write]

Issue 18: trying every combination of cuts took 32 s at 105 characters and more than
400 s at 130; the dynamic programming that replaced it must stay near-linear. The
results replace the section “汇编标题折行” of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import statistics
import sys
import time

from report import ROOT, argument_parser, now, table, write_section

sys.path.insert(0, str(ROOT))

from handbook.render.title_lines import title_lines  # noqa: E402

HEADING = "汇编标题折行"
PHRASE = "中共X区委办公室关于进一步加强和改进机关作风建设切实提高工作效率和服务质量的实施意见"
LENGTHS = (40, 105, 130, 500, 2000)


def measure(length: int, runs: int = 5) -> tuple[float, int]:
    title = (PHRASE * (length // len(PHRASE) + 1))[:length]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        lines = title_lines(title)
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(lines)


def main(argv: list[str]) -> int:
    parser = argument_parser("benchmarks/bench_titles.py", "汇编标题折行的耗时")
    parser.add_argument("--no-write", action="store_true", help="只打印，不写入 benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    title_lines(PHRASE)  # jieba loads its dictionary once per process: not part of the wrapping
    rows = []
    for length in LENGTHS:
        seconds, lines = measure(length)
        rows.append([f"{length}", f"{lines}", f"{seconds * 1000:.1f}"])
        print(f"{length} 字：{lines} 行，{seconds * 1000:.1f} 毫秒", flush=True)
    body = "\n".join([
        f"测量于 {now()}，命令：`.venv/bin/python benchmarks/bench_titles.py`（每个长度取 5 次的中位数，"
        "不含 jieba 首次加载词典）。",
        "",
        table(["标题字数", "行数", "耗时（毫秒）"], rows),
        "",
        "此前逐一尝试所有断行组合：105 字 32 秒，130 字超过 400 秒；目标：2,000 字远低于 1 秒。",
    ])
    if not args.no_write:
        write_section(HEADING, body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
