"""Form definitions: what the YAML says, how bad definitions are reported, and validation of filled-in data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from forms_helpers import FORM_IDS, ROOT, form, forms

from handbook.forms.data import DateRange, check_record, example_record, header_errors, unflatten
from handbook.forms.definitions import load_form, load_forms, reference_problems

# The lending slip's columns, in the seed's order (节约时间 corrected to 借阅时间).
SEED_LENDING_LABELS = ["借阅单位", "文件名称", "文号", "密级", "编号", "页数", "数量", "借阅时间（起止时间）",
                       "归还时间", "借阅人", "归还人", "借阅用途", "借阅单位负责人签字"]


def labels(form_id: str) -> list[str]:
    out = []
    for field in form(form_id).fields:
        if field.columns:
            out += [c.label for c in field.columns]
        else:
            out.append(field.label)
    return out


def test_the_three_forms_load_without_problems():
    assert sorted(forms()) == sorted(FORM_IDS)


def test_lending_slip_has_the_seed_fields_in_order():
    assert labels("lending-slip") == SEED_LENDING_LABELS
    correction = form("lending-slip").corrections[0]
    assert (correction.original, correction.corrected) == ("节约时间", "借阅时间")


def test_choice_lists_are_the_ones_the_issue_names():
    classification = next(c for c in form("lending-slip").field("documents").columns if c.id == "classification")
    assert classification.options == ["绝密", "机密", "秘密"]
    assert form("leave-approval").field("leave_type").options == ["事假", "病假", "年休假", "婚假", "产假", "丧假",
                                                                   "探亲假", "其他"]
    role = next(c for c in form("meeting-notice").field("attendees").columns if c.id == "role")
    assert role.options == ["出席", "列席"]


def test_leave_form_has_the_approval_chain_and_return_section():
    leave = form("leave-approval")
    chain = [f.label for f in leave.fields if f.type == "signature" and f.opinion]
    assert chain == ["科室负责人意见", "分管领导意见", "主要领导意见"]
    sections = [s.title for s in leave.sections]
    assert "销假" in sections
    assert leave.field("period").count_days


def test_rule_references_resolve_against_the_handbook():
    from handbook.sources import load_handbook

    handbook, _ = load_handbook(ROOT)
    loaded, _ = load_forms(ROOT)
    assert reference_problems(loaded, handbook.index) == []
    targets = {ref for f in forms().values() for ref in f.required_by + [f.document or ""]}
    assert any("document-management#lending" in t for t in targets)
    assert "[[leave-rules]]" in targets and "[[teleconference-flow]]" in targets


def write_form(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "forms" / "demo.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


DEMO = """\
id: demo
title: 测试表
purpose: 测试。
required_by: ["[[leave-rules]]"]
sections:
  - fields:
      - id: name
        label: 姓名
        type: person
        help: 姓名。
