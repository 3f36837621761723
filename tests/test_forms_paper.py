"""Nothing but the data on paper: no placeholder text in a filled form or in the blank to write by hand.

The blank to fill in Word/WPS is the only document that shows placeholders, and
there they are marked as such (showingPlcHdr) and grey, so Word, WPS and
LibreOffice never print them as if they were filled in.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from forms_helpers import FORM_IDS, NS, W, controls, example_values, form, renderer, tag_of, text_of

from handbook.forms import layout
from handbook.forms.data import check_record
from handbook.forms.render import HANDWRITTEN

GUIDES = {layout.DATE_PLACEHOLDER, layout.SIGNER_PLACEHOLDER, layout.BLANK_NUMBER, layout.UNCHECKED}


def placeholder_texts(form_id: str) -> set[str]:
    """What the blank shows in its controls and must never be printed: 请输入…, 请选择…, custom prompts."""
    texts = {c.placeholder for c in layout.build(form(form_id)).controls()}
    return {t for t in texts if t not in GUIDES and t.strip()}


def all_xml(docx: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")
                or name.endswith(".rels")}


def sparse_record(form_id: str) -> dict:
    """Only the required values of the example: every optional field left empty."""
    f = form(form_id)
    record = {}
    for field in f.fields:
        if field.example is None or not field.required:
            continue
        value = field.example
        if field.type == "table":
            required = [c.id for c in field.columns if c.required]
            value = [{k: v for k, v in row.items() if k in required} for row in value][:1]
        record[field.id] = value
    values, errors = check_record(f, record)
    assert errors == [], errors
    return values


def assert_no_placeholder(form_id: str, docx: bytes) -> None:
    parts = all_xml(docx)
    document = parts["word/document.xml"]
    for name, xml in parts.items():
        if name == "word/styles.xml":
            continue  # the style named "Placeholder Text" is defined there, used nowhere on paper
        for text in placeholder_texts(form_id):
            assert f">{text}<" not in xml and text not in re.sub(r"<[^>]+>", "", xml), (name, text)
    assert "showingPlcHdr" not in document
    assert 'w:rStyle w:val="PlaceholderText"' not in document
    assert 'w:color w:val="808080"' not in document


RECORDS = {"example": example_values, "sparse": sparse_record}


@pytest.mark.parametrize("form_id", FORM_IDS)
@pytest.mark.parametrize("record", RECORDS)
def test_filled_forms_hold_no_placeholder(form_id, record):
    assert placeholder_texts(form_id)  # the check below has something to find
    assert_no_placeholder(form_id, renderer(form_id).render(RECORDS[record](form_id)))


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_handwritten_blank_has_empty_cells_and_no_controls(form_id):
    blank = renderer(form_id).render(None, HANDWRITTEN)
    assert_no_placeholder(form_id, blank)
    assert controls(blank) == []
    document = all_xml(blank)["word/document.xml"]
    assert "{{" not in document and "{%" not in document
    # the table is all there: every label of the form is printed
    flat = re.sub(r"<[^>]+>", "", document)
    for field in form(form_id).fields:
        if field.label_row is not False or field.type != "table":
            assert field.label in flat, field.label


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_the_blank_to_fill_in_word_marks_every_placeholder_as_one(form_id):
    """Word shows the text as a prompt, not content; LibreOffice shows it grey."""
    placeholders = layout.build(form(form_id)).placeholders()
    for sdt in controls(renderer(form_id).render(None)):
        if sdt.find("w:sdtPr/w14:checkbox", NS) is not None:
            continue
        assert text_of(sdt) == placeholders[tag_of(sdt)]
        assert sdt.find("w:sdtPr/w:showingPlcHdr", NS) is not None, tag_of(sdt)
        for run in sdt.findall("w:sdtContent/w:r", NS):
            assert run.find("w:rPr/w:rStyle", NS).get(f"{{{W}}}val") == "PlaceholderText"
            assert run.find("w:rPr/w:color", NS).get(f"{{{W}}}val") == "808080"


def test_an_empty_value_prints_the_dash_the_definition_asks_for():
    values = example_values("meeting-notice")
    people = [s for s in controls(renderer("meeting-notice").render(values)) if tag_of(s) == "attendees.person"]
    assert [text_of(s) for s in people] == ["—", "—", "张明"]
    # a date left empty keeps its 年 月 日 for the hand, a name its space to sign in
    slip = renderer("leave-approval").render(sparse_record("leave-approval"))
    shown = {tag_of(s): text_of(s) for s in controls(slip)}
    assert layout.DATE_PLACEHOLDER in shown.values()


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_table_rows_are_a_repeating_section_users_can_add_rows_to(form_id):
    """In Word each multi-row table is a repeating section (w15): its items are the rows, one per record row."""
    from forms_helpers import W15, sections

    tables = [f for f in form(form_id).fields if f.type == "table"]
    values = example_values(form_id)
    for docx, rows_of in ((renderer(form_id).render(None), lambda f: f.min_rows if f.min_rows is not None else 3),
                          (renderer(form_id).render(values), lambda f: len(values[f.id]) or f.min_rows)):
        found = sections(docx)
        assert [s.find("w:sdtPr/w:tag", NS).get(f"{{{W}}}val") for s in found] == [f.id for f in tables]
        for section, field in zip(found, tables):
            items = section.findall(f"w:sdtContent/w:sdt", NS)
            assert len(items) == rows_of(field)
            for item in items:
                assert item.find(f"w:sdtPr/{{{W15}}}repeatingSectionItem", NS) is not None
                rows = item.findall("w:sdtContent/w:tr", NS)
                assert len(rows) == 1
                tags = [tag_of(s) for s in rows[0].iter(f"{{{W}}}sdt")]
                assert tags == [f"{field.id}.{c.id}" for c in field.columns]
    ids = [sdt.get(f"{{{W}}}val") for sdt in all_ids(renderer(form_id).render(values))]
    assert len(ids) == len(set(ids))  # every control, section and item has its own id


def all_ids(docx: bytes):
    from forms_helpers import part

    return part(docx).findall(".//w:sdt/w:sdtPr/w:id", NS)


def test_the_printed_compendium_embeds_the_blank_to_write_by_hand(built_site):
    compendium = next((built_site / "downloads").glob("*汇编*.docx"))
    with zipfile.ZipFile(compendium) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    assert "<w:sdt>" not in document and "showingPlcHdr" not in document
    for form_id in FORM_IDS:
        for text in placeholder_texts(form_id):
            assert f">{text}<" not in document, text
    assert ">借阅单位<" in document  # the forms are there, as empty tables
