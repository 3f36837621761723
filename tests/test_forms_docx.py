"""Form templates and the DOCX they render: controls, page, fonts, values, hostile values, determinism."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from forms_helpers import (FORM_IDS, NS, ROOT, W, W14, canonical_document, controls, example_values, form, part,
                           parts_except_document, renderer, tag_of, text_of, texts_by_tag)

from handbook.forms import layout
from handbook.forms.data import check_record, example_record
from handbook.forms.render import display, jinja_env, render_docxtpl
from handbook.forms.templates import template_path, write_template

MM = 1440 / 25.4


def template_bytes(form_id: str) -> bytes:
    return template_path(ROOT, form_id).read_bytes()


def control_spec(docx_bytes: bytes) -> list[tuple]:
    """Each control of a document: tag, kind and dropdown options, in order."""
    out = []
    for sdt in controls(docx_bytes):
        props = sdt.find("w:sdtPr", NS)
        kind = next((etree_name(child) for child in props if etree_name(child) in
                     ("text", "date", "dropDownList", "checkbox")), "richText")
        options = tuple(item.get(f"{{{W}}}value") for item in props.findall(".//w:listItem", NS))
        out.append((tag_of(sdt), kind, options))
    return out


def etree_name(node) -> str:
    return node.tag.split("}")[1]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_template_variables_are_exactly_the_fields(form_id):
    from docxtpl import DocxTemplate

    variables = DocxTemplate(template_path(ROOT, form_id)).get_undeclared_template_variables(jinja_env())
    assert variables == {f.id for f in form(form_id).fields}


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_committed_template_matches_the_yaml(form_id, tmp_path):
    """Controls (tag, type, options) of the committed template are those the YAML defines; restyling is allowed."""
    fresh = tmp_path / "fresh.docx"
    write_template(form(form_id), fresh)
    assert control_spec(template_bytes(form_id)) == control_spec(fresh.read_bytes()), \
        "模板与表格定义不一致：请运行 python3 -m handbook.forms.templates 重新生成"
    expected = {c.tag for c in layout.build(form(form_id)).controls()}
    assert {spec[0] for spec in control_spec(template_bytes(form_id))} == expected


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_field_has_a_control_of_its_type(form_id):
    spec = {tag: (kind, options) for tag, kind, options in control_spec(template_bytes(form_id))}
    for field in form(form_id).fields:
        if field.type == "table":
            for column in field.columns:
                kind, options = spec[f"{field.id}.{column.id}"]
                assert kind == {"choice": "dropDownList", "date": "date"}.get(column.type, "richText")
                assert options == tuple(column.options or ())
        elif field.type == "daterange":
            assert spec[f"{field.id}.start"][0] == spec[f"{field.id}.end"][0] == "date"
        elif field.type == "signature":
            assert spec[f"{field.id}.signer"][0] == "richText" and spec[f"{field.id}.date"][0] == "date"
            assert spec.get(f"{field.id}.opinion", ("richText",))[0] == "richText"
            assert (f"{field.id}.opinion" in spec) == bool(field.opinion)
        else:
            kind, options = spec[field.id]
            assert kind == {"choice": "dropDownList", "date": "date", "checkbox": "checkbox",
                            }.get(field.type, "richText")  # text too: LibreOffice greys only rich-text placeholders
            assert options == tuple(field.options or ())


def test_dropdowns_and_pickers_are_set_up_for_chinese():
    blank = renderer("lending-slip").render(None)
    classification = [s for s in controls(blank) if tag_of(s) == "documents.classification"]
    assert len(classification) == 5  # the blank slip reserves five document rows
    items = classification[0].findall(".//w:listItem", NS)
    assert [(i.get(f"{{{W}}}displayText"), i.get(f"{{{W}}}value")) for i in items] == [
        ("绝密", "绝密"), ("机密", "机密"), ("秘密", "秘密")]
    date = next(s for s in controls(blank) if tag_of(s) == "period.start").find("w:sdtPr/w:date", NS)
    assert date.find("w:dateFormat", NS).get(f"{{{W}}}val") == "yyyy年M月d日"
    assert date.find("w:lid", NS).get(f"{{{W}}}val") == "zh-CN"
    box = next(s for s in controls(renderer("meeting-notice").render(None)) if tag_of(s) == "receipt_needed")
    assert box.find("w:sdtPr/w14:checkbox", NS) is not None


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_page_is_gbt9704_and_every_run_names_its_chinese_font(form_id):
    blank = renderer(form_id).render(None)
    body = part(blank)
    sect = body.find(".//w:sectPr", NS)
    size, margins = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    expected = {"w": 210, "h": 297}
    for name, mm in expected.items():
        assert abs(int(size.get(f"{{{W}}}{name}")) / MM - mm) <= 1
    for name, mm in {"top": 37, "bottom": 35, "left": 28, "right": 26}.items():
        assert abs(int(margins.get(f"{{{W}}}{name}")) / MM - mm) <= 1
    runs = body.findall(".//w:r", NS)
    assert runs and all(r.find("w:rPr/w:rFonts", NS).get(f"{{{W}}}eastAsia") for r in runs)
    title = body.find("w:body/w:p/w:r", NS)
    assert title.find("w:rPr/w:rFonts", NS).get(f"{{{W}}}eastAsia") == "方正小标宋简体"
    assert title.find("w:rPr/w:sz", NS).get(f"{{{W}}}val") == "44"  # 2号
    fonts = part(blank, "word/fontTable.xml")
    alt = {f.get(f"{{{W}}}name"): f.find("w:altName", NS).get(f"{{{W}}}val")
           for f in fonts.findall("w:font", NS) if f.find("w:altName", NS) is not None}
    assert alt["方正小标宋简体"] == "宋体" and alt["仿宋_GB2312"] == "仿宋"
    width = sum(int(c.get(f"{{{W}}}w")) for c in body.find(".//w:tblGrid", NS))
    assert abs(width / MM - 156) <= 1


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_blank_form_shows_placeholders_and_no_jinja(form_id):
    blank = renderer(form_id).render(None)
    xml = part(blank)
    assert "{{" not in "".join(xml.itertext()) and "{%" not in "".join(xml.itertext())
    placeholders = layout.build(form(form_id)).placeholders()
    for sdt in controls(blank):
        props = sdt.find("w:sdtPr", NS)
        if props.find("w14:checkbox", NS) is not None:
            assert text_of(sdt) == "☐" and props.find("w14:checkbox/w14:checked", NS).get(f"{{{W14}}}val") == "0"
            continue
        assert text_of(sdt) == placeholders[tag_of(sdt)]
        assert props.find("w:showingPlcHdr", NS) is not None
        assert sdt.find(".//w:rStyle", NS).get(f"{{{W}}}val") == "PlaceholderText"
    ids = [sdt.find("w:sdtPr/w:id", NS).get(f"{{{W}}}val") for sdt in controls(blank)]
    assert len(set(ids)) == len(ids)


def expected_texts(form_id: str, values: dict) -> dict[str, list[str]]:
    """What each control should show for values: the printed value, one entry per table row."""
    out: dict[str, list[str]] = {}
    for field in form(form_id).fields:
        value = values.get(field.id)
        if field.type == "table" and value:
            for column in field.columns:
                out[f"{field.id}.{column.id}"] = [display(row[column.id]) for row in value if row[column.id] is not None]
        elif field.type in ("daterange", "signature") and value:
            for key in ("start", "end", "days", "signer", "date", "opinion"):
                if getattr(value, key, None) is not None:
                    out[f"{field.id}.{key}"] = [display(getattr(value, key))]
        elif value is not None and field.type not in ("table", "daterange", "signature"):
            out[field.id] = [display(value)]
    return out


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_filled_values_appear_exactly(form_id):
    values = example_values(form_id)
    filled = renderer(form_id).render(values)
    shown = texts_by_tag(filled)
    for tag, texts in expected_texts(form_id, values).items():
        assert [t for t in shown[tag] if t in texts] == texts, tag
    placeholders = layout.build(form(form_id)).placeholders()
    for sdt in controls(filled):
        props = sdt.find("w:sdtPr", NS)
        if props.find("w14:checkbox", NS) is not None:
            continue
        shows_placeholder = text_of(sdt) == placeholders[tag_of(sdt)]
        assert (props.find("w:showingPlcHdr", NS) is not None) == shows_placeholder
        assert (sdt.find(".//w:rStyle", NS) is not None) == shows_placeholder


def test_pickers_and_boxes_carry_their_state():
    filled = renderer("meeting-notice").render(example_values("meeting-notice"))
    by_tag = {tag_of(s): s for s in controls(filled)}
    date = by_tag["meeting_date"].find("w:sdtPr/w:date", NS)
    assert date.get(f"{{{W}}}fullDate") == "2019-11-05T00:00:00Z"
    assert text_of(by_tag["meeting_date"]) == "2019年11月5日"
    box = by_tag["receipt_needed"].find("w:sdtPr/w14:checkbox/w14:checked", NS)
    assert box.get(f"{{{W14}}}val") == "1" and text_of(by_tag["receipt_needed"]) == "☒"
    days = renderer("leave-approval").render(example_values("leave-approval"))
    assert texts_by_tag(days)["period.days"] == ["5"]


NASTY = ["A & B <c> \"quoted\" 'single'", "第一行\n第二行\n\n第四行", "表情 😀🇨🇳 and 𠮷", "{{ x }} {% if %} </w:t>",
         "制" * 10_000, "tab\there"]


@pytest.mark.parametrize("value", NASTY, ids=["markup", "newlines", "emoji", "jinja", "10000", "tab"])
def test_nasty_values_give_valid_documents_holding_them_exactly(value):
    notice = form("meeting-notice")
    record = example_record(notice) | {"meeting_name": value[:100], "agenda": value, "place": value}
    values, errors = check_record(notice, record)
    assert errors == []
    filled = renderer("meeting-notice").render(values)
    docx.Document(io.BytesIO(filled))  # python-docx opens it
    shown = texts_by_tag(filled)
    expected = value.replace("\t", "")  # a tab becomes <w:tab/>, which has no text
    assert shown["agenda"] == [expected] and shown["place"] == [expected]
    assert shown["meeting_name"] == [value[:100].replace("\t", "")]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_fast_renderer_gives_the_same_document_as_docxtpl(form_id):
    path = template_path(ROOT, form_id)
    for values in (None, example_values(form_id)):
        fast = renderer(form_id).render(values)
        assert canonical_document(fast) == canonical_document(render_docxtpl(form(form_id), path, values))
        # every other part is the template's own, byte for byte (docxtpl's save re-serialises them)
        assert parts_except_document(fast) == parts_except_document(path.read_bytes())


def test_fast_renderer_matches_docxtpl_on_nasty_values():
    notice = form("meeting-notice")
    values, _ = check_record(notice, example_record(notice) | {"agenda": NASTY[0] + "\n" + NASTY[1] + "\t" + NASTY[2]})
    assert canonical_document(renderer("meeting-notice").render(values)) == \
        canonical_document(render_docxtpl(notice, template_path(ROOT, "meeting-notice"), values))


def test_output_is_deterministic():
    values = example_values("leave-approval")
    first = renderer("leave-approval").render(values)
    assert first == renderer("leave-approval").render(values)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        names = archive.namelist()
    with zipfile.ZipFile(template_path(ROOT, "leave-approval")) as archive:
        assert names == archive.namelist()


def test_template_generation_is_deterministic(tmp_path):
    one, two = tmp_path / "one.docx", tmp_path / "two.docx"
    write_template(form("meeting-notice"), one)
    write_template(form("meeting-notice"), two)
    assert one.read_bytes() == two.read_bytes()


def test_filled_form_reads_in_python_docx_as_the_form():
    filled = renderer("lending-slip").render(example_values("lending-slip"))
    document = docx.Document(io.BytesIO(filled))
    assert document.paragraphs[0].text == "中共X区委办公室涉密文件借阅单"
    assert document.tables[0].rows[0].cells[0].text == "借阅单位"
    # python-docx leaves content controls out of .text; the cell's XML holds the value
    def cell_text(cell) -> str:
        return "".join(t.text or "" for t in cell._tc.iter(f"{{{W}}}t"))

    assert cell_text(document.tables[0].rows[0].cells[-1]) == "区委办公室秘书一室"
    signed = cell_text(document.tables[0].rows[-1].cells[-1])
    assert re.fullmatch(r"签字：王强\s*2019年10月21日", signed)


def test_line_breaks_are_resolved_only_inside_paragraphs_as_docxtpl_does():
    from handbook.forms.render import _docxtpl, resolve_listing

    xml = ('<w:body><w:p><w:r><w:t>a\nb</w:t></w:r></w:p>\n<w:tbl/><w:p w:x="1"><w:pPr/><w:r><w:rPr><w:b/></w:rPr>'
           '<w:t>c\td</w:t></w:r></w:p><w:p><w:r><w:t>plain</w:t></w:r></w:p></w:body>')
    assert resolve_listing(xml) == _docxtpl().resolve_listing(xml)
    assert resolve_listing("<w:p><w:r><w:t>none</w:t></w:r></w:p>") == "<w:p><w:r><w:t>none</w:t></w:r></w:p>"


def test_reserved_rows_of_a_table_without_rows_print_as_on_the_blank_to_write_by_hand():
    """A column's empty text (the dash for 姓名) says a row's value was left empty; rows nobody filled
    are room to write by hand, on a filled form as on the handwritten blank (the browser does the same)."""
    from handbook.forms.render import template_context

    notice = form("meeting-notice")
    values = {k: v for k, v in example_values("meeting-notice").items() if k != "attendees"}
    expected = template_context(notice, None, layout.build(notice).guides())["attendees"]
    assert template_context(notice, values)["attendees"] == expected
    assert all(row["person"] == "" for row in expected)
    shown = texts_by_tag(renderer("meeting-notice").render(values))
    assert shown["attendees.person"] == [row["person"] for row in expected]
    assert shown["meeting_name"] == [values["meeting_name"]]
