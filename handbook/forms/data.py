"""Filled-in data for a form: validation with Chinese messages, and the example record.

A record maps field ids to values. Compound fields take mappings (起止日期:
{start, end, days}; 签字栏: {opinion, signer, date}) and tables take a list of row
mappings. In CSV the same shape is spelled with dotted headers: period.start,
approver.signer, documents.1.title (rows numbered from 1).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from ..text import shorten
from .model import MAX_ROWS, MAX_VALUE_CHARS, Form, FormColumn, FormField

SUB_LABELS = {"start": "起日", "end": "止日", "days": "天数", "signer": "签字", "date": "日期", "opinion": "意见"}
# The checks the browser's fill-in form runs too (handbook/forms/browser.py hands these to it as data):
# patterns written so that Python's re and JavaScript's RegExp (flag u) read them alike.
PATTERNS = {
    "bad_chars": r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]",
    "date": r"([0-9]{4})\s*(?:-|/|\.|年)\s*([0-9]{1,2})\s*(?:-|/|\.|月)\s*([0-9]{1,2})\s*日?",
    "time": r"([01]?[0-9]|2[0-3])\s*[:：]\s*([0-5][0-9])",
    "phone": r"\+?[0-9][0-9\- ()（）]{2,30}(?:\s*(?:转|分机|ext\.?)\s*[0-9]{1,6})?",
}
MESSAGES = {
    "required": "必填，不能为空",
    "range_required": "必填，不能为空（起止日期须同时填写起日和止日）",
    "must_check": "必须勾选",
    "not_option": "「{value}」不在可选项中，可选：{options}",
    "not_phone": "「{value}」不是有效的电话号码（只能含数字、空格、连字符和括号，如 0471-1234567）",
    "bad_char": "含有不能写入文档的控制字符（U+{code}）",
    "too_long": "超过 {limit} 字（现有 {count} 字）",
    "not_date": "「{value}」不是有效日期，应写成 2019-10-21 或 2019年10月21日",
    "not_number": "「{value}」不是数字",
    "too_big": "「{value}」数值过大",
    "not_integer": "应为整数",
    "decimals": "最多 {places} 位小数",
    "below_min": "不能小于 {min}",
    "above_max": "不能大于 {max}",
    "not_flag": "「{value}」应为 是 或 否（true / false）",
    "not_time": "「{value}」不是有效时刻，应写成 9:00 或 14:30",
    "end_before_start": "止日 {end} 早于起日 {start}",
    "half_days": "天数应为 0.5 的倍数",
    "days_over": "天数 {days} 超过起止日期的日历天数 {calendar}",
    "too_many_rows": "最多 {limit} 行（现有 {count} 行）",
    "no_rows": "至少填写一行",
    "required_if": "勾选「{trigger}」时必填",
    "not_before": "{date} 早于「{target}」{limit}",
    "where": "字段 {column}（{label}）：{message}",
    "row": "第{n}行",
}
TRUE_WORDS = ("true", "yes", "y", "1", "是", "√", "✓", "✔", "x", "☒", "☑", "勾选", "需要")
FALSE_WORDS = ("false", "no", "n", "0", "否", "☐", "不需要")
SHORT_CHARS = 40
_BAD_CHARS = re.compile(PATTERNS["bad_chars"])
_DATE = re.compile(PATTERNS["date"])
_TIME = re.compile(PATTERNS["time"])
_PHONE = re.compile(PATTERNS["phone"])
_RANGE_SPLIT = re.compile(r"\s*(?:至|到|~|～|—|--)\s*")
_TRUE = set(TRUE_WORDS)
_FALSE = set(FALSE_WORDS)


def message(key: str, **values: Any) -> str:
    return MESSAGES[key].format(**values)


@dataclass(frozen=True)
class DateRange:
    start: dt.date | None
    end: dt.date | None
    days: Decimal | None = None


@dataclass(frozen=True)
class Signature:
    signer: str | None = None
    date: dt.date | None = None
    opinion: str | None = None


@dataclass(frozen=True)
class FieldError:
    """A problem with one value: path is (field id, then sub-key or 0-based row, column); () for the whole record."""

    path: tuple
    message: str

    def column(self) -> str:
        """The value's name as a CSV header: documents.2.title (rows from 1)."""
        return ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in self.path)

    def label(self, form: Form) -> str:
        field = _field_or_none(form, str(self.path[0])) if self.path else None
        if field is None:
            return ""
        words = [field.label]
        for part in self.path[1:]:
            if isinstance(part, int):
                words.append(message("row", n=part + 1))
            elif field.columns and any(c.id == part for c in field.columns):
                words.append(next(c.label for c in field.columns if c.id == part))
            else:
                words.append(SUB_LABELS.get(str(part), str(part)))
        return " ".join(words)

    def describe(self, form: Form) -> str:
        if not self.path:
            return self.message
        label = self.label(form)
        if not label:
            return f"字段 {self.column()}：{self.message}"
        return message("where", column=self.column(), label=label, message=self.message)


