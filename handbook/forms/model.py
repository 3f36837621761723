"""The form model: what forms/<form-id>.yaml may say.

A form is a title, the rules that require it (references), and typed fields
grouped into sections. The same definition drives the DOCX template, the HTML
preview on the handbook page, validation of filled-in data and the example file.
Descriptions are written for editors, in Chinese.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, field_validator, model_validator

from ..model import ID_PATTERN, Correction, Strict, not_reserved
from ..ref_syntax import REF

FIELD_ID_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
# Field ids become Jinja variables and dict keys in the template; these would clash.
RESERVED_FIELD_IDS = frozenset(
    {"row", "loop", "items", "keys", "values", "get", "pop", "update", "copy", "clear", "setdefault",
     "fromkeys", "popitem", "true", "false", "none", "and", "or", "not", "in", "is", "if", "else",
     "for", "endfor", "endif", "with", "set", "block", "macro", "self", "super", "n", "form"}
)
MAX_VALUE_CHARS = 10_000
MAX_ROWS = 200

FieldType = Literal["text", "multiline", "date", "daterange", "choice", "number", "phone", "person", "time",
                    "checkbox", "signature", "table"]
ColumnType = Literal["text", "number", "choice", "date", "person", "phone"]

FIELD_TYPE_NAMES = {
    "text": "单行文字", "multiline": "多行文字", "date": "日期", "daterange": "起止日期", "choice": "选项",
    "number": "数字", "phone": "电话号码", "person": "姓名", "time": "时刻", "checkbox": "勾选框",
    "signature": "签字栏", "table": "多行表格",
}

# Attributes that only make sense for some field types; anything else is an editor's mistake.
_ONLY_FOR = {
    "options": {"choice"},
    "min": {"number"},
    "max": {"number"},
    "decimals": {"number"},
    "unit": {"number"},
    "lines": {"multiline", "signature"},
    "max_length": {"text", "multiline", "person", "signature"},
    "count_days": {"daterange"},
    "not_before": {"date", "daterange"},
    "opinion": {"signature"},
    "text": {"checkbox"},
    "columns": {"table"},
    "min_rows": {"table"},
    "max_rows": {"table"},
    "label_row": {"table"},
}

FieldId = Annotated[str, Field(pattern=FIELD_ID_PATTERN,
                               description="字段标识：小写字母开头，只含小写字母、数字和下划线；也是 CSV 表头和模板变量名，如 meeting_name")]
Reference = Annotated[str, Field(description="引用，写作 [[文件id]] 或 [[文件id#键]]，可加显示文字：[[文件id#键|文字]]")]


def _check_field_id(value: str) -> str:
    if value in RESERVED_FIELD_IDS:
        raise ValueError(f"「{value}」是模板保留字，不能用作字段标识")
    return value


def _check_references(value: str | list[str] | None) -> str | list[str] | None:
    for text in [value] if isinstance(value, str) else value or []:
        if not REF.fullmatch(text):
            raise ValueError(f"「{text}」不是引用：应写作 [[文件id]] 或 [[文件id#键]]")
    return value


class Limits(Strict):
    """Checks shared by fields and table columns."""

    required: bool = Field(False, description="是否必填")
    placeholder: str | None = Field(None, description="空白表在 Word/WPS 中显示的灰色提示文字（默认「请输入…」「请选择…」）；不会印在纸上")
    empty_text: str | None = Field(None, max_length=10, description="填写后的表中本栏留空时印出的文字，如「—」；默认留空不印")
    options: list[Annotated[str, Field(min_length=1)]] | None = Field(None, description="可选项（choice 类型必填），如 绝密、机密、秘密")
    min: float | None = Field(None, allow_inf_nan=False, description="最小值（number 类型）")
    max: float | None = Field(None, allow_inf_nan=False, description="最大值（number 类型）")
    decimals: int | None = Field(None, ge=0, le=4, description="允许的小数位数（number 类型，默认 0 即整数；请假天数可写 1 以允许 0.5 天）")
    max_length: int | None = Field(None, ge=1, le=MAX_VALUE_CHARS, description=f"最多字数（默认 {MAX_VALUE_CHARS}）")

    @field_validator("options")
    @classmethod
    def _distinct_options(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("可选项有重复")
        return value

    def _check_type_attributes(self, type_: str, allowed: dict[str, set[str]]) -> None:
        for name, types in allowed.items():
            if name in self.model_fields_set and getattr(self, name) is not None and type_ not in types:
                kinds = "、".join(sorted(types))
                raise ValueError(f"「{name}」只适用于 {kinds} 类型，本项类型是 {type_}")
        if type_ == "choice" and not self.options:
            raise ValueError("choice 类型必须列出 options（可选项）")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min 不能大于 max")


class FormColumn(Limits):
    """多行表格中的一列。"""

    id: FieldId
    label: str = Field(min_length=1, description="列标题，如「文件名称」")
    type: ColumnType = Field("text", description="列的类型：text / number / choice / date / person / phone")
    help: str = Field(min_length=1, description="填写说明")
    span: int = Field(1, ge=1, le=12, description="列宽的相对份数（默认 1）")

    _id = field_validator("id")(_check_field_id)

    @model_validator(mode="after")
    def _type_attributes(self) -> FormColumn:
        self._check_type_attributes(self.type, {k: v for k, v in _ONLY_FOR.items() if k in Limits.model_fields})
        return self


class FormField(Limits):
    """表格中的一个字段（一栏）。"""

    id: FieldId
    label: str = Field(min_length=1, description="栏目名称，原样印在表格上，如「借阅单位」")
    type: FieldType = Field(description="类型：text 单行文字 / multiline 多行文字 / date 日期 / daterange 起止日期 / "
                                        "choice 选项 / number 数字 / phone 电话 / person 姓名 / time 时刻 / "
                                        "checkbox 勾选框 / signature 签字栏（可带意见） / table 多行表格")
    help: str = Field(min_length=1, description="填写说明，显示在手册页的字段表中")
    width: Literal["full", "half"] = Field("full", description="占一整行（full）或半行（half，相邻两个半行字段并排）")
    lines: int | None = Field(None, ge=1, le=20, description="多行文字或意见栏的预留行数")
    unit: str | None = Field(None, description="数字后的单位，如「天」「页」")
    count_days: bool | None = Field(None, description="起止日期是否计算天数（「共 X 天」）")
    not_before: str | None = Field(None, description="不得早于另一日期字段，写字段标识，起止日期写 标识.start，如 period.start")
    required_if: FieldId | None = Field(None, description="当该勾选框字段被勾选时本字段必填，写勾选框的字段标识")
    opinion: bool | None = Field(None, description="签字栏是否带意见（审批意见栏）")
    text: str | None = Field(None, description="勾选框后的文字，如「是」「需要回执」")
    columns: list[FormColumn] | None = Field(None, description="多行表格的各列（table 类型必填）")
    min_rows: int | None = Field(None, ge=0, le=MAX_ROWS, description="空白表中预留的行数（table 类型，默认 3）")
    max_rows: int | None = Field(None, ge=1, le=MAX_ROWS, description=f"最多行数（table 类型，默认 {MAX_ROWS}）")
    label_row: bool | None = Field(None, description="多行表格上方是否单独占一行显示栏目名称（默认是）")
    example: Any = Field(None, description="示例值：用于示例数据文件（fill --example）和手册页；签字栏写 {opinion, signer, date}，"
                                            "起止日期写 {start, end}，多行表格写各行的列表")

    _id = field_validator("id")(_check_field_id)

    @model_validator(mode="after")
    def _type_attributes(self) -> FormField:
        self._check_type_attributes(self.type, _ONLY_FOR)
        if self.type == "table":
            if not self.columns:
                raise ValueError("table 类型必须列出 columns（各列）")
            ids = [c.id for c in self.columns]
            if len(set(ids)) != len(ids):
                raise ValueError("表格的列标识有重复")
            if self.min_rows is not None and self.max_rows is not None and self.min_rows > self.max_rows:
                raise ValueError("min_rows 不能大于 max_rows")
        if self.not_before is not None and not re.fullmatch(r"[a-z][a-z0-9_]*(\.start|\.end)?", self.not_before):
            raise ValueError("not_before 应写字段标识，起止日期写 标识.start 或 标识.end")
        return self

    @property
    def is_compound(self) -> bool:
        """Values that are mappings or lists rather than one piece of text."""
        return self.type in ("daterange", "signature", "table")

    @property
    def shown_width(self) -> str:
        return "full" if self.type in ("multiline", "signature", "table") else self.width


class FormSection(Strict):
    """表格的一部分：可带标题（如「审批意见」「销假」），或作为单独的一张小表（如回执）。"""

    title: str | None = Field(None, description="本部分标题，显示为表格中的一整行；第一部分通常不写")
    separate: bool = Field(False, description="是否另起一张表（如需剪下寄回的回执），标题印在表上方")
    note: str | None = Field(None, description="标题下的一行说明文字")
    fields: list[FormField] = Field(min_length=1)

    @model_validator(mode="after")
    def _separate_has_title(self) -> FormSection:
        if self.separate and not self.title:
            raise ValueError("单独成表（separate: true）的部分必须有 title")
        return self


class Form(Strict):
    """一张表格（forms/<表格id>.yaml）。"""

    id: str = Field(pattern=ID_PATTERN, description="表格标识：小写字母、数字、连字符，如 lending-slip；也是文件名和下载文件名")
    title: str = Field(min_length=1, description="表格标题，原样印在表格上方")
    short_title: str | None = Field(None, description="简称，用于导航，如「涉密文件借阅单」")
    purpose: str = Field(min_length=1, description="用途说明：什么时候、由谁填写，显示在手册页开头")
    document: Reference | None = Field(None, description="汇编中与本表对应的条目，如 [[secret-document-lending-slip]]")
    required_by: list[Reference] = Field(min_length=1, description="要求使用本表的制度条款，如 [[document-management#lending]]")
    note: str | None = Field(None, description="编者注（如原件缺失、按通行做法设计）")
    visibility: Literal["internal", "public"] = Field("internal", description="internal：内部资料；public：可公开")
    font_size: int = Field(12, ge=9, le=16, description="表格正文字号（磅，整数），默认 12 即小四号")
    file_name: str = Field("{n:04d}", description="批量填写时的文件名模式：{n} 为记录序号（{n:04d} 补零到 4 位），"
                                                  "{字段标识} 为该字段的值，如 {n:04d}-{meeting_name}")
    corrections: list[Correction] = Field(default_factory=list, description="勘误说明（原件文字的更正）")
    sections: list[FormSection] = Field(min_length=1, description="表格各部分，自上而下")

    _references = field_validator("document", "required_by")(_check_references)

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        return not_reserved(value, "表格标识")

    @property
    def fields(self) -> list[FormField]:
        return [f for s in self.sections for f in s.fields]

    def field(self, field_id: str) -> FormField:
        return next(f for f in self.fields if f.id == field_id)

    @property
    def display_title(self) -> str:
        return self.short_title or self.title


FORM = TypeAdapter(Form)


def all_models() -> list[type[BaseModel]]:
    return [Form, FormSection, FormField, FormColumn]
