"""The import subcommand of build.py."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import HandbookError

KINDS = ("rules", "outline", "duties")


def add_command(commands) -> None:
    command = commands.add_parser("import", help="导入 Word（.docx）或文本（.txt）原件：python3 build.py import 文件 [--into 文件id]")
    command.add_argument("file", type=Path, metavar="文件", help=".docx（Word、WPS）或 .txt（UTF-8 或 GBK）")
    command.add_argument("--id", dest="doc_id", metavar="ID", help="新文件的标识（默认按标题找到手册中已有的条目）")
    command.add_argument("--kind", choices=KINDS, help="文件类型（默认自动识别）：rules 章条式、outline 提纲式、duties 职责清单")
    command.add_argument("--into", metavar="现有id", help="写入已有的“正文待录入”条目，保留其标识、类别、页码和修订记录")
    command.add_argument("--category", metavar="类别", help="新文件的类别（默认汇编中的第一个类别）")
    command.add_argument("--split", action="store_true", help="文件中有多个文件（如整本汇编）：按汇编目录中的标题拆分后逐个导入")
    command.add_argument("--force", action="store_true", help="允许覆盖已有正文的文件")
    command.add_argument("--dry-run", action="store_true", help="只识别和核对，不写入")


def command_import(args, root: Path, print_problems) -> int:
    from .run import format_report, format_split, import_file, import_split

    try:
        if args.split:
            if args.doc_id or args.into or args.kind:
                print("错误：--split 按标题自动对应各个条目，不能与 --id、--into、--kind 同时使用。", file=sys.stderr)
                return 2
            result = import_split(root, args.file, force=args.force, write=not args.dry_run)
            print(format_split(result, root))
            ok = all(o.lossless for o in result.outcomes)
        else:
            outcome = import_file(root, args.file, doc_id=args.doc_id, kind=args.kind, into=args.into,
                                  category=args.category, force=args.force, write=not args.dry_run)
            print(format_report(outcome, root))
            ok = outcome.lossless
    except HandbookError as error:
        print_problems(error.problems)
        print("导入失败，regulations/ 未改动。", file=sys.stderr)
        return 1
    if not ok:
        print("导入失败：导入结果与原文不一致（见上），regulations/ 未改动。", file=sys.stderr)
        return 1
    if not args.dry_run:
        print("已通过 check。用 python3 build.py serve 预览。")
    return 0
