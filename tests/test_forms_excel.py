"""Batch fill from Excel, and text that stays text through YAML, CSV and Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from forms_helpers import canonical_document, example_values, form, renderer, texts_by_tag

from handbook.forms.cli import main
from handbook.forms.data import check_record
from handbook.forms.example import example_csv, example_row
from handbook.forms.excel import CellProblem, cell_value
from handbook.forms.records import read_records


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def workbook_of(form_id: str, rows: list[dict], path, formats: dict[str, str] | None = None, title="名单"):
    """rows: header → cell value (Python values, as Excel would hold them)."""
    headers, _ = example_row(form(form_id))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    for header, number_format in (formats or {}).items():
        column = headers.index(header) + 1
        for r in range(2, len(rows) + 2):
            sheet.cell(row=r, column=column).number_format = number_format
    book.save(path)
    return headers


def test_the_example_workbook_fills_the_same_document_as_the_example(capsys, tmp_path):
    book = tmp_path / "名单.xlsx"
    code, out, err = run(capsys, "meeting-notice", "--example-xlsx", "-o", str(book))
    assert (code, err) == (0, "") and "已生成" in out
    target = tmp_path / "通知.docx"
    code, _, err = run(capsys, "meeting-notice", "--data", str(book), "-o", str(target))
    assert (code, err) == (0, "")
    expected = renderer("meeting-notice").render(example_values("meeting-notice"))
    assert canonical_document(target.read_bytes()) == canonical_document(expected)


def test_the_example_workbook_has_dropdowns_and_text_columns(capsys, tmp_path):
    book = tmp_path / "名单.xlsx"
    assert main(["meeting-notice", "--example-xlsx", "-o", str(book)]) == 0
    sheet = openpyxl.load_workbook(book).active
    headers = [c.value for c in sheet[1]]
    assert headers == example_row(form("meeting-notice"))[0]
    lists = {}
    for rule in sheet.data_validations.dataValidation:
        for cells in str(rule.sqref).split():
            lists[headers[openpyxl.utils.column_index_from_string(cells.split(":")[0].rstrip("0123456789")) - 1]] = \
                rule.formula1
    assert lists["attendees.1.role"] == '"出席,列席"'
    assert lists["receipt_needed"] == '"是,否"'
    phone = headers.index("phone") + 1
    assert sheet.cell(row=2, column=phone).value == "0471-1234567"
    assert sheet.cell(row=50, column=phone).number_format == "@"  # typed later, it stays text
    assert isinstance(sheet.cell(row=2, column=headers.index("meeting_date") + 1).value, dt.datetime)


# --- text stays text ------------------------------------------------------------------------

def slip_record_yaml(serial: str, purpose: str) -> str:
    return ("unit: 区委办公室秘书一室\n"
            "documents:\n"
            f"  - {{title: 关于做好保密工作的通知, doc_number: 区委发〔2019〕12号, classification: 秘密, serial: {serial},"
            " pages: 6, copies: 1}\n"
            "period: {start: 2019-10-21, end: 2019-10-25}\n"
            "borrower: 张明\n"
            f"purpose: {purpose}\n")


def slip_texts(docx: bytes) -> tuple[str, str]:
    texts = texts_by_tag(docx)
    return texts["documents.serial"][0], texts["purpose"][0]


def fill(capsys, tmp_path, data) -> tuple[int, str, bytes | None]:
    target = tmp_path / "slip.docx"
    code, _, err = run(capsys, "lending-slip", "--data", str(data), "-o", str(target))
    return code, err, target.read_bytes() if target.exists() else None


def test_leading_zeros_and_yes_stay_text_in_yaml(capsys, tmp_path):
    data = tmp_path / "quoted.yaml"
    data.write_text(slip_record_yaml('"0017"', '"yes"'), encoding="utf-8")
    code, err, docx = fill(capsys, tmp_path, data)
    assert (code, err) == (0, "")
    assert slip_texts(docx) == ("0017", "yes")


def test_unquoted_leading_zeros_and_yes_are_kept_or_refused_in_yaml(capsys, tmp_path):
    """YAML 1.1 reads 0017 as 15 (octal) and yes as true: the form gets the typed text, or a message to quote it."""
    data = tmp_path / "plain.yaml"
    data.write_text(slip_record_yaml("0017", "yes"), encoding="utf-8")
    code, err, docx = fill(capsys, tmp_path, data)
    if code == 0:
        assert slip_texts(docx) == ("0017", "yes")
    else:
        assert docx is None and "引号" in err, err


def test_leading_zeros_and_yes_stay_text_in_csv(capsys, tmp_path):
    headers, row = example_row(form("lending-slip"))
    row = row | {"documents.1.serial": "0017", "purpose": "yes"}
    data = tmp_path / "slip.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerow([row.get(h, "") for h in headers])
    code, err, docx = fill(capsys, tmp_path, data)
    assert (code, err) == (0, "")
    assert slip_texts(docx) == ("0017", "yes")


def excel_row(**cells) -> dict:
    _, row = example_row(form("lending-slip"))
    values = {k: v for k, v in row.items()}
    values["period.start"] = dt.datetime(2019, 10, 21)  # dates as Excel holds them
    values["period.end"] = dt.datetime(2019, 10, 25)
    values["documents.1.pages"] = 6  # numbers too
    return values | cells


@pytest.mark.parametrize("serial, number_format", [("0017", "@"), (17, "0000")])
def test_leading_zeros_and_yes_stay_text_in_excel(capsys, tmp_path, serial, number_format):
    data = tmp_path / "slip.xlsx"
    workbook_of("lending-slip", [excel_row(**{"documents.1.serial": serial, "purpose": "yes"})], data,
                {"documents.1.serial": number_format})
    code, err, docx = fill(capsys, tmp_path, data)
    assert (code, err) == (0, "")
    assert slip_texts(docx) == ("0017", "yes")


def test_excel_numbers_are_the_digits_the_cell_shows():
    assert cell_value(13800138000, "General", "phone") == "13800138000"  # not 13800138000.0 nor 1.38e10
    assert cell_value(13800138000.0, "General", "phone") == "13800138000"
    assert cell_value(1.0, "General", "text") == "1"
    assert cell_value(8, "0000", "text") == "0008"
    assert cell_value(2.5, "0.00", "text") == "2.50"
    assert cell_value(0.5, "General", "number") == "0.5"
    assert cell_value(True, None, "checkbox") is True
    assert cell_value(dt.datetime(2019, 10, 21), "yyyy-mm-dd", "date") == dt.date(2019, 10, 21)
    assert cell_value(dt.time(9, 0), "h:mm", "time") == "9:00"
    for value, number_format, kind in ((110101199001011234, "General", "text"),  # an ID number: digits lost
                                       (dt.datetime(2019, 10, 1), "yyyy-mm", "text"),  # 2019-10 made a date
                                       (1234.5, "#,##0.0", "text"), (0.5, "0%", "number")):
        with pytest.raises(CellProblem, match="文本|百分比"):
            cell_value(value, number_format, kind)


def test_excel_cells_that_lost_what_was_typed_are_refused_by_sheet_row_and_column(capsys, tmp_path):
    data = tmp_path / "slip.xlsx"
    headers = workbook_of("lending-slip", [excel_row(), excel_row(**{"documents.1.serial": 110101199001011234})],
                          data)
    column = openpyxl.utils.get_column_letter(headers.index("documents.1.serial") + 1)
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "lending-slip", "--data", str(data), "--out-dir", str(out_dir))
    assert code == 1
    assert f"slip.xlsx:3:{headers.index('documents.1.serial') + 1}:" in err
    assert f"工作表「名单」第 3 行 第 {column} 列（documents.1.serial）：超过 15 位的数字" in err
    assert "设为「文本」格式" in err
    assert "生成 1 份，1 条有误未生成" in out


def test_excel_value_errors_name_sheet_row_and_column(capsys, tmp_path):
    data = tmp_path / "slip.xlsx"
    headers = workbook_of("lending-slip", [excel_row(), excel_row(**{"documents.1.classification": "内部"})], data)
    column = openpyxl.utils.get_column_letter(headers.index("documents.1.classification") + 1)
    code, _, err = run(capsys, "lending-slip", "--data", str(data), "--out-dir", str(tmp_path / "out"))
    assert code == 1
    assert f"工作表「名单」第 3 行 第 {column} 列 字段 documents.1.classification（借阅文件 第1行 密级）：「内部」不在可选项中" in err


def test_sheet_is_chosen_by_name_or_number(capsys, tmp_path):
    data = tmp_path / "two.xlsx"
    workbook_of("lending-slip", [excel_row()], data)
    book = openpyxl.load_workbook(data)
    book.create_sheet("说明", 0)
    book.save(data)
    code, err, _ = fill(capsys, tmp_path, data)
    assert code == 1 and "工作表「说明」是空的" in err
    for sheet in ("名单", "2"):
        target = tmp_path / f"{sheet}.docx"
        code, _, err = run(capsys, "lending-slip", "--data", str(data), "--sheet", sheet, "-o", str(target))
        assert (code, err) == (0, "")
    code, _, err = run(capsys, "lending-slip", "--data", str(data), "--sheet", "名册", "-o", str(tmp_path / "x.docx"))
    assert code == 1 and "没有工作表「名册」；可用：说明、名单" in err


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(capsys, tmp_path):
    data = tmp_path / "fake.xlsx"
    data.write_text("not a workbook", encoding="utf-8")
    code, err, _ = fill(capsys, tmp_path, data)
    assert code == 1 and "无法读取 Excel 文件" in err and "另存为" in err


def notices(count: int) -> list[dict[str, str]]:
    example = next(csv.DictReader(io.StringIO(example_csv(form("meeting-notice")))))
    return [example | {"meeting_name": f"全区第{n}次保密工作会议", "phone": f"0471-{1000000 + n}"}
            for n in range(1, count + 1)]


def test_a_thousand_excel_rows_read_as_the_same_records_as_csv(tmp_path):
    """The timing (Excel at least as fast per record as CSV) is in benchmarks/bench_forms_excel.py."""
    rows = notices(1000)
    csv_path, xlsx_path = tmp_path / "1000.csv", tmp_path / "1000.xlsx"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    workbook_of("meeting-notice", [{k: v or None for k, v in r.items()} for r in rows], xlsx_path)
    notice = form("meeting-notice")
    from_csv, from_excel = read_records(csv_path, notice), read_records(xlsx_path, notice)
    assert from_csv.problems == from_excel.problems == []
    assert len(from_excel.entries) == 1000
    for a, b in zip(from_csv.entries, from_excel.entries):
        assert check_record(notice, a.data) == check_record(notice, b.data)
    assert check_record(notice, from_excel.entries[-1].data)[0]["phone"] == "0471-1001000"
