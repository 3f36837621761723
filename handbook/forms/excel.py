"""Batch data from Excel: read a sheet of records (header row as in the CSV); the template workbook is example.py's.

Cells reach the form as the text the cell shows, never as a number Python made up:
a 编号 typed 0017 in a cell formatted 0000 is 「0017」, 13800138000 is not 1.38e10
nor 13800138000.0. Where Excel has already lost what was typed (a number of more
than 15 digits, a text column holding a date Excel made of 2019-10), the cell is
refused with a Chinese message naming sheet, row and column, and how to fix it.
The cells come from workbook.py (openpyxl's read-only reader and a fast pass over the sheet).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..errors import Problem, display_path
from .data import column_kind, header_errors, unflatten
from .model import Form
from .workbook import Row

MAX_EXACT = 10**15  # Excel keeps 15 significant digits
_ZEROS = re.compile(r"0+")
_FIXED = re.compile(r"0+\.(0+)")
_TEXT_KINDS = ("text", "multiline", "person", "phone", "choice", "signature")
_SET_AS_TEXT = "请把该列设为「文本」格式后重新输入"


class CellProblem(ValueError):
    """A cell whose value cannot be taken as typed (message in Chinese)."""


def cell_value(value: Any, number_format: str | None, kind: str) -> Any:
    """One cell as the form wants it: text as shown, a date for date fields, True/False for check boxes."""
    if value is None:
        return None
    if isinstance(value, str):
        if value.startswith("#") and value.rstrip("!?/0").upper() in ("#N/A", "#VALUE", "#REF", "#DIV", "#NUM",
                                                                       "#NAME", "#NULL"):
            raise CellProblem(f"单元格是错误值「{value}」，请改为要填写的内容")
        return value
    if isinstance(value, bool):
        return value if kind == "checkbox" else ("TRUE" if value else "FALSE")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return _date_cell(value, kind)
    if isinstance(value, (int, float)):
        return _number_text(value, number_format or "General", kind)
    raise CellProblem(f"无法识别的单元格内容「{value}」")


def _date_cell(value: dt.datetime | dt.date | dt.time, kind: str) -> Any:
    if kind == "date" and not isinstance(value, dt.time):
        return value.date() if isinstance(value, dt.datetime) else value
    if kind == "time":
        moment = value if isinstance(value, dt.time) else value.time()
        if moment.second or moment.microsecond:
            raise CellProblem("时刻只能精确到分钟，如 9:00")
        return f"{moment.hour}:{moment.minute:02d}"
    raise CellProblem("单元格被 Excel 当成了日期或时刻，原样文字已无法确定（如 2019-10 会变成日期）；" + _SET_AS_TEXT)


def _number_text(value: int | float, number_format: str, kind: str) -> str:
    """The digits the cell shows (General, 0000, 0.00), or a refusal where they cannot be known exactly."""
    integral = float(value).is_integer()
    if integral and abs(value) >= MAX_EXACT:
        raise CellProblem("超过 15 位的数字 Excel 无法精确保存（身份证号、长编号会被改掉）；" + _SET_AS_TEXT)
    plain = str(int(value)) if integral else repr(float(value))
    if "e" in plain.lower():
        raise CellProblem(f"数字 {plain} 无法原样读出；" + _SET_AS_TEXT)
    fmt = number_format.strip()
    if kind == "number" or fmt in ("General", "@", "0"):
        if "%" in fmt:
            raise CellProblem(f"单元格是百分比格式，请直接写数字（如 0.5）或{_SET_AS_TEXT[1:]}")
        return plain
    if _ZEROS.fullmatch(fmt) and integral:  # 0000: leading zeros shown, not stored
        return plain.zfill(len(fmt)) if value >= 0 else plain
    fixed = _FIXED.fullmatch(fmt)
    if fixed:
        return f"{value:.{len(fixed.group(1))}f}"
    raise CellProblem(f"单元格的数字格式「{fmt}」下显示的文字无法确定；" + _SET_AS_TEXT)


@dataclass
class Sheet:
    """What one sheet holds: its name, each record with its row number, and the cells that cannot be read."""

    name: str = ""
    rows: list[tuple[int, dict]] = field(default_factory=list)
    column_of: dict[str, int] = field(default_factory=dict)  # header → column number
    problems: list[Problem] = field(default_factory=list)
    rejected: int = 0


def read_sheet(path: Path, form: Form, sheet: str | None = None) -> Sheet:
    """The records of one sheet (the first unless named)."""
    from xml.etree.ElementTree import ParseError

    from openpyxl.utils.exceptions import InvalidFileException

    from .workbook import open_workbook, sheet_rows

    shown = display_path(path)
    try:
        book = open_workbook(path)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or "不是有效的 .xlsx 文件"
        return Sheet(problems=[Problem(shown, 1, 1, f"无法读取 Excel 文件：{reason}",
                                       hint="用 Excel 或 WPS 另存为「Excel 工作簿（*.xlsx）」")])
    try:
        name, problem = _choose_sheet(list(book.sheets), sheet)
        if name is None:
            return Sheet(problems=[Problem(shown, 1, 1, problem)])
        try:
            return _records(shown, form, name, sheet_rows(book, name), book.number_format)
        except (ParseError, IndexError, ValueError) as error:  # broken XML, a string index past the table
            return Sheet(name, problems=[Problem(shown, 1, 1, f"无法读取 Excel 文件：工作表「{name}」的内容已损坏（{error}）",
                                                 hint="用 Excel 或 WPS 打开后重新保存")])
    finally:
        book.close()


def _records(shown: str, form: Form, name: str, rows: Iterator[Row], number_format) -> Sheet:
    from openpyxl.utils import column_index_from_string

    first = next(rows, None)
    headers = _headers(first[1]) if first and first[0] == 1 else []
    if not headers:
        return Sheet(name, problems=[Problem(shown, 1, 1, f"工作表「{name}」是空的：第 1 行应为表头")])
    bad = header_errors(form, [h for h in headers if h])
    if bad:
        return Sheet(name, problems=[Problem(shown, 1, 1, f"工作表「{name}」第 1 行（表头）：{message}",
                                             hint="表头应为字段标识，见 python3 build.py fill 表格 --example-xlsx")
                                     for message in bad])
    header_of = {_letters(i + 1): h for i, h in enumerate(headers) if h}
    kind_of = {h: column_kind(form, h) for h in header_of.values()}
    read = Sheet(name, column_of={h: i + 1 for i, h in enumerate(headers) if h})
    for number, values, styles in rows:
        record, problems, extra = {}, [], 0
        for letters, value in values.items():
            header = header_of.get(letters)
            if value.__class__ is str:
                if not value.strip():
                    continue  # an empty cell
                if header and value[0] != "#":
                    record[header] = value  # text as typed, the common case: nothing to convert
                    continue
            column = column_index_from_string(letters)
            if column > len(headers):
                extra += 1
                continue
            where = f"工作表「{name}」第 {number} 行 第 {letters} 列"
            if not header:
                problems.append(Problem(shown, number, column, f"{where}：该列没有表头"))
                continue
            try:
                shown_format = number_format(styles[letters]) if letters in styles else None
                record[header] = cell_value(value, shown_format, kind_of[header])
            except CellProblem as error:
                problems.append(Problem(shown, number, column, f"{where}（{header}）：{error}"))
        if extra:
            problems.append(Problem(shown, number, len(headers) + 1,
                                    f"工作表「{name}」第 {number} 行：表头之外还有 {extra} 个单元格有内容"))
        if problems:
            read.problems += problems
        elif record:
            read.rows.append((number, unflatten(record)))
    read.rejected = len({p.line for p in read.problems})
    return read


def _headers(values: dict[str, Any]) -> list[str]:
    """The header row's texts by column (empty where a column has none), without trailing empty ones."""
    from openpyxl.utils import column_index_from_string

    headers: list[str] = []
    for letters, value in values.items():
        headers += [""] * (column_index_from_string(letters) - 1 - len(headers))
        headers.append(str(value).strip())
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _letters(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _choose_sheet(names: list[str], sheet: str | None) -> tuple[str | None, str | None]:
    if sheet is None:
        return (names[0], None) if names else (None, "工作簿中没有工作表")
    if sheet in names:
        return sheet, None
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1], None
    return None, f"没有工作表「{sheet}」；可用：{'、'.join(names)}（也可写序号 1–{len(names)}）"
