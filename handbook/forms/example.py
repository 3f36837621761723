"""Example data files for a form: YAML with every field explained, or a CSV with the right header."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import yaml

from .data import column_kind, csv_headers, example_record
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


TEMPLATE_ROWS = 1000  # rows of the template workbook that get the columns' formats and dropdowns


def example_workbook(form: Form, path: Path) -> None:
    """A workbook to fill: the CSV's header row, the example as row 2, text columns formatted as text
    (so Excel keeps 0017 and long numbers as typed), dropdowns for choices and check boxes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    headers, example = example_row(form)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = form.display_title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    last = TEMPLATE_ROWS + 1
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        kind = column_kind(form, header)
        options = _options(form, header)
        if options:
            rule = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                                  showErrorMessage=True, errorTitle="不在可选项中",
                                  error="请从下拉列表中选择：" + "、".join(options))
            rule.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(rule)
        value = example.get(header, "")
        cell = sheet.cell(row=2, column=index)
        if kind == "date" and value:
            cell.value = dt.date.fromisoformat(value)
            cell.number_format = "yyyy-mm-dd"
        elif kind == "number" and value:
            cell.value = int(value) if value.lstrip("-").isdigit() else float(value)
        else:
            cell.value = value or None
            cell.number_format = "@"
        if kind not in ("date", "number"):
            for row in range(3, last + 1):  # empty cells formatted as text: what is typed stays text
                sheet.cell(row=row, column=index).number_format = "@"
        sheet.column_dimensions[letter].width = max(10, min(40, 2 * len(str(value)) + 2, len(header) + 4))
    workbook.save(path)


def _options(form: Form, header: str) -> list[str]:
    parts = header.split(".")
    field = form.field(parts[0])
    if field.type == "checkbox":
        return ["是", "否"]
    if field.type == "table":
        column = next(c for c in field.columns or [] if c.id == parts[-1])
        return list(column.options or [])
    return list(field.options or [])

