"""`python3 build.py decide …`: the 议事决策自查 from the command line (the evaluation is handbook/decide.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .decide import answer_text, evaluate, find, rules_data
from .errors import Problem


def add_command(commands) -> None:
    """`python3 build.py decide …` (registered in handbook/cli.py)."""
    parser = commands.add_parser("decide", help="议事决策自查：能否召开、是否须提交室务会、是否通过，并列出依据")
    parser.add_argument("--body", required=True, help="会议：室务会 或 主任办公会议")
    parser.add_argument("--matter", required=True, help="事项，如 干部任免、重大问题决策、一次性购置（可写名称的一部分）")
    parser.add_argument("--amount", help="金额（万元），按金额判断的事项须填写")
    parser.add_argument("--expected", required=True, help="应到会成员人数")
    parser.add_argument("--present", required=True, help="实到成员人数")
    parser.add_argument("--withdrawn", default="0", help="回避人数（实到成员中回避的人数）")
    parser.add_argument("--for", dest="ayes", default="0", help="同意票数")
    parser.add_argument("--against", default="0", help="不同意票数")
    parser.add_argument("--abstain", default="0", help="缓议票数")


def handbook_rules(root: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    from .sources import load_handbook  # loading the handbook is the slow part: only when asked

    handbook, problems = load_handbook(root)
    if handbook is None:
        return None, problems
    return rules_data(handbook.structures, handbook.index), problems


def command(args, root: Path, print_problems) -> int:
    rules, problems = handbook_rules(root)
    if rules is None:
        print_problems(problems)
        return 1
    try:
        body = find(rules["bodies"], args.body.removesuffix("会议") if args.body.endswith("室务会会议") else args.body, "会议")
        matter = find(rules["matters"], args.matter, "事项")
    except LookupError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2
    question = {"body": body["id"], "matter": matter["id"], "amount": args.amount, "expected": args.expected,
                "present": args.present, "withdrawn": args.withdrawn, "for": args.ayes, "against": args.against,
                "abstain": args.abstain}
    result = evaluate(rules, question)
    if "errors" in result:
        print(answer_text(rules, result), file=sys.stderr)
        return 2
    print(f"{body['name']} · {matter['name']}")
    print(answer_text(rules, result))
    return 0
