"""The form pages' fill-in form, opened from file://: same checks, same messages, same document as `fill`.

The browser side (assets/forms/form-fill.js) runs in Chromium on the built page; the Python
side is check_record() and the Renderer. Both fill the same records, and the filled DOCX
are compared control by control and by their whole text.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from forms_helpers import FORM_IDS, NS, W, W14, form, renderer  # noqa: E402

from handbook.forms import layout  # noqa: E402
from handbook.forms.data import check_record, example_record  # noqa: E402

FILL_JS = """async ([id, record]) => {
  const spec = window.HANDBOOK_FORMS[id];
  const result = HandbookForms.check(spec, record);
  if (result.errors.length) return {errors: result.errors.map(e => [e.path, e.describe])};
  const blob = await HandbookForms.fillDocx(spec, result.values);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return {docx: btoa(binary)};
}"""


def as_typed(value):
    """A value as a person types it into the page: text, or true/false for a check box."""
    if isinstance(value, dict):
        return {k: as_typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_typed(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def records(form_id: str) -> list[dict]:
    example = as_typed(example_record(form(form_id)))
    f = form(form_id)
    only_required = {k: v for k, v in example.items() if f.field(k).required}
    for field in f.fields:
        if field.type == "table" and field.id in only_required:
            only_required[field.id] = only_required[field.id][:1]
    edited = dict(example)
    for field in f.fields:
        if field.type == "multiline":
            edited[field.id] = "第一行\n\t第二行 <&> “引号”\n"
        if field.type == "checkbox":
            edited[field.id] = False
            for other in f.fields:
                if other.required_if == field.id:
                    edited.pop(other.id, None)
    return [example, only_required, edited]


def state(docx: bytes) -> tuple[list, str]:
    """Each control (tag, text, ticked, picker date, placeholder shown) and the document's whole text."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))

    def text(node) -> str:
        out = []
        for n in node.iter(f"{{{W}}}t", f"{{{W}}}br", f"{{{W}}}tab"):
            out.append({"br": "\n", "tab": "\t"}.get(etree.QName(n).localname, n.text or ""))
        return "".join(out)

    controls = []
    for sdt in root.iter(f"{{{W}}}sdt"):
        props = sdt.find("w:sdtPr", NS)
        checked = props.find(".//w14:checked", NS)
        date = props.find("w:date", NS)
        tag = props.find("w:tag", NS)
        controls.append((None if tag is None else tag.get(f"{{{W}}}val"), text(sdt.find("w:sdtContent", NS)),
                         None if checked is None else checked.get(f"{{{W14}}}val"),
                         None if date is None else date.get(f"{{{W}}}fullDate"),
                         props.find("w:showingPlcHdr", NS) is not None,
                         props.find("w:id", NS).get(f"{{{W}}}val")))
    return controls, text(root.find("w:body", NS))


@pytest.fixture
def form_page(file_tab):
    def open_form(form_id: str):
        page = file_tab.open(f"form-{form_id}.html")
        page.wait_for_function(f"window.HandbookForms && window.HANDBOOK_FORMS && window.HANDBOOK_FORMS['{form_id}']")
        return page
    yield open_form
    file_tab.assert_stayed_local()


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_browser_fill_gives_the_document_python_fill_gives(form_page, form_id):
    page = form_page(form_id)
    for record in records(form_id):
        values, errors = check_record(form(form_id), record)
        assert errors == [], errors
        answer = page.evaluate(FILL_JS, [form_id, record])
        assert "docx" in answer, answer
        from_browser = base64.b64decode(answer["docx"])
        from_python = renderer(form_id).render(values)
        assert state(from_browser) == state(from_python)
        with zipfile.ZipFile(io.BytesIO(from_browser)) as archive:  # a complete package Word can open
            assert archive.testzip() is None
            assert set(archive.namelist()) == set(zipfile.ZipFile(io.BytesIO(from_python)).namelist())


BAD = {
    "meeting-notice": [
        {},
        {"meeting_name": "会", "organizer": "办", "meeting_date": "2019-02-30", "start_time": "25:00",
         "place": "会场", "attendees": [{"role": "旁听", "unit": ""}, {}, {"unit": "区直各部门"}],
         "agenda": "议程", "contact": "王丽", "phone": "电话", "issuer": "办", "issued_on": "2019年10月30日",
         "receipt_needed": True, "meeting_name_x": None},
        {"meeting_name": "会" * 101, "receipt_needed": True, "receipt_due": "2019-1-1", "materials": "\x07"},
    ],
    "leave-approval": [
        {"period": {"start": "2019-11-08", "end": "2019-11-04"}},
        {"period": {"start": "2019-11-04", "end": "2019-11-08", "days": "5.5"}, "returned_on": "2019-11-01"},
        {"period": {"start": "2019-11-04", "end": "2019-11-08", "days": "0.25"}, "actual_days": "1e3",
         "applicant": {"signer": "李华"}, "contact_phone": "电话", "leave_type": "事假"},
        {"period": {"start": "2019-11-04", "end": ""}, "actual_days": "-1", "leaves_district": "也许",
         "name": " ", "section_chief": {"opinion": "同意", "date": "2019-13-01"}},
        {"period": {"start": "2019-11-04", "end": "2019-11-08"}, "actual_days": "1_000", "returned_on": "2019-11-04"},
    ],
    "lending-slip": [
        {"documents": [{"title": "文件", "classification": "秘密", "pages": "1.5", "copies": "0"}],
         "period": {"start": "2019-10-21"}, "approver": {"date": "2019-10-20"}},
    ],
}


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_browser_refuses_what_fill_refuses_with_the_same_messages(form_page, form_id):
    page = form_page(form_id)
    for record in BAD[form_id]:
        record = {k: v for k, v in record.items() if k in {f.id for f in form(form_id).fields}}
        _, errors = check_record(form(form_id), record)
        assert errors
        answer = page.evaluate(FILL_JS, [form_id, record])
        expected = [[list(e.path), e.describe(form(form_id))] for e in errors]
        assert answer.get("errors") == expected


