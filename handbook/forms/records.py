"""Read filled-in data: one record or many, from YAML or CSV, remembering where each value is."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import Problem, display_path
from ..load import MAX_FILE_BYTES, os_reason, parse_yaml
from .data import FieldError, header_errors, unflatten
from .model import Form

MAX_DATA_BYTES = 64 * 1024 * 1024  # a CSV of tens of thousands of records


@dataclass
class Entry:
    """One record and how to point at it in its file."""

    number: int  # 1-based position among the records
    data: Any
    label: str  # 第 5 行 / 第 3 条记录 / 工作表「名单」第 5 行
    locate: Callable[[tuple], tuple[int, int]] = field(repr=False)  # value path → (line, column)
    column_name: Callable[[int], str] | None = field(default=None, repr=False)  # a sheet's column letters: 3 → C


@dataclass
class Records:
    entries: list[Entry]
    problems: list[Problem]  # rows that are not records, or (with no entries) a file that cannot be read
    rejected: int = 0  # rows left out because of such problems


def read_records(path: Path, form: Form, sheet: str | None = None) -> Records:
    """The records of a data file; sheet chooses an Excel workbook's sheet (default: the first)."""
    suffix = path.suffix.lower()
    if sheet is not None and suffix not in EXCEL_SUFFIXES:
        return Records([], [Problem(display_path(path), 1, 1, "--sheet 只用于 Excel 文件（.xlsx）")])
    if suffix == ".csv":
        return _read_csv(path, form)
    if suffix in (".yaml", ".yml"):
        return _read_yaml(path)
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, form, sheet)
    if suffix in (".xls", ".et"):
        return Records([], [Problem(display_path(path), 1, 1, "不支持旧版 Excel（.xls）或 WPS 表格（.et）文件",
                                    hint="用 Excel 或 WPS 另存为「Excel 工作簿（*.xlsx）」")])
    return Records([], [Problem(display_path(path), 1, 1, "数据文件应为 .yaml、.yml、.csv 或 .xlsx")])


EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def _read_excel(path: Path, form: Form, sheet: str | None) -> Records:
    from .excel import read_sheet

    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_DATA_BYTES:
            return Records([], [Problem(shown, 1, 1, f"Excel 文件过大（超过 {MAX_DATA_BYTES // 1024 // 1024} MB）")])
    except OSError as error:
        return Records([], [Problem(shown, 1, 1, f"无法读取文件：{error.strerror}")])
    from openpyxl.utils import get_column_letter

    read = read_sheet(path, form, sheet)
    entries = [Entry(n, data, f"工作表「{read.name}」第 {row} 行", lambda p, row=row: (row, _column(read.column_of, p)),
                     column_name=get_column_letter) for n, (row, data) in enumerate(read.rows, start=1)]
    return Records(entries, read.problems, read.rejected)


def problem_for(path: Path, entry: Entry, error: FieldError, form: Form, several: bool) -> Problem:
    line, column = entry.locate(error.path)
    if entry.column_name is not None:  # a sheet: always say where, as Excel names cells
        where = f"{entry.label} 第 {entry.column_name(column)} 列 "
    else:
        where = f"{entry.label} " if several else ""
    return Problem(display_path(path), line, column, where + error.describe(form))


def _read_yaml(path: Path) -> Records:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return Records([], [Problem(display_path(path), 1, 1,
                                        f"YAML 数据文件过大（超过 {MAX_FILE_BYTES // 1024} KB），大批数据请用 CSV")])
    except OSError as error:
        return Records([], [Problem(display_path(path), 1, 1, f"无法读取文件：{os_reason(error)}")])
    source, problems = parse_yaml(path, keep_text=True)
    if problems:
        return Records([], problems)
    data = source.data
    if isinstance(data, dict):
        return Records([Entry(1, data, "", lambda p: source.where(p))], [])
    if not isinstance(data, list) or not data:
        return Records([], [source.problem((), "数据文件应为一条记录（「字段: 值」）或记录的列表（每条以「- 」开头）")])
    entries = []
    for i, item in enumerate(data):
        line, _ = source.where((i,))
        entries.append(Entry(i + 1, item, f"第 {i + 1} 条记录（第 {line} 行）",
                             lambda p, i=i: source.where((i,) + tuple(p))))
    return Records(entries, [])


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")  # Excel on Chinese Windows saves CSV in GBK


def _read_csv(path: Path, form: Form) -> Records:
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_DATA_BYTES:
            return Records([], [Problem(shown, 1, 1, f"CSV 文件过大（超过 {MAX_DATA_BYTES // 1024 // 1024} MB）")])
        text = _decode(path.read_bytes())
    except OSError as error:
        return Records([], [Problem(shown, 1, 1, f"无法读取文件：{os_reason(error)}")])
    except UnicodeDecodeError:
        return Records([], [Problem(shown, 1, 1, "无法识别文件编码，请另存为 UTF-8 编码的 CSV")])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # an unclosed quote is an error, not a merged row
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        return Records([], [Problem(shown, 1, 1, "CSV 文件是空的")])
    except csv.Error as error:
        return Records([], [Problem(shown, 1, 1, f"CSV 格式错误：{csv_reason(error)}")])
    bad = header_errors(form, headers)
    if bad:
        return Records([], [Problem(shown, 1, 1, f"表头：{message}",
                                    hint="表头应为字段标识，见 python3 build.py fill 表格 --example-csv")
                            for message in bad])
    return _csv_entries(reader, headers, shown)


_CSV_REASONS = [
    ("unexpected end of data", "引号没有闭合：从这一行起的引号直到文件末尾都没有配对"),
    ("expected after", "引号之后应紧跟逗号或换行（单元格中的引号要写成两个：\"\"）"),
    ("field larger than field limit", "单元格内容过长（超过 131072 个字符）"),
    ("line contains NUL", "文件中有空字符（NUL），可能不是文本文件"),
    ("new-line character seen in unquoted field", "未加引号的单元格中有换行"),
]


def csv_reason(error: csv.Error) -> str:
    """The csv module's complaint in Chinese."""
    text = str(error)
    for english, chinese in _CSV_REASONS:
        if english in text:
            return chinese
    return "这一行无法按 CSV 解析（检查引号是否成对）"


def _csv_entries(reader, headers: list[str], shown: str) -> Records:
    entries: list[Entry] = []
    problems: list[Problem] = []
    column_of = {h: i + 1 for i, h in enumerate(headers)}
    start = reader.line_num + 1
    row = 1  # the header
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(Problem(shown, start, 1, f"文件第 {start} 行：CSV 格式错误：{csv_reason(error)}"))
            break
        line, start = start, reader.line_num + 1
        row += 1
        if not any(c.strip() for c in cells):
            continue
        # the row as a spreadsheet numbers it; a line break inside a cell makes the file's line differ
        label = f"第 {row} 行" + (f"（文件第 {line} 行）" if line != row else "")
        if len(cells) > len(headers):
            problems.append(Problem(shown, line, len(headers) + 1,
                                    f"{label}：比表头多出 {len(cells) - len(headers)} 列（文字中的逗号需加引号）"))
            continue
        data = unflatten({h: c for h, c in zip(headers, cells) if c.strip()})
        entries.append(Entry(len(entries) + 1, data, label, lambda p, line=line: (line, _column(column_of, p))))
    return Records(entries, problems, rejected=len(problems))


def _column(column_of: dict[str, int], path: tuple) -> int:
    """The CSV column of a value path (documents, 1, title → documents.2.title); 1 when unknown."""
    header = ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in path)
    while header:
        if header in column_of:
            return column_of[header]
        header = header.rpartition(".")[0]
    return 1
