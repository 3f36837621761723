"""python3 build.py fill <表格> …: example data, one filled form, or a batch."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

from ..cli_parser import Parser
from ..errors import HandbookError, Problem
from ..load import os_reason
from ..paths import ROOT
from .example import example_csv, example_yaml
from .output import BatchResult, UnknownForm, check_pattern, fill_batch, fill_one, find_form
from .render import BLANK, HANDWRITTEN

USAGE_EXAMPLES = """示例：
  python3 build.py fill meeting-notice --example > 通知.yaml        输出示例数据（YAML）
  python3 build.py fill meeting-notice --example-csv > 通知.csv     输出 CSV 表头和一行示例
  python3 build.py fill meeting-notice --data 通知.yaml -o 通知.docx  生成一份
  python3 build.py fill meeting-notice --data 通知.csv --out-dir 输出  每条记录生成一份
  python3 build.py fill meeting-notice --example-xlsx -o 名单.xlsx    生成 Excel 模板（表头、示例、下拉选项）
  python3 build.py fill meeting-notice --data 名单.xlsx --out-dir 输出 Excel 第一个工作表每行生成一份
  python3 build.py fill meeting-notice --blank -o 空白.docx           生成空白表（在 Word/WPS 中填写）
  python3 build.py fill meeting-notice --blank-print -o 空白.docx     生成空白表（打印后手写）
"""


def build_parser():
    parser = Parser(prog="python3 build.py fill", description="填写表格：由数据生成 Word 文档（DOCX）。",
                    epilog=USAGE_EXAMPLES)
    parser.add_argument("form_id", metavar="表格", help="表格标识：lending-slip、leave-approval、meeting-notice")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--example", action="store_true", help="输出该表完整的示例数据（YAML）")
    what.add_argument("--example-csv", action="store_true", help="输出该表的 CSV 表头和一行示例")
    what.add_argument("--example-xlsx", action="store_true",
                      help="生成 Excel 模板（与 -o 同用）：表头、一行示例，选项栏带下拉列表")
    what.add_argument("--data", type=Path, metavar="数据文件",
                      help="记录文件：.yaml（一条或多条）、.csv 或 .xlsx（每行一条，表头同 --example-csv）")
    what.add_argument("--blank", action="store_true", help="生成空白表，带 Word 内容控件，在 Word/WPS 中填写（与 -o 同用）")
    what.add_argument("--blank-print", action="store_true", help="生成空白表，栏目留空、无控件，打印后手写（与 -o 同用）")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("-o", "--output", type=Path, metavar="输出.docx", help="只生成一份，写到这个文件")
    target.add_argument("--out-dir", type=Path, metavar="目录", help="每条记录生成一份，写到这个目录")
    parser.add_argument("--sheet", metavar="工作表", help="Excel 文件中要读取的工作表名称或序号（默认第一个）")
    parser.add_argument("--name", metavar="模式", help="批量时的文件名模式，如 {n:04d}-{meeting_name}（默认见表格定义）")
    return parser


def main(argv: list[str]) -> int:
    """Exit status: 0 done, 1 any error (bad arguments included; argparse's own status would be 2)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return _run(parser, args, find_form(ROOT, args.form_id).form)
    except SystemExit as stop:  # parser.error() and --help
        return 1 if stop.code else 0
    except HandbookError as error:
        _print_problems(error.problems)
        return 1
    except UnknownForm as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"错误：无法写入 {error.filename or ''}：{os_reason(error)}", file=sys.stderr)
        return 1


def _run(parser, args, form) -> int:
    blank = args.blank or args.blank_print
    if not (args.example or args.example_csv or args.example_xlsx or args.data or blank):
        parser.error("请给出 --example、--example-csv、--example-xlsx、--data、--blank 或 --blank-print 之一")
    if args.sheet is not None and args.data is None:
        parser.error("--sheet 只与 --data 名单.xlsx 同用")
    if args.example_xlsx:
        if args.output is None or args.output.suffix.lower() != ".xlsx":
            parser.error("--example-xlsx 请用 -o 指定要生成的 .xlsx 文件，如 -o 名单.xlsx")
        return _write_workbook(form, args.output)
    if args.example or args.example_csv:
        if args.output or args.out_dir:
            parser.error("--example 直接输出到屏幕，不能与 -o、--out-dir 同用（可用 > 文件名 保存）")
        sys.stdout.write(example_yaml(form) if args.example else example_csv(form))
        return 0
    if args.output is None and args.out_dir is None:
        parser.error("请用 -o 指定输出文件，或用 --out-dir 指定输出目录")
    if args.output is not None:
        if args.name:
            parser.error("--name 只用于 --out-dir 批量生成")
        problems = fill_one(ROOT, form, None if blank else args.data, args.output,
                            HANDWRITTEN if args.blank_print else BLANK, args.sheet)
        if problems:
            _print_problems(problems)
            print(f"有错误，未生成 {args.output}。", file=sys.stderr)
            return 1
        print(f"已生成 {args.output}")
        return 0
    if blank:
        parser.error("--blank、--blank-print 请与 -o 同用")
    reason = check_pattern(form, args.name or form.file_name)
    if reason:
        parser.error(reason)
    result = fill_batch(ROOT, form, args.data, args.out_dir, args.name, Progress(sys.stderr), args.sheet)
    _print_problems(result.problems)
    print(summary(result, args.out_dir))
    return 1 if result.problems else 0


def _write_workbook(form, out: Path) -> int:
    import tempfile

    from .example import example_workbook

    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as folder:  # nothing half-written under the final name
        staged = Path(folder) / out.name
        example_workbook(form, staged)
        staged.replace(out)
    print(f"已生成 {out}")
    return 0


def summary(result: BatchResult, out_dir: Path) -> str:
    rate = f"，{len(result.written) / result.seconds:.0f} 份/秒" if result.seconds > 0 and result.written else ""
    bad = f"，{result.bad_records} 条有误未生成" if result.bad_records else ""
    return (f"共 {result.total} 条记录：生成 {len(result.written)} 份{bad}；"
            f"用时 {result.seconds:.2f} 秒{rate}。输出目录：{out_dir}")


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


class Progress:
    """A progress bar on a terminal; a line every tenth of the way otherwise (logs stay short)."""

    WIDTH = 30

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.tty = stream.isatty()
        self.last_draw = 0.0
        self.last_tenth = 0

    def __call__(self, done: int, total: int) -> None:
        if self.tty:
            now = time.monotonic()
            if done == total or now - self.last_draw >= 0.1:
                self.last_draw = now
                filled = self.WIDTH * done // total
                bar = "█" * filled + "░" * (self.WIDTH - filled)
                end = "\n" if done == total else ""
                self.stream.write(f"\r填写进度 {bar} {done}/{total}{end}")
                self.stream.flush()
            return
        tenth = 10 * done // total
        if tenth > self.last_tenth:
            self.last_tenth = tenth
            print(f"填写进度 {done}/{total}（{tenth * 10}%）", file=self.stream)
