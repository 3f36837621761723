"""The imported document as YAML text in the style of regulations/*.yaml.

Block style, one value per line, a single-paragraph element written as a plain string.
Every string stays a string: anything a YAML 1.1 reader might take for a number, date,
boolean or null (0017, 2019-10, yes, ~) is quoted, and the text is read back and
compared with the data before it is returned.
"""

from __future__ import annotations

import datetime as dt
import re

import yaml

from ..errors import HandbookError, Problem

HEADER_ORDER = ("id", "kind", "seq", "title", "short_title", "issuer", "category", "source_page", "status",
                "visibility", "imprint", "issued", "effective", "reviewed", "incomplete", "note", "form", "history",
                "corrections", "article_style", "styles", "preamble", "chapters", "articles", "body", "closing",
                "source_text")
# YAML 1.1 resolves these plain scalars to something other than a string (or a reader might)
RETYPED = re.compile(r"""^(?:[-+]?[0-9][0-9_,.:eE+-]*|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)|0[box][0-9a-fA-F_]+
    |y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|
    \d{4}-\d{1,2}(?:-\d{1,2}.*)?|=|<<)$""", re.VERBOSE)


def scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    text = str(value)
    if RETYPED.match(text) or text == "":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    dumped = yaml.safe_dump(text, allow_unicode=True, default_flow_style=True, width=1_000_000)
    return dumped.removesuffix("\n...\n").rstrip("\n")


def _block(value, indent: int) -> list[str]:
    """Lines for a list or mapping value, indented by `indent` spaces."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, dict):
                inner = _mapping(entry, indent + 2)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines += inner[1:]
            elif isinstance(entry, list):
                lines.append(f"{pad}-")
                lines += _block(entry, indent + 2)
            else:
                lines.append(f"{pad}- {scalar(entry)}")
        return lines
    return _mapping(value, indent)


def _mapping(mapping: dict, indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for name, value in mapping.items():
        if isinstance(value, (list, dict)):
            if not value:
                lines.append(f"{pad}{name}: {'[]' if isinstance(value, list) else '{}'}")
                continue
            if isinstance(value, list) and all(isinstance(v, str) and len(v) < 8 for v in value) and name == "styles":
                lines.append(f"{pad}{name}: [{', '.join(scalar(v) if not v.endswith('.') else repr_quoted(v) for v in value)}]")
                continue
            lines.append(f"{pad}{name}:")
            lines += _block(value, indent + 2)
        else:
            lines.append(f"{pad}{name}: {scalar(value)}")
    return lines


def repr_quoted(text: str) -> str:
    return '"' + text + '"'


def document_yaml(data: dict, comment: str) -> str:
    ordered = {name: data[name] for name in HEADER_ORDER if name in data}
    ordered.update({name: value for name, value in data.items() if name not in ordered})
    lines = ["# yaml-language-server: $schema=../schema/document.schema.json", f"# {comment}"]
    for name, value in ordered.items():
        if name in ("preamble", "chapters", "articles", "body") and name in ordered:
            if name in ("chapters", "articles", "body"):
                lines.append("# 编号（第一章、第一条、一、（一）……）由系统按顺序生成，正文中不写。")
        lines += _mapping({name: value}, 0)
    text = "\n".join(lines) + "\n"
    if yaml.safe_load(text) != ordered:  # the one guarantee that matters: read back, the same data
        raise HandbookError([Problem(str(data.get("id")), 1, 1, "内部错误：生成的 YAML 读回后与导入内容不一致，未写入")])
    return text