class _Invalid(Exception):
    pass


def _field_or_none(form: Form, field_id: str) -> FormField | None:
    return next((f for f in form.fields if f.id == field_id), None)


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return all(is_empty(v) for v in (value.values() if isinstance(value, dict) else value))
    return False


def check_record(form: Form, raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """The record's values, typed (str, date, Decimal, bool, DateRange, Signature, list of rows), and its errors."""
    if not isinstance(raw, Mapping):
        return {}, [FieldError((), "每条记录应为「字段: 值」的映射")]
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    known = {f.id for f in form.fields}
    for name in raw:
        if str(name) not in known:
            errors.append(FieldError((str(name),), f"未知字段「{name}」；可用字段：{'、'.join(sorted(known))}"))
    for field in form.fields:
        value, found = _check_field(field, raw.get(field.id))
        values[field.id] = value
        errors += found
    errors += _cross_field(form, values)
    return values, errors


def _check_field(field: FormField, value: Any) -> tuple[Any, list[FieldError]]:
    checker = {"daterange": _check_range, "signature": _check_signature, "table": _check_table}.get(field.type)
    if checker:
        return checker(field, value)
    if is_empty(value):
        return (False if field.type == "checkbox" else None), _required(field, (field.id,))
    try:
        parsed = parse_scalar(field, value)
    except _Invalid as error:
        return None, [FieldError((field.id,), str(error))]
    if field.type == "checkbox" and field.required and not parsed:
        return parsed, [FieldError((field.id,), message("must_check"))]
    return parsed, []


def _required(spec: FormField | FormColumn, path: tuple) -> list[FieldError]:
    return [FieldError(path, message("required"))] if spec.required else []


def parse_scalar(spec: FormField | FormColumn, value: Any) -> Any:
    """One non-empty value of a simple type, normalised; raises _Invalid with a Chinese message."""
    kind = spec.type
    if kind == "date":
        return parse_date(value)
    if kind == "number":
        return _number(spec, value)
    if kind == "checkbox":
        return _flag(value)
    if kind == "time":
        return _time(value)
    text = _text(spec, value)
    if kind == "choice" and text not in (spec.options or []):
        raise _Invalid(message("not_option", value=_short(text), options="、".join(spec.options or [])))
    if kind == "phone" and not _PHONE.fullmatch(text):
        raise _Invalid(message("not_phone", value=_short(text)))
    return text


def _text(spec: FormField | FormColumn, value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, (list, dict)):
        raise _Invalid(f"应为文字，实际是「{_short(str(value))}」")
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    bad = _BAD_CHARS.search(text)
    if bad:
        raise _Invalid(message("bad_char", code=f"{ord(bad.group()):04X}"))
    limit = spec.max_length or MAX_VALUE_CHARS
    if len(text) > limit:
        raise _Invalid(message("too_long", limit=limit, count=len(text)))
    return text


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = _DATE.fullmatch(text) if not isinstance(value, (bool, int, float)) else None
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise _Invalid(message("not_date", value=_short(text)))


def _number(spec: FormField | FormColumn, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _Invalid(f"应为数字，实际是「{value}」")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _Invalid(message("not_number", value=_short(str(value)))) from None
    if not number.is_finite():
        raise _Invalid(message("not_number", value=_short(str(value))))
    if number.adjusted() > 12 or len(number.as_tuple().digits) > 24:
        raise _Invalid(message("too_big", value=_short(str(value))))
    places = spec.decimals or 0
    if -number.normalize().as_tuple().exponent > places:
        raise _Invalid(message("not_integer") if places == 0 else message("decimals", places=places))
    if spec.min is not None and number < Decimal(str(spec.min)):
        raise _Invalid(message("below_min", min=format_number(Decimal(str(spec.min)))))
    if spec.max is not None and number > Decimal(str(spec.max)):
        raise _Invalid(message("above_max", max=format_number(Decimal(str(spec.max)))))
    return number


def format_number(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Invalid(message("not_flag", value=_short(str(value))))


def _time(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        raise _Invalid("时刻请加引号，写成 \"9:00\"（不加引号时 YAML 会把 9:00 读成数字）")
    match = _TIME.fullmatch(str(value).strip())
    if not match:
        raise _Invalid(message("not_time", value=_short(str(value))))
    return f"{int(match.group(1))}:{match.group(2)}"


def _mapping(field: FormField, value: Any, keys: tuple[str, ...]) -> tuple[dict, list[FieldError]]:
    if is_empty(value):
        return {}, []
    if not isinstance(value, Mapping):
        return {}, [FieldError((field.id,), f"应为包含 {'、'.join(keys)} 的映射")]
    extra = [k for k in value if k not in keys]
    return dict(value), [FieldError((field.id, str(k)), f"未知的子项「{k}」，可用：{'、'.join(keys)}") for k in extra]


def _check_range(field: FormField, value: Any) -> tuple[DateRange | None, list[FieldError]]:
    if isinstance(value, str) and _RANGE_SPLIT.search(value):
        start, end = _RANGE_SPLIT.split(value.strip(), maxsplit=1)
        value = {"start": start, "end": end}
    keys = ("start", "end", "days") if field.count_days else ("start", "end")
    data, errors = _mapping(field, value, keys)
    if not data:
        return None, errors + _required(field, (field.id,))
    dates: dict[str, dt.date | None] = {}
    for key in ("start", "end"):
        dates[key] = _sub(errors, (field.id, key), data.get(key), parse_date, required=True)
    start, end = dates["start"], dates["end"]
    days = None
    if start and end:
        if end < start:
            errors.append(FieldError((field.id, "end"), message("end_before_start", end=cn_date(end), start=cn_date(start))))
        elif field.count_days:
            days = _days(errors, field, data.get("days"), Decimal((end - start).days + 1))
    return DateRange(start, end, days), errors


def _days(errors: list[FieldError], field: FormField, given: Any, calendar: Decimal) -> Decimal | None:
    if is_empty(given):
        return calendar
    spec = FormField(id="days", label="天数", type="number", help="-", decimals=1, min=0.5)
    days = _sub(errors, (field.id, "days"), given, lambda v: _number(spec, v))
    if days is None:
        return None
    if days * 2 != int(days * 2):
        errors.append(FieldError((field.id, "days"), message("half_days")))
    elif days > calendar:
        errors.append(FieldError((field.id, "days"), message("days_over", days=format_number(days), calendar=calendar)))
    return days


def _sub(errors: list[FieldError], path: tuple, value: Any, parse, required: bool = False) -> Any:
    if is_empty(value):
        if required:
            errors.append(FieldError(path, message("range_required")))
        return None
    try:
        return parse(value)
    except _Invalid as error:
        errors.append(FieldError(path, str(error)))
        return None


def _check_signature(field: FormField, value: Any) -> tuple[Signature | None, list[FieldError]]:
    keys = ("opinion", "signer", "date") if field.opinion else ("signer", "date")
    data, errors = _mapping(field, value, keys)
    if not data:
        return None, errors + _required(field, (field.id,))
    person = FormField(id="signer", label="签字", type="person", help="-", max_length=field.max_length)
    signer = _sub(errors, (field.id, "signer"), data.get("signer"), lambda v: _text(person, v), field.required)
    date = _sub(errors, (field.id, "date"), data.get("date"), parse_date, field.required)
    opinion = None
    if field.opinion:
        opinion = _sub(errors, (field.id, "opinion"), data.get("opinion"), lambda v: _text(person, v))
    return Signature(signer, date, opinion), errors


def _check_table(field: FormField, value: Any) -> tuple[list[dict[str, Any]], list[FieldError]]:
    limit = field.max_rows or MAX_ROWS
    if isinstance(value, Mapping):  # from CSV: {"1": {...}, "3": {...}}; keep the numbers for messages
        by_number = {_row_number(k): row for k, row in value.items()}
        if None in by_number or max(by_number, default=0) > limit:
            return [], [FieldError((field.id,), f"表格各行应写成 标识.行号.列标识，行号为 1–{limit}，如 {field.id}.1.…")]
        value = [by_number.get(n) for n in range(1, max(by_number, default=0) + 1)]
    if is_empty(value):
        return [], _required(field, (field.id,))
    if not isinstance(value, list):
        return [], [FieldError((field.id,), "应为各行的列表（每行以「- 」开头）")]
    if len(value) > limit:
        return [], [FieldError((field.id,), message("too_many_rows", limit=limit, count=len(value)))]
    rows: list[dict[str, Any]] = []
    errors: list[FieldError] = []
    columns = {c.id: c for c in field.columns or []}
    for i, raw_row in enumerate(value):
        if is_empty(raw_row):
            continue
        if not isinstance(raw_row, Mapping):
            errors.append(FieldError((field.id, i), "每行应为「列标识: 值」的映射"))
            continue
        for name in raw_row:
            if str(name) not in columns:
                errors.append(FieldError((field.id, i, str(name)), f"未知的列「{name}」，可用：{'、'.join(columns)}"))
        row = {}
        for column in columns.values():
            row[column.id] = _sub(errors, (field.id, i, column.id), raw_row.get(column.id),
                                  lambda v, c=column: parse_scalar(c, v))
            if row[column.id] is None and column.required and is_empty(raw_row.get(column.id)):
                errors.append(FieldError((field.id, i, column.id), message("required")))
        rows.append(row)
    if not rows and field.required:
        errors.append(FieldError((field.id,), message("no_rows")))
    return rows, errors


def _row_number(key: Any) -> int | None:
    text = str(key)
    return int(text) if text.isdigit() and int(text) >= 1 else None


def _cross_field(form: Form, values: dict[str, Any]) -> list[FieldError]:
    errors = []
    for field in form.fields:
        if field.required_if and values.get(field.required_if) and is_empty_value(values.get(field.id)):
            trigger = form.field(field.required_if)
            errors.append(FieldError((field.id,), message("required_if", trigger=trigger.text or trigger.label)))
        if field.not_before:
            errors += _not_before(form, field, values)
    return errors


def is_empty_value(value: Any) -> bool:
    if isinstance(value, DateRange):
        return value.start is None and value.end is None
    if isinstance(value, Signature):
        return value.signer is None and value.date is None and value.opinion is None
    return value is None or value == []


def _not_before(form: Form, field: FormField, values: dict[str, Any]) -> list[FieldError]:
    target_id, _, part = (field.not_before or "").partition(".")
    target = values.get(target_id)
    limit = getattr(target, part) if part and isinstance(target, DateRange) else target
    value = values.get(field.id)
    if isinstance(value, DateRange):
        path, date = (field.id, "start"), value.start
    else:
        path, date = (field.id,), value
    if isinstance(limit, dt.date) and isinstance(date, dt.date) and date < limit:
        target_label = form.field(target_id).label + (SUB_LABELS.get(part, "") if part else "")
        return [FieldError(path, message("not_before", date=cn_date(date), target=target_label, limit=cn_date(limit)))]
    return []


def cn_date(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def _short(text: str) -> str:
    return shorten(text, SHORT_CHARS)


def example_record(form: Form) -> dict[str, Any]:
    """The examples given in the definition, as one record."""
    return {f.id: f.example for f in form.fields if f.example is not None}


def unflatten(row: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row with dotted headers (period.start, documents.1.title) as a nested record.

    Headers are checked first with header_errors(), so no two of them collide here.
    """
    record: dict[str, Any] = {}
    for header, value in row.items():
        *parents, last = str(header).split(".")
        target = record
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
    return record


def header_errors(form: Form, headers: list[str]) -> list[str]:
    """Problems with a CSV header row: unknown columns, duplicates, a value given twice."""
    errors = []
    seen: set[str] = set()
    fields = {f.id: f for f in form.fields}
    for header in headers:
        if header in seen:
            errors.append(f"列「{header}」重复")
        seen.add(header)
        field = fields.get(header.split(".")[0])
        if field is None or not _valid_header(field, header.split(".")[1:]):
            errors.append(f"未知的列「{header}」")
        elif "." in header and field.id in headers:
            errors.append(f"列「{field.id}」与「{header}」重复给出同一个值")
    return errors


def _valid_header(field: FormField, rest: list[str]) -> bool:
    if field.type == "table":
        columns = {c.id for c in field.columns or []}
        number = _row_number(rest[0]) if rest else None
        return len(rest) == 2 and number is not None and number <= (field.max_rows or MAX_ROWS) and rest[1] in columns
    if field.type == "daterange":
        return not rest or (len(rest) == 1 and rest[0] in (("start", "end", "days") if field.count_days else ("start", "end")))
    if field.type == "signature":
        return len(rest) == 1 and rest[0] in (("opinion", "signer", "date") if field.opinion else ("signer", "date"))
    return not rest


def column_kind(form: Form, header: str) -> str:
    """The type of the value under a (valid) CSV or Excel header: text, number, date, time, checkbox, …"""
    parts = header.split(".")
    field = form.field(parts[0])
    if field.type == "table":
        return next(c.type for c in field.columns or [] if c.id == parts[-1])
    if field.type == "daterange":
        return {"start": "date", "end": "date", "days": "number"}.get(parts[-1], "text") if len(parts) > 1 else "text"
    if field.type == "signature":
        return "date" if parts[-1] == "date" else "text"
    return field.type


def csv_headers(form: Form, table_rows: int = 3) -> list[str]:
    """The CSV header of a form: one column per value, table rows numbered from 1."""
    headers = []
    for field in form.fields:
        if field.type == "daterange":
            headers += [f"{field.id}.start", f"{field.id}.end"] + ([f"{field.id}.days"] if field.count_days else [])
        elif field.type == "signature":
            headers += ([f"{field.id}.opinion"] if field.opinion else []) + [f"{field.id}.signer", f"{field.id}.date"]
        elif field.type == "table":
            headers += [f"{field.id}.{n}.{c.id}" for n in range(1, table_rows + 1) for c in field.columns or []]
        else:
            headers.append(field.id)
    return headers
