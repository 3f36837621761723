"""Editors' subcommands of build.py: schema, new, diff (registered by handbook.cli)."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import HandbookError, display_path


def add_commands(commands) -> None:
    """Add the subcommands to build.py's argparse subparsers."""
    from .scaffold import available_kinds

    schema = commands.add_parser("schema", help="由数据模型重新生成编辑器用的 JSON Schema（schema/）和 .vscode/settings.json")
    schema.add_argument("--check", action="store_true", help="只检查是否过期，过期时退出码为 1")
    new = commands.add_parser("new", help="新建一个文件：python3 build.py new rules 文件id")
    new.add_argument("kind", choices=available_kinds(), metavar="类型", help="文件类型：" + "、".join(available_kinds()))
    new.add_argument("id", metavar="文件id", help="文件标识：小写字母、数字和连字符，如 meeting-rules")
    new.add_argument("--title", help="文件全称")
    new.add_argument("--category", help="所属类别（默认汇编中的第一个类别）")
    diff = commands.add_parser("diff", help="逐条比较两个版本的制度：python3 build.py diff HEAD~1 [新版本]")
    diff.add_argument("rev_a", metavar="旧版本", help="git 版本，如 HEAD~1、main、提交号")
    diff.add_argument("rev_b", metavar="新版本", nargs="?", default=None, help="git 版本（默认：工作区中的当前文件）")
    diff.add_argument("--html", type=Path, metavar="文件", help="另存为网页")


def command_schema(args, root: Path) -> int:
    from .schema import stale_files, write_schemas

    if args.check:
        stale = stale_files(root)
        for path in stale:
            print(f"{display_path(path, root)}: 已过期，请运行 python3 build.py schema", file=sys.stderr)
        return 1 if stale else 0
    changed = write_schemas(root)
    for path in changed:
        print(f"已更新 {display_path(path, root)}")
    if not changed:
        print("JSON Schema 已是最新。")
    return 0


def command_new(args, root: Path) -> int:
    from .scaffold import create

    path = create(root, args.kind, args.id, args.title, args.category)
    print(f"已创建 {display_path(path, root)}。编辑其中的文字后运行 python3 build.py check，"
          "再用 python3 build.py serve 预览。")
    return 0


def command_diff(args, root: Path) -> int:
    from .diff import diff_revisions, format_html, format_text

    old, new, diffs = diff_revisions(root, args.rev_a, args.rev_b)
    sys.stdout.write(format_text(old, new, diffs, color=sys.stdout.isatty()))
    if args.html:
        args.html.write_text(format_html(old, new, diffs), encoding="utf-8")
        print(f"已另存为网页：{args.html}")
    return 0


COMMANDS = {"schema": command_schema, "new": command_new, "diff": command_diff}


def run(name: str, args, root: Path, print_problems) -> int:
    try:
        return COMMANDS[name](args, root)
    except HandbookError as error:
        print_problems(error.problems)
        return 1