def test_the_page_refuses_a_missing_required_field_with_fills_message(form_page, file_tab, tmp_path):
    page = form_page("meeting-notice")
    page.fill('[data-path="organizer"]', "中共X区委办公室")
    page.get_by_role("button", name="下载 Word").click()
    error = page.locator('[data-field="meeting_name"] .ff-error')
    expect(error).to_be_visible()
    _, errors = check_record(form("meeting-notice"), {"organizer": "中共X区委办公室"})
    first = next(e for e in errors if e.path == ("meeting_name",))
    assert error.inner_text() == f"{first.label(form('meeting-notice'))}：{first.message}" == "会议名称：必填，不能为空"
    assert page.locator('[data-path="organizer"]').get_attribute("aria-invalid") is None
    file_tab.screenshot("form-fill-refused")


def type_meeting_notice(page) -> None:
    for path, value in (("meeting_name", "全区保密工作会议"), ("organizer", "中共X区委办公室"),
                        ("meeting_date", "2019-11-05"), ("start_time", "09:00"), ("place", "第一会议室"),
                        ("agenda", "一、传达精神；\n二、区委领导讲话。"), ("contact", "王丽"), ("phone", "0471-1234567"),
                        ("issuer", "秘书二室"), ("issued_on", "2019-10-30")):
        page.fill(f'[data-path="{path}"]', value)
    page.select_option('[data-path="attendees.#.role"]', "出席")
    page.fill('[data-path="attendees.#.unit"]', "区直各部门")
    page.get_by_role("button", name="添加一行").first.click()
    page.locator('[data-path="attendees.#.role"]').nth(1).select_option("列席")
    page.locator('[data-path="attendees.#.unit"]').nth(1).fill("秘书一室")
    page.locator('[data-path="attendees.#.person"]').nth(1).fill("张明")


def test_typed_on_the_page_downloaded_as_word_and_printed(form_page, file_tab, tmp_path):
    page = form_page("meeting-notice")
    type_meeting_notice(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载 Word").click()
    saved = tmp_path / "notice.docx"
    download_info.value.save_as(saved)
    assert download_info.value.suggested_filename == "X区委办公室会议通知单.docx"
    controls, text = state(saved.read_bytes())
    shown = {}
    for tag, value, *_ in controls:
        shown.setdefault(tag, []).append(value)
    assert shown["meeting_name"] == ["全区保密工作会议"] and shown["start_time"] == ["9:00"]
    assert shown["meeting_date"] == ["2019年11月5日"] and shown["agenda"] == ["一、传达精神；\n二、区委领导讲话。"]
    assert shown["attendees.unit"] == ["区直各部门", "秘书一室"] and shown["attendees.person"] == ["—", "张明"]
    assert shown["receipt_unit"] == [""] and len(shown["receipt_people.person"]) == 3  # reserved rows, empty
    for placeholder in {c.placeholder for c in layout.build(form("meeting-notice")).controls()} - {
            layout.DATE_PLACEHOLDER, layout.BLANK_NUMBER, layout.SIGNER_PLACEHOLDER, layout.UNCHECKED}:
        assert placeholder not in text
    assert not any(c[4] for c in controls)  # no placeholder shown anywhere

    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed") is True
    sheet = page.locator(".ff-print .form-preview")
    assert "全区保密工作会议" in sheet.inner_text() and "请输入" not in sheet.inner_text()
    assert sheet.locator('tr[data-loop="attendees"]').count() == 2
    page.emulate_media(media="print")
    file_tab.screenshot("form-fill-print", full_page=True)
    assert page.locator(".ff-form").is_hidden()
    printed = page.pdf(format="A4", prefer_css_page_size=True)  # what the print dialog would send: one A4 page
    assert len(re.findall(rb"/Type\s*/Page[^s]", printed)) == 1


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_printing_from_the_browsers_menu_prints_the_form_with_what_was_typed(form_page, form_id):
    """Ctrl+P on a form page (not 「打印」): the official sheet on one A4 page, not the page's web form; untouched,
    it is a blank to write on (no prompts, no dashes in rows nobody filled)."""
    page = form_page(form_id)
    first_text = next(f for f in form(form_id).fields if f.type == "text")
    page.fill(f'[data-path="{first_text.id}"]', "从菜单打印的内容")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # what the browser sends before its print dialog
    page.emulate_media(media="print")
    sheet = page.locator(".ff-print .form-preview")
    assert "从菜单打印的内容" in sheet.inner_text()
    assert not re.search("请输入|请选择|请填写", sheet.inner_text())
    assert page.locator(".ff-form").is_hidden()
    for loop in sheet.locator("tr[data-loop]").all():
        if not loop.inner_text().strip("—\t\n 年月日"):
            assert "—" not in loop.inner_text()  # a reserved row is room to write by hand
    printed = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", printed)) == 1
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert page.locator(".ff-print").count() == 0 and page.locator(".ff-form").is_visible()
