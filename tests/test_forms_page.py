"""The handbook page of each form: rules linked, download, preview from the same layout, field table."""

from __future__ import annotations

import re
from functools import lru_cache

import pytest
from forms_helpers import FORM_IDS, ROOT, controls, form, renderer
from lxml import html

from handbook.forms.model import FORM
from handbook import urls
from handbook.render.form_pages import form_links, form_page_markdown, forms_guide_markdown


@lru_cache(maxsize=None)
def index():
    from handbook.sources import load_handbook

    handbook, _ = load_handbook(ROOT)
    return handbook.index


def blocks(markdown: str) -> list[html.HtmlElement]:
    """The raw HTML blocks of the page (each is one line of the Markdown)."""
    return [html.fragment_fromstring(line) for line in markdown.splitlines() if line.startswith("<")]


def page(form_id: str) -> list[html.HtmlElement]:
    return blocks(form_page_markdown(form(form_id), index()))


def test_page_names_and_download_path():
    assert urls.form_page("lending-slip") == "form-lending-slip.md"
    assert urls.form_download("lending-slip") == "downloads/lending-slip.docx"
    assert urls.form_print_download("lending-slip") == "downloads/lending-slip-print.docx"


def test_lending_slip_page_links_the_rule_that_requires_it():
    markdown = form_page_markdown(form("lending-slip"), index())
    assert markdown.startswith("# 中共X区委办公室涉密文件借阅单\n")
    links = {a.get("href"): a.text_content() for block in page("lending-slip") for a in block.iter("a")}
    assert links["document-management.html#lending"] == "《X区委办公室公文管理制度》三、公文借阅"
    # its compendium entry is on this page (merged), so the page does not link to itself or to the entry
    assert "secret-document-lending-slip.html" not in links and "form-lending-slip.html" not in links
    assert links["downloads/lending-slip.docx"] == "空白表（在 Word/WPS 中填写）"
    assert links["downloads/lending-slip-print.docx"] == "空白表（打印后手写）"
    structure = index().structures["document-management"]
    assert "lending" in structure.keyed()


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_preview_shows_the_same_controls_as_the_blank_docx(form_id):
    preview = next(b for b in page(form_id) if b.get("class") == "form-preview")
    shown = [span.text_content().removesuffix(" ▾") for span in preview.find_class("fp-control")]
    blank = [sdt for sdt in controls(renderer(form_id).render(None))]
    from forms_helpers import text_of

    assert shown == [text_of(sdt) for sdt in blank]
    assert preview.find_class("fp-title")[0].text_content() == form(form_id).title


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_the_staff_page_shows_no_ids_commands_or_files(form_id):
    """What staff read: purpose, rules, who signs, fill / download / print; ids and commands are in the editor guide."""
    markdown = form_page_markdown(form(form_id), index())
    visible = " ".join(block.text_content() for block in blocks(markdown)) + " ".join(
        line for line in markdown.splitlines() if not line.startswith("<"))
    for word in ("python3", "build.py", "--data", ".csv", ".yaml", form_id, "标识"):
        assert word not in visible, word
    for field in form(form_id).fields:
        assert not re.search(rf"\b{field.id}\b", visible), field.id
    assert form(form_id).purpose in visible
    signers = [f.label for f in form(form_id).fields if f.type == "signature"]
    assert all(label in visible for label in signers)
    for field in form(form_id).fields:  # the fill-in form shows each help under its field
        assert not re.search(r"\b[a-z_]{3,}\b", field.help), field.help
    fill = next(b for b in blocks(markdown) if b.get("class") == "form-fill")
    assert fill.get("data-form") == form_id and "下载 Word" in fill.text_content() and "打印" in fill.text_content()


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_editor_guide_lists_every_field_with_its_id_and_help(form_id):
    guide = forms_guide_markdown([form(i) for i in FORM_IDS])
    assert "python3 build.py fill 表格 --data 名单.xlsx --out-dir 输出目录" in guide
    table = next(b for b in blocks(guide) if b.get("class") == "form-fields"
                 and any(form(form_id).fields[0].help == td.text_content() for td in b.iter("td")))
    rows = {tr.findall("td")[1].text_content(): tr for tr in table.iter("tr") if len(tr.findall("td")) == 5}
    for field in form(form_id).fields:
        assert field.id in rows
        assert rows[field.id].findall("td")[4].text_content() == field.help
        assert rows[field.id].findall("td")[3].text_content() == ("是" if field.required else "")
        for column in field.columns or []:
            assert f"{field.id}.N.{column.id}" in rows


def test_page_without_index_shows_the_words_without_links():
    markdown = form_page_markdown(form("leave-approval"))
    rules = next(b for b in blocks(markdown) if b.get("class") == "form-rules")
    assert rules.findall(".//a") == []
    assert "leave-rules" in rules.text_content()


def test_editor_text_is_shown_as_text_never_markup():
    hostile = FORM.validate_python({
        "id": "demo", "title": "<script>alert(1)</script>表", "purpose": "见 [链接](http://example.com) 和 {{ x }}",
        "required_by": ["[[leave-rules]]"],
        "sections": [{"fields": [{"id": "a", "label": "<b>栏</b>", "type": "text", "help": "<img src=x>"}]}]})
    markdown = form_page_markdown(hostile, index())
    assert "<script>" not in markdown and "<b>" not in markdown and "<img" not in markdown
    assert "&lt;script&gt;" in markdown
    assert not re.search(r"\]\(http", markdown.replace("[链接](http://example.com)", ""))
    purpose = next(b for b in blocks(markdown) if b.get("class") == "form-purpose")
    assert purpose.text_content() == "见 [链接](http://example.com) 和 {{ x }}"


def test_rules_know_which_forms_they_require():
    links = form_links(list(f for f in (form(i) for i in FORM_IDS)))
    assert [f.id for f in links[("document-management", "lending")]] == ["lending-slip"]
    assert [f.id for f in links[("leave-rules", None)]] == ["leave-approval"]
    assert [f.id for f in links[("teleconference-flow", None)]] == ["meeting-notice"]
