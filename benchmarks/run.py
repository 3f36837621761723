"""`python3 build.py bench`: every benchmark, each writing its own section of benchmarks/RESULTS.md.

    python3 build.py bench [--only build,scale,flowcharts,forms,excel,preview,titles] [--rounds 3] [--sizes 200,2000] [--runs 3]

Sections: 测试机器 (this file), 完整构建与重建 (bench_build.py), 规模测试（合成文件）
(bench_scale.py), and the sections of bench_flowcharts.py, bench_forms.py, bench_forms_excel.py, bench_titles.py and
bench_preview.py (written by those scripts, run here when they exist).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import bench_build
import bench_scale
from report import argument_parser, REPORT, ROOT, machine_rows, now, table, write_section

HERE = Path(__file__).resolve().parent
OTHER_SCRIPTS = {"flowcharts": "bench_flowcharts.py", "forms": "bench_forms.py", "excel": "bench_forms_excel.py",
                 "preview": "bench_preview.py", "titles": "bench_titles.py"}
PARTS = ("build", "scale", *OTHER_SCRIPTS)
MACHINE_HEADING = "测试机器"


def machine_section(command: str) -> None:
    rows = [[name, value] for name, value in machine_rows()]
    body = "\n".join([
        f"测量于 {now()}，命令：`{command}`（本机约需五到十分钟；其他程序同时运行时数字会偏大）。",
        "",
        table(["项目", "本机"], rows, align="ll"),
        "",
        "各节可以单独重跑，只替换本节：`.venv/bin/python benchmarks/bench_build.py`、"
        "`benchmarks/bench_scale.py`、`benchmarks/bench_flowcharts.py`、`benchmarks/bench_forms.py`、"
        "`benchmarks/bench_preview.py`；或 `python3 build.py bench --only build,scale`。",
    ])
    write_section(MACHINE_HEADING, body, first=True)


def run_script(name: str) -> int:
    script = HERE / name
    if not script.exists():
        print(f"跳过：{script.relative_to(ROOT)} 不存在。")
        return 0
    print(f"运行 {script.relative_to(ROOT)} …", flush=True)
    return subprocess.run([sys.executable, str(script)], cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    parser = argument_parser("python3 build.py bench", "性能测试，结果写入 benchmarks/RESULTS.md")
    parser.add_argument("--only", default=",".join(PARTS), metavar="测试项", help=f"只运行其中几项，逗号分隔（默认全部：{','.join(PARTS)}）")
    parser.add_argument("--rounds", type=int, default=3, metavar="次数", help="重建与 MkDocs 单独运行的次数（默认 3）")
    parser.add_argument("--sizes", default="200,2000", metavar="文件数", help="规模测试的文件总数（默认 200,2000）")
    parser.add_argument("--runs", type=int, default=3, metavar="次数", help="每个规模的浏览器搜索测量次数（默认 3）")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"未知的测试项：{'、'.join(unknown)}（可选：{','.join(PARTS)}）")
    machine_section("python3 build.py bench" + "".join(f" {a}" for a in argv))
    failed = []
    with tempfile.TemporaryDirectory(prefix="bench-") as temp:
        warm = None
        if "build" in parts:
            warm = bench_build.run(args.rounds, work=Path(temp) / "build").project
        if "scale" in parts:
            bench_scale.run([int(s) for s in args.sizes.split(",")], args.runs, warm=warm)
    for part, script in OTHER_SCRIPTS.items():
        if part in parts and run_script(script) != 0:
            failed.append(script)
    if failed:
        print(f"以下测试失败：{'、'.join(failed)}", file=sys.stderr)
        return 1
    print(f"结果已写入 {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
