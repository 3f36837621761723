"""Command line of build.py: build, check, serve, test, fill …"""

from __future__ import annotations

import argparse
import contextlib
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import decide_cli, editor_commands
from .cli_parser import Parser
from .importer import cli as importer_cli
from .errors import HandbookError, Problem
from .paths import ROOT


def build_parser() -> Parser:
    parser = Parser(prog="python3 build.py", description="区委办公室工作制度汇编：由 regulations/ 下的 YAML 生成手册网站、表格和汇编。")
    add_build_options(parser, None)
    commands = parser.add_subparsers(dest="command", metavar="命令", parser_class=Parser)
    add_build_options(commands.add_parser("build", help="完整构建网站到 site/（默认命令）"), argparse.SUPPRESS)
    check = commands.add_parser("check", help="检查全部 YAML，列出所有问题")
    check.add_argument("--strict", action="store_true", help="警告也视为失败")
    serve = commands.add_parser("serve", help="本机实时预览（修改 YAML 或模板后自动刷新）")
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认只监听本机 127.0.0.1）")
    serve.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    test = commands.add_parser("test", help="运行全部测试")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="传给 pytest 的参数")
    fill = commands.add_parser("fill", help="填写表格：python3 build.py fill <表格> --data 数据文件", add_help=False)
    fill.add_argument("fill_args", nargs=argparse.REMAINDER)
    bench = commands.add_parser("bench", help="性能测试，结果写入 benchmarks/RESULTS.md（选项见 python3 build.py bench --help）")
    bench.add_argument("bench_args", nargs=argparse.REMAINDER, help="传给 benchmarks/run.py 的参数")
    editor_commands.add_commands(commands)
    decide_cli.add_command(commands)
    importer_cli.add_command(commands)
    return parser


def add_build_options(parser: Parser, default) -> None:
    """--out and --profile, accepted before or after the word build (the later one wins)."""
    from .profile import DEFAULT_OUT, PROFILES

    parser.add_argument("--out", type=Path, default=default,
                        help=f"网站输出目录（默认：内部版 {DEFAULT_OUT['internal']}/，公开版 {DEFAULT_OUT['public']}/）")
    parser.add_argument("--profile", choices=PROFILES, default=default if default is not None else "internal",
                        help="internal：内部版（默认，含全部文件，页首和汇编封面标「内部资料」）；"
                             "public：公开版（只含标为 visibility: public 的文件和表格）")
    parser.add_argument("--pdf", action="store_true", default=default if default is not None else False,
                        help="同时用 LibreOffice 把印刷版汇编转为 PDF（需已安装 LibreOffice）")


def print_problems(problems: list[Problem]) -> None:
    for problem in sorted(problems):
        print(problem, file=sys.stderr)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if problems:
        print(f"共 {errors} 个错误，{warnings} 个警告。", file=sys.stderr)


def command_check(args) -> int:
    from .sources import load_handbook

    handbook, problems = load_handbook(ROOT)
    print_problems(problems)
    failed = handbook is None or (args.strict and problems)
    if not failed:
        print(f"检查通过：{len(handbook.structures)} 个文件。")
    return 1 if failed else 0


def command_build(args) -> int:
    from .profile import PROFILE_NAMES, default_out
    from .pipeline import build_site

    out = args.out or default_out(ROOT, args.profile)
    started = time.perf_counter()
    try:
        with terminate_as_interrupt():
            edition = build_site(ROOT, out, profile=args.profile, pdf=args.pdf)
    except HandbookError as error:
        print_problems(error.problems)
        print(f"构建失败，{out} 保持不变。", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\n构建已中断，{out} 保持不变。", file=sys.stderr)
        return 130
    except OSError as error:  # a folder not writable, a disk full, build/ a file …
        print(f"错误：{os_failure(error)}", file=sys.stderr)
        print(f"构建失败，{out} 保持不变。", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    withheld = f"，未收入内部文件 {len(edition.withheld)} 个" if edition.public else ""
    print(f"构建完成（{PROFILE_NAMES[args.profile]}）：{len(edition.structures)} 个文件{withheld} → {out}（{seconds:.1f} 秒）")
    if edition.public and not edition.structures:
        print("提示：还没有文件标为 visibility: public，公开版中没有任何制度。", file=sys.stderr)
    return 0


def os_failure(error: OSError) -> str:
    """What went wrong with a file or folder, in Chinese, naming it relative to the project when inside."""
    from .errors import display_path
    from .load import os_reason

    where = f"「{display_path(Path(error.filename), ROOT)}」" if error.filename else ""
    return f"无法写入或读取{where}：{os_reason(error)}"


@contextlib.contextmanager
def terminate_as_interrupt():
    """Let `kill` (SIGTERM) stop a build the way Ctrl-C does, so its clean-up runs and the previous site stays."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, interrupt) if main_thread else None
    try:
        yield
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def command_serve(args) -> int:
    from .serve import serve

    return serve(ROOT, args.host, args.port)


def command_test(args) -> int:
    extra = [a for a in args.pytest_args if a != "--"]
    # the whole suite unless particular test files or folders are named
    targets = [] if any((ROOT / a.split("::")[0]).exists() for a in extra) else [str(ROOT / "tests")]
    result = subprocess.run([sys.executable, "-m", "pytest", *targets, *extra], cwd=ROOT)
    if result.returncode == 5:
        print("错误：没有收集到任何测试。", file=sys.stderr)
        return 1
    return result.returncode


def command_fill(args) -> int:
    from .forms.cli import main as fill_main

    return fill_main(args.fill_args)


def command_bench(args) -> int:
    extra = [a for a in args.bench_args if a != "--"]
    return subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), *extra], cwd=ROOT).returncode


COMMANDS = {
    None: command_build,
    "build": command_build,
    "check": command_check,
    "serve": command_serve,
    "test": command_test,
    "fill": command_fill,
    "bench": command_bench,
    "decide": lambda args: decide_cli.command(args, ROOT, print_problems),
    **{name: (lambda args, name=name: editor_commands.run(name, args, ROOT, print_problems))
       for name in editor_commands.COMMANDS},
    "import": lambda args: importer_cli.command_import(args, ROOT, print_problems),
}


# Commands whose arguments belong to another program (pytest, the form filler) are handed over
# untouched: argparse would otherwise claim options such as -q or --help for itself.
PASS_THROUGH = {"test": "pytest_args", "fill": "fill_args", "bench": "bench_args"}


def main(argv: list[str]) -> int:
    if argv and argv[0] in PASS_THROUGH:
        args = argparse.Namespace(command=argv[0], **{PASS_THROUGH[argv[0]]: argv[1:]})
    else:
        args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("\n已中断。", file=sys.stderr)
        return 130
    except OSError as error:  # a folder that cannot be written or read, whichever command met it
        print(f"错误：{os_failure(error)}", file=sys.stderr)
        return 1
