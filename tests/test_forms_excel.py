"""Batch fill from Excel, and text that stays text through YAML, CSV and Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

import openpyxl
import pytest
from forms_helpers import canonical_document, example_values, form, renderer, texts_by_tag

from handbook.forms.cli import main
from handbook.forms.data import check_record
from handbook.forms.example import example_csv, example_row
from handbook.forms.excel import CellProblem, cell_value
from handbook.forms.records import read_records
from handbook.forms.workbook import Unscannable, open_workbook, parsed_rows, scan_rows


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


# --- the fast pass over the sheet XML and openpyxl's parser -------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
STYLE = {"General": 0, "0000": 1, "yyyy-mm-dd": 2, "@": 3, "h:mm": 4}  # cellXfs index of each format


@dataclass(frozen=True)
class Styled:
    value: object
    number_format: str


@dataclass(frozen=True)
class Formula:
    formula: str
    cached: object


@dataclass(frozen=True)
class Error:
    text: str  # #N/A, #VALUE!


@dataclass(frozen=True)
class Item:
    index: int  # an item of shared_items (formatted runs and such)


def cell_xml(ref: str, entry, shared) -> str:
    value, number_format = (entry.value, entry.number_format) if isinstance(entry, Styled) else (entry, "General")
    style = f' s="{STYLE[number_format]}"' if STYLE[number_format] else ""
    if value is None:
        return f'<c r="{ref}"{style}/>'
    if isinstance(value, Formula):
        kind = ' t="str"' if isinstance(value.cached, str) else ""
        return f'<c r="{ref}"{style}{kind}><f>{escape(value.formula)}</f><v>{escape(str(value.cached))}</v></c>'
    if isinstance(value, Error):
        return f'<c r="{ref}"{style} t="e"><v>{value.text}</v></c>'
    if isinstance(value, Item):
        return f'<c r="{ref}"{style} t="s"><v>{value.index}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    return f'<c r="{ref}"{style} t="s"><v>{shared(value)}</v></c>'


def saved_as_excel_does(path, rows: list[list], shared_items: tuple[str, ...] = ()) -> None:
    """A workbook as Excel and WPS write one (openpyxl writes inline strings, non-ASCII as &#NNNN;):
    texts in a shared-strings table in UTF-8, a <dimension>, attributes r s t in that order, formulas
    with their cached value. rows[n][c]: str (a shared text), int, float, bool, Styled, Formula, Error,
    Item (one of shared_items, raw <si> content) or None (no cell)."""
    items = list(shared_items)
    index: dict[str, int] = {}

    def shared(text: str) -> int:
        if text not in index:
            index[text] = len(items)
            items.append(f'<t xml:space="preserve">{escape(text)}</t>')
        return index[text]

    sheet_rows_xml = "".join(
        f'<row r="{n}" spans="1:{len(row)}">'
        + "".join(cell_xml(f"{openpyxl.utils.get_column_letter(c)}{n}", entry, shared)
                  for c, entry in enumerate(row, start=1) if entry is not None)
        + "</row>" for n, row in enumerate(rows, start=1) if row)
    width = max(len(row) for row in rows)
    dimension = f"A1:{openpyxl.utils.get_column_letter(width)}{len(rows)}"
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}"><dimension ref="{dimension}"/><sheetViews>'
             '<sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
             f'<sheetData>{sheet_rows_xml}</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75"'
             ' header="0.3" footer="0.3"/></worksheet>')
    strings = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" count="{len(items)}"'
               f' uniqueCount="{len(items)}">' + "".join(f"<si>{item}</si>" for item in items) + "</sst>")
    styles = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">'
              '<numFmts count="2"><numFmt numFmtId="164" formatCode="0000"/><numFmt numFmtId="165"'
              ' formatCode="yyyy\\-mm\\-dd"/></numFmts><fonts count="1"><font><sz val="11"/><name val="等线"/></font>'
              '</fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1">'
              '<border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf'
              ' numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5">'
              '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
              '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
              '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
              '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
              '<xf numFmtId="20" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
              '</cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
              '</styleSheet>')
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            f'workbook.xml" ContentType="{OFFICE}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml"'
            f' ContentType="{OFFICE}.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="{OFFICE}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{OFFICE}.sharedStrings+xml"/></Types>'),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            '<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELS}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        "xl/styles.xml": styles,
        "xl/sharedStrings.xml": strings,
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))


def slip_sheet(*records: dict) -> list[list]:
    headers, _ = example_row(form("lending-slip"))
    return [headers] + [[record.get(h) for h in headers] for record in records]


def slip_cells(**cells) -> dict:
    """One lending slip as Excel holds it after typing: numbers, dates, formats, a formula."""
    _, row = example_row(form("lending-slip"))
    return row | {"documents.1.serial": Styled(8, "0000"), "documents.1.pages": 6,
                  "documents.1.copies": Formula("2-1", 1), "documents.2.serial": Styled("0003", "@"),
                  "period.start": Styled(43759, "yyyy-mm-dd"), "period.end": Styled(43763.0, "yyyy-mm-dd"),
                  "returned_on": None} | cells


def fast_and_parsed(path) -> tuple[list, list]:
    book = open_workbook(path)
    try:
        name = next(iter(book.sheets))
        return scan_rows(book.archive.read(book.sheets[name]), book), list(parsed_rows(book, name))
    finally:
        book.close()


def test_the_fast_pass_reads_what_excel_saves_as_openpyxls_parser_does(tmp_path):
    path = tmp_path / "excel.xlsx"
    rich = '<r><rPr><b/></rPr><t>区委</t></r><r><t xml:space="preserve">办公室 </t></r><rPh sb="0" eb="2"><t>qu wei</t></rPh>'
    saved_as_excel_does(path, slip_sheet(
        slip_cells(purpose="yes", borrower=Item(0)),
        slip_cells(purpose='A&B <"引号"> 与\n换行', returner=Formula('"张"&"明"', "张明"), unit=Error("#N/A")),
        {},  # an empty row between records
        slip_cells(**{"documents.1.pages": 6.5, "documents.2.pages": True, "documents.1.serial": Styled(17, "0000"),
                      "approver.date": Styled(0.375, "h:mm"), "documents.2.copies": 1e-07}),
    ), shared_items=(rich,))
    fast, parsed = fast_and_parsed(path)  # Unscannable here means the fast pass did not apply: a failure
    assert fast == parsed
    numbers = {n: values for n, values, _ in fast}
    assert sorted(numbers) == [1, 2, 3, 5]
    headers = slip_sheet()[0]
    column = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(headers)}
    assert numbers[2][column["borrower"]] == "区委办公室 "  # the runs, not the phonetic guide
    assert numbers[3][column["purpose"]] == 'A&B <"引号"> 与\n换行'
    assert numbers[3][column["returner"]] == "张明" and numbers[3][column["unit"]] == "#N/A"
    assert numbers[2][column["period.start"]] == dt.datetime(2019, 10, 21)
    assert numbers[5][column["approver.date"]] == dt.time(9, 0)
    assert numbers[5][column["documents.2.pages"]] is True
    styles = {n: formats for n, _, formats in fast}
    book = open_workbook(path)
    assert book.number_format(styles[5][column["documents.1.serial"]]) == "0000"
    book.close()


def test_a_workbook_saved_as_excel_does_fills_the_typed_text(capsys, tmp_path):
    path = tmp_path / "excel.xlsx"
    saved_as_excel_does(path, slip_sheet(slip_cells(purpose="yes")))
    code, err, docx = fill(capsys, tmp_path, path)
    assert (code, err) == (0, "")
    assert slip_texts(docx) == ("0008", "yes")
    texts = texts_by_tag(docx)
    assert texts["documents.serial"][1] == "0003" and texts["period.start"] == ["2019年10月21日"], texts


def test_the_fast_pass_reads_what_openpyxl_writes_as_openpyxls_parser_does(tmp_path):
    path = tmp_path / "openpyxl.xlsx"
    workbook_of("lending-slip", [excel_row(**{"documents.1.serial": 17, "purpose": 'yes & <no> "全角"'}),
                                 excel_row(**{"borrower": "  张明  ", "documents.1.pages": 2.5})], path,
                {"documents.1.serial": "0000"})
    fast, parsed = fast_and_parsed(path)
    assert fast == parsed and len(fast) == 3


def test_a_sheet_the_fast_pass_does_not_know_is_read_by_openpyxl(tmp_path):
    """An inline string with formatting runs: the pass gives up on the sheet, openpyxl's parser reads it."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    path = tmp_path / "rich.xlsx"
    workbook_of("lending-slip", [excel_row(purpose=CellRichText(["起草", TextBlock(InlineFont(b=True), "讲话稿")]))],
                path)
    book = open_workbook(path)
    with pytest.raises(Unscannable):
        scan_rows(book.archive.read(book.sheets["名单"]), book)
    book.close()
    records = read_records(path, form("lending-slip"))
    assert records.problems == [] and records.entries[0].data["purpose"] == "起草讲话稿"