"""


@pytest.mark.parametrize("change, line, words", [
    (("        help: 姓名。\n", "        help: 姓名。\n        colour: red\n"), 11, "未知字段「colour」"),
    (("        type: person\n", "        type: person\n        options: [甲, 乙]\n"), 7, "「options」只适用于 choice"),
    (("        type: person\n", "        type: choice\n"), 7, "choice 类型必须列出 options"),
    (("required_by: [\"[[leave-rules]]\"]", "required_by: [leave-rules]"), 4, "不是引用"),
    (("      - id: name", "      - id: items"), 7, "模板保留字"),
    (("        type: person\n", "        type: date\n        not_before: start\n"), 10, "not_before「start」"),
    (("        type: person\n", "        type: person\n        required_if: name\n"), 10, "required_if「name」"),
    (("        help: 姓名。\n", "        help: 姓名。\n      - {id: name, label: 乙, type: text, help: 乙}\n"), 11,
     "字段标识「name」重复"),
    (("        type: person\n", "        type: number\n        max: 1e999\n"), 10, "应为有限的数值"),
])
def test_bad_definitions_are_reported_at_their_line(tmp_path, change, line, words):
    path = write_form(tmp_path, DEMO.replace(*change))
    loaded, problems = load_form(path, tmp_path)
    assert loaded is None
    assert any(words in p.message and p.line == line for p in problems), problems


def test_an_invalid_example_is_reported_at_the_example(tmp_path):
    text = DEMO.replace("        help: 姓名。\n", "        help: 姓名。\n        max_length: 2\n        example: 欧阳修文\n")
    loaded, problems = load_form(write_form(tmp_path, text), tmp_path)
    assert [(p.line, "超过 2 字" in p.message) for p in problems] == [(12, True)]
    assert loaded is not None


def test_a_broken_rule_reference_is_reported(tmp_path):
    from handbook.sources import load_handbook

    handbook, _ = load_handbook(ROOT)
    loaded, problems = load_form(write_form(tmp_path, DEMO.replace("leave-rules", "no-such-rules")), tmp_path)
    found = reference_problems([loaded], handbook.index)
    assert len(found) == 1 and "no-such-rules" in found[0].message and found[0].line == 4


def errors_of(form_id: str, changes: dict) -> dict[str, str]:
    record = example_record(form(form_id)) | changes
    _, errors = check_record(form(form_id), record)
    return {e.column(): e.message for e in errors}


def test_every_example_is_valid():
    for form_id in FORM_IDS:
        assert errors_of(form_id, {}) == {}


@pytest.mark.parametrize("form_id, changes, column, words", [
    ("meeting-notice", {"meeting_name": ""}, "meeting_name", "必填"),
    ("meeting-notice", {"meeting_date": "2019-13-01"}, "meeting_date", "不是有效日期"),
    ("meeting-notice", {"start_time": 540}, "start_time", "加引号"),
    ("meeting-notice", {"start_time": "25:00"}, "start_time", "不是有效时刻"),
    ("meeting-notice", {"phone": "电话号码"}, "phone", "不是有效的电话号码"),
    ("meeting-notice", {"receipt_due": None}, "receipt_due", "勾选「需要回执」时必填"),
    ("meeting-notice", {"attendees": [{"role": "旁听", "unit": "区直各部门"}]}, "attendees.1.role", "不在可选项中"),
    ("meeting-notice", {"attendees": [{"unit": "区直各部门"}]}, "attendees.1.role", "必填"),
    ("meeting-notice", {"attendees": []}, "attendees", "必填"),
    ("meeting-notice", {"colour": "red"}, "colour", "未知字段"),
    ("meeting-notice", {"place": "会议室\x07"}, "place", "控制字符"),
    ("meeting-notice", {"place": "会" * 10_001}, "place", "超过 10000 字"),
    ("leave-approval", {"leave_type": "旅游假"}, "leave_type", "不在可选项中"),
    ("leave-approval", {"period": {"start": "2019-11-08", "end": "2019-11-04"}}, "period.end", "早于起日"),
    ("leave-approval", {"period": {"start": "2019-11-04", "end": "2019-11-08", "days": 6}}, "period.days", "超过"),
    ("leave-approval", {"period": {"start": "2019-11-04", "end": "2019-11-08", "days": 1.3}}, "period.days", "0.5"),
    ("leave-approval", {"period": {"start": "2019-11-04"}}, "period.end", "必填"),
    ("leave-approval", {"returned_on": "2019-11-01"}, "returned_on", "早于「请假时间起日」"),
    ("leave-approval", {"actual_days": "3.25"}, "actual_days", "最多 1 位小数"),
    ("leave-approval", {"period": {"start": "2019-11-04", "end": "2019-11-08", "days": "1e999999999"}}, "period.days",
     "数值过大"),
    ("leave-approval", {"leaves_district": "也许"}, "leaves_district", "应为 是 或 否"),
    ("lending-slip", {"documents": [{"title": "文件", "classification": "机密", "copies": 0}]}, "documents.1.copies",
     "不能小于 1"),
    ("lending-slip", {"returned_on": "2019-10-20"}, "returned_on", "早于「借阅时间（起止时间）起日」"),
])
def test_bad_values_get_a_chinese_message_naming_the_field(form_id, changes, column, words):
    errors = errors_of(form_id, changes)
    assert column in errors, errors
    assert words in errors[column]


def test_values_are_typed_and_days_are_counted():
    leave = form("leave-approval")
    record = example_record(leave) | {"period": "2019-11-04至2019-11-06", "actual_days": "2.5"}
    values, errors = check_record(leave, record)
    assert errors == []
    assert values["period"] == DateRange(dt.date(2019, 11, 4), dt.date(2019, 11, 6), Decimal(3))
    assert values["actual_days"] == Decimal("2.5")
    values, _ = check_record(form("meeting-notice"), example_record(form("meeting-notice")) |
                             {"meeting_date": "2019年11月5日", "start_time": "09：00"})
    assert values["meeting_date"] == dt.date(2019, 11, 5) and values["start_time"] == "9:00"


def test_a_described_error_names_row_column_and_label():
    _, errors = check_record(form("lending-slip"), example_record(form("lending-slip")) |
                             {"documents": [{"title": "甲", "classification": "机密", "copies": 1},
                                            {"title": "乙", "classification": "内部", "copies": 1}]})
    assert [e.describe(form("lending-slip")) for e in errors] == [
        "字段 documents.2.classification（借阅文件 第2行 密级）：「内部」不在可选项中，可选：绝密、机密、秘密"]


def test_csv_headers_are_checked_and_rows_unflattened():
    notice = form("meeting-notice")
    assert header_errors(notice, ["meeting_name", "attendees.1.role", "period.start", "attendees.0.unit",
                                  "meeting_name"]) == [
        "未知的列「period.start」", "未知的列「attendees.0.unit」", "列「meeting_name」重复"]
    record = unflatten({"attendees.1.role": "出席", "attendees.3.unit": "甲", "leave.start": "x"})
    assert record == {"attendees": {"1": {"role": "出席"}, "3": {"unit": "甲"}}, "leave": {"start": "x"}}
    _, errors = check_record(notice, example_record(notice) | {"attendees": record["attendees"]})
    # row 1 lacks its unit, row 3 its role: the numbers are the CSV's, not positions
    assert {e.column() for e in errors} == {"attendees.1.unit", "attendees.3.role"}


def test_each_form_names_its_compendium_entry():
    from handbook.forms.definitions import document_id

    assert {i: document_id(form(i)) for i in FORM_IDS} == {
        "lending-slip": "secret-document-lending-slip", "leave-approval": "leave-approval-form", "meeting-notice": None}
