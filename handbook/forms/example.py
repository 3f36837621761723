"""Example data files for a form: YAML with every field explained, or a CSV with the right header."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import yaml

from .data import csv_headers, example_record
from .model import Form, FormField


def example_yaml(form: Form) -> str:
    """A complete record as YAML, each field preceded by a comment with its label, whether required, and help."""
    record = example_record(form)
    lines = [f"# {form.title}（{form.id}）示例数据",
             f"# 生成一份：python3 build.py fill {form.id} --data 本文件.yaml -o 输出.docx",
             "# 空着的栏目可以删去；日期写 2019-10-21，时刻加引号写 \"9:00\"。", ""]
    for field in form.fields:
        lines += _comment(field)
        value = record.get(field.id)
        if value is None:
            lines.append(f"# {field.id}:")
        else:
            lines.append(_dump({field.id: value}).rstrip("\n"))
        lines.append("")
    return "\n".join(lines)


def _comment(field: FormField) -> list[str]:
    required = "（必填）" if field.required else ""
    out = [f"# {field.label}{required}：{field.help}"]
    if field.options:
        out.append(f"#   可选：{'、'.join(field.options)}")
    if field.type == "daterange":
        out.append("#   写 start（起日）、end（止日）" + ("，可加 days（天数）" if field.count_days else ""))
    if field.type == "signature":
        out.append("#   写 " + ("opinion（意见）、" if field.opinion else "") + "signer（签字）、date（日期）")
    for column in field.columns or []:
        required = "，必填" if column.required else ""
        options = f"，可选：{'、'.join(column.options)}" if column.options else ""
        out.append(f"#   {column.id}：{column.label}{required}{options}")
    return out


class _Dumper(yaml.SafeDumper):
    """Multi-line text as a literal block (|), the way a person would write it."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)


def example_row(form: Form) -> tuple[list[str], dict[str, str]]:
    """The CSV/Excel header of the form and the example as one row of text (tables: as many numbered columns as rows)."""
    record = example_record(form)
    rows = max([len(record.get(f.id) or []) for f in form.fields if f.type == "table"] + [1])
    return csv_headers(form, rows), _flatten(record)


def example_csv(form: Form) -> str:
    """A CSV with the form's header and the example as its one row."""
    headers, flat = example_row(form)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerow([flat.get(h, "") for h in headers])
    return buffer.getvalue()


def _flatten(value: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}{key}."))
        return out
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value, start=1):
            out.update(_flatten(item, f"{prefix}{i}."))
        return out
    key = prefix[:-1]
    if isinstance(value, bool):
        return {key: "是" if value else "否"}
    if isinstance(value, dt.date):
        return {key: value.isoformat()}
    return {key: "" if value is None else str(value)}
