"""The printed compendium DOCX, read back from its XML."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from lxml import etree

from handbook import kinds, model, structure
from handbook.refs import Index
from handbook.render import plain
from handbook.render.compendium import EDITORIAL_STYLES, build_compendium, compendium_filename, contents_entries, print_order
from handbook.render.title_lines import title_lines

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TWIPS_PER_MM = 1440 / 25.4
FLOW_WITH_PNG, FLOW_WITHOUT_PNG = "outgoing-document-flow", "incoming-document-flow"
FORM_DOC, TALL_FORM_DOC = "secret-document-lending-slip", "leave-approval-form"


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def png_bytes(width: int, height: int, dpi: int = 200) -> bytes:
    """A plain white RGB PNG of the given size and resolution."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff" * width * 3 for _ in range(height))
    ppm = round(dpi / 0.0254)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1)) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def blank_form(path: Path, title: str = "涉密文件借阅单", rows: int = 2, row_height: int | None = None) -> Path:
    """A form as the forms build writes it: a title, a table in Table Grid, a content control."""
    form = docx.Document()
    form.add_paragraph(title, style="Title")
    table = form.add_table(rows=rows, cols=2, style="Table Grid")
    for row in table.rows if row_height else []:
        row._tr.get_or_add_trPr().append(etree.fromstring(
            f'<w:trHeight xmlns:w="{W}" w:val="{row_height}" w:hRule="atLeast"/>'))
    table.cell(0, 0).text = "借阅单位"
    table.cell(1, 0).text = "文件名称"
    sdt = etree.fromstring(
        f'<w:sdt xmlns:w="{W}"><w:sdtPr><w:id w:val="7"/><w:alias w:val="借阅单位"/><w:text/></w:sdtPr>'
        '<w:sdtContent><w:r><w:t>请填写借阅单位</w:t></w:r></w:sdtContent></w:sdt>')
    table.cell(0, 1).paragraphs[0]._p.append(sdt)
    form.add_paragraph("借阅单位负责人签字：")
    for r in form.element.body.iter(w("r")):  # as the forms build does: the East Asian font on every run
        r.insert(0, etree.fromstring(f'<w:rPr xmlns:w="{W}"><w:rFonts w:eastAsia="仿宋_GB2312"/></w:rPr>'))
    form.save(path)
    return path


@pytest.fixture(scope="module")
def built(handbook, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("compendium")
    (folder / "flow.png").write_bytes(png_bytes(1200, 2400))
    return build_compendium(handbook.compendium, handbook.structures, handbook.index, folder,
                            flow_pngs={FLOW_WITH_PNG: folder / "flow.png"},
                            form_docs={FORM_DOC: blank_form(folder / "form.docx"),
                                       TALL_FORM_DOC: blank_form(folder / "tall.docx", "请销假审批表", 16, 600)})


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


@pytest.fixture(scope="module")
def document(built) -> etree._Element:
    return part(built, "word/document.xml")


@pytest.fixture(scope="module")
def styles(built) -> etree._Element:
    return part(built, "word/styles.xml")


def style_of(p: etree._Element) -> str:
    node = p.find("w:pPr/w:pStyle", NS)
    return node.get(w("val")) if node is not None else "Normal"


def text_of(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(w("t")))


def body_paragraphs(document: etree._Element) -> list[etree._Element]:
    return document.findall("w:body/w:p", NS)


def titles(document: etree._Element) -> list[etree._Element]:
    return [p for p in body_paragraphs(document) if style_of(p) == "Heading1"]


def document_paragraphs(document: etree._Element, title: str) -> list[etree._Element]:
    """The body paragraphs from a document's title up to the next title."""
    paragraphs = body_paragraphs(document)
    start = next(i for i, p in enumerate(paragraphs) if style_of(p) == "Heading1" and text_of(p) == title)
    end = next((i for i in range(start + 1, len(paragraphs)) if style_of(paragraphs[i]) == "Heading1"),
               len(paragraphs))
    return paragraphs[start:end]


def block_elements_between(document: etree._Element, title: str) -> list[etree._Element]:
    children = list(document.find("w:body", NS))
    start = next(i for i, c in enumerate(children) if c.tag == w("p") and style_of(c) == "Heading1"
                 and text_of(c) == title)
    end = next(i for i in range(start + 1, len(children))
               if children[i].tag == w("p") and style_of(children[i]) == "Heading1")
    return children[start:end]


def by_id(handbook, doc_id: str) -> structure.Structure:
    return next(s for s in handbook.structures if s.doc.id == doc_id)


def run_font(r: etree._Element) -> str:
    return r.find("w:rPr/w:rFonts", NS).get(w("eastAsia"))


def run_size(r: etree._Element) -> int:
    return int(r.find("w:rPr/w:sz", NS).get(w("val")))


def is_bold(r: etree._Element) -> bool:
    return r.find("w:rPr/w:b", NS) is not None


def text_runs(p: etree._Element) -> list[etree._Element]:
    return [r for r in p.findall("w:r", NS) if r.find("w:t", NS) is not None]


# --- page --------------------------------------------------------------------------------

def test_page_is_a4_with_gbt9704_margins_on_every_section(document):
    sections = document.findall(".//w:sectPr", NS)
    assert len(sections) == 3  # cover, contents, text
    for section in sections:
        size, margin = section.find("w:pgSz", NS), section.find("w:pgMar", NS)
        mm = {name: int(margin.get(w(name))) / TWIPS_PER_MM for name in ("top", "bottom", "left", "right")}
        assert int(size.get(w("w"))) / TWIPS_PER_MM == pytest.approx(210, abs=1)
        assert int(size.get(w("h"))) / TWIPS_PER_MM == pytest.approx(297, abs=1)
        assert mm["top"] == pytest.approx(37, abs=1)
        assert mm["bottom"] == pytest.approx(35, abs=1)
        assert mm["left"] == pytest.approx(28, abs=1)  # binding side (mirrored on even pages)
        assert mm["right"] == pytest.approx(26, abs=1)
        assert 210 - mm["left"] - mm["right"] == pytest.approx(156, abs=1)
        assert 297 - mm["top"] - mm["bottom"] == pytest.approx(225, abs=1)


def test_mirror_margins_odd_even_footers_and_no_update_prompt_on_open(built, document):
    settings = part(built, "word/settings.xml")
    assert settings.find("w:mirrorMargins", NS) is not None
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    assert settings.find("w:updateFields", NS) is None  # Word would ask on every open
    assert document.find(".//w:fldChar[@w:dirty]", NS) is None


def test_grid_gives_22_lines_of_28_characters(document, styles):
    section = document.find("w:body/w:sectPr", NS)
    grid, size, margin = (section.find(f"w:{name}", NS) for name in ("docGrid", "pgSz", "pgMar"))
    # no character grid: LibreOffice would give every glyph two cells (14 characters a line)
    assert {g.get(w("type")) for g in document.iter(w("docGrid"))} == {"lines"}
    assert document.find(".//w:docGrid[@w:charSpace]", NS) is None

    def twips(node, *names):
        return [int(node.get(w(name))) for name in names]

    height, top, bottom = twips(size, "h") + twips(margin, "top", "bottom")
    width, left, right = twips(size, "w") + twips(margin, "left", "right")
    text_height, text_width_pt = height - top - bottom, (width - left - right) / 20
    pitch = int(grid.get(w("linePitch")))
    assert 22 * pitch <= text_height < 23 * pitch
    condensed = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:spacing", NS)
    char_pitch = 16 + int(condensed.get(w("val"))) / 20
    assert 28 * char_pitch <= text_width_pt < 29 * char_pitch
    spacing = styles.find("w:style[@w:styleId='Normal']/w:pPr/w:spacing", NS)
    assert spacing.get(w("lineRule")) == "exact" and int(spacing.get(w("line"))) == pitch


def test_footer_is_7mm_below_the_text_block(document):
    margin = document.find("w:body/w:sectPr/w:pgMar", NS)
    top_of_footer = (int(margin.get(w("footer"))) + 14 * 20) / TWIPS_PER_MM  # the 4号 number line
    assert 35 - top_of_footer == pytest.approx(7, abs=1)


def test_page_numbers_are_dashed_4hao_songti_right_on_odd_left_on_even(built, document):
    final = document.find("w:body/w:sectPr", NS)
    refs = {ref.get(w("type")): ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            for ref in final.findall("w:footerReference", NS)}
    assert set(refs) == {"default", "even"}
    rels = part(built, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    for kind, align in (("default", "right"), ("even", "left")):
        footer = part(built, f"word/{targets[refs[kind]]}")
        p = footer.find("w:p", NS)
        assert p.find("w:pPr/w:jc", NS).get(w("val")) == align
        assert "PAGE" in "".join(t.text for t in footer.iter(w("instrText")))
        assert text_of(p).startswith("— ") and text_of(p).endswith(" —")
        for r in p.findall("w:r", NS):
            assert run_font(r) == "宋体" and run_size(r) == 28
    # the cover and the contents carry no page number
    for section in document.findall(".//w:pPr/w:sectPr", NS):
        assert section.find("w:footerReference", NS) is None


# --- type --------------------------------------------------------------------------------

def test_every_run_names_its_east_asian_font(document):
    runs = [r for r in document.iter(w("r")) if r.find("w:t", NS) is not None]
    assert len(runs) > 500
    assert all(r.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) for r in runs)


def test_body_is_fangsong_3hao(styles, document, handbook):
    normal = styles.find("w:style[@w:styleId='Normal']", NS)
    assert normal.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "仿宋_GB2312"
    assert normal.find("w:rPr/w:sz", NS).get(w("val")) == "32"
    body = [p for p in document_paragraphs(document, by_id(handbook, "shiwuhui-rules").doc.title)
            if style_of(p) == "Normal"]
    assert len(body) >= 39
    assert {(run_font(r), run_size(r)) for p in body for r in text_runs(p)} == {("仿宋_GB2312", 32)}


def test_titles_are_2hao_xiaobiaosong_centred(document, styles):
    assert styles.find("w:style[@w:styleId='Heading1']/w:pPr/w:jc", NS).get(w("val")) == "center"
    for title in titles(document):
        assert {(run_font(r), run_size(r)) for r in text_runs(title)} == {("方正小标宋简体", 44)}


def test_chapters_are_heiti_3hao_and_article_labels_bold(document, handbook):
    doc = document_paragraphs(document, by_id(handbook, "shiwuhui-rules").doc.title)
    chapters = [p for p in doc if style_of(p) == "Heading2"]
    assert [text_of(p) for p in chapters][:2] == ["第一章 总则", "第二章 议事决策范围"]
    assert {(run_font(r), run_size(r)) for p in chapters for r in text_runs(p)} == {("黑体", 32)}
    article = next(p for p in doc if text_of(p).startswith("第十六条"))
    label, *rest = text_runs(article)
    assert text_of(label) == "第十六条" and is_bold(label)
    assert rest and not any(is_bold(r) for r in rest)


def test_outline_levels_heiti_kaiti_and_bold_numbers(document, handbook):
    doc = document_paragraphs(document, by_id(handbook, "sanzhong-yida-rules").doc.title)
    first_runs = [text_runs(p)[0] for p in doc if text_runs(p)]
    level1 = [r for r in first_runs if re.match(r"^[一二三四五六七八九十]+、", text_of(r))]
    level2 = [r for r in first_runs if re.match(r"^（[一二三四五六七八九十]+）", text_of(r))]
    level3 = [r for r in first_runs if re.match(r"^\d+[.、]", text_of(r))]
    assert level1 and level2 and level3
    assert {run_font(r) for r in level1} == {"黑体"}
    assert {run_font(r) for r in level2} == {"楷体_GB2312"}
    assert all(run_font(r) == "仿宋_GB2312" and is_bold(r) for r in level3)


# --- contents and order ------------------------------------------------------------------

def test_every_document_starts_a_new_page_in_order(document, handbook):
    heads = titles(document)
    ordered = print_order(handbook.structures)
    assert [text_of(p) for p in heads] == [s.doc.title for s in ordered]
    assert all(p.find("w:pPr/w:pageBreakBefore", NS) is not None for p in heads)
    breaks = [p for p in body_paragraphs(document) if p.find("w:pPr/w:pageBreakBefore", NS) is not None]
    blank_pages = [p for p in breaks if p.find("w:r", NS) is None]  # the back of the cover and of the contents
    assert 1 <= len(blank_pages) <= 2
    breaks = [p for p in breaks if p not in blank_pages] + document.findall(".//w:br[@w:type='page']", NS)
    own_page_figures = [p for p in breaks if style_of(p) == "Figure"]
    assert len(breaks) == len(ordered) + len(own_page_figures)


def test_all_45_entries_of_the_2019_contents_in_order(document, handbook):
    listed = sorted((s.doc for s in handbook.structures if s.doc.seq), key=lambda d: d.seq)
    assert [d.seq for d in listed] == list(range(1, 46))
    printed = [text_of(p) for p in titles(document)]
    positions = [printed.index(d.title) for d in listed]
    assert positions == sorted(positions)


def test_contents_is_a_toc_field_written_with_its_entries_and_pages(built, document):
    instructions = "".join(t.text for t in document.iter(w("instrText")))
    assert 'TOC \\o "1-1"' in instructions
    begin = document.find(".//w:fldChar[@w:fldCharType='begin']", NS)
    assert begin.get(w("dirty")) is None  # refreshed on demand, never on open
    entries = contents_entries(built)
    assert [title for title, _ in entries] == [text_of(p) for p in titles(document)]
    pages = [page for _, page in entries]
    assert pages[0] >= 3 and pages[0] % 2 == 1  # after cover and contents, on an odd page
    assert pages == sorted(pages) and len(set(pages)) == len(pages)
    toc_lines = [p for p in body_paragraphs(document) if style_of(p) == "TOC1"]
    assert all(p.find(".//w:tab", NS) is not None for p in toc_lines)
    assert all(p.find("w:hyperlink", NS).get(w("anchor")).startswith("_Toc") for p in toc_lines)


def test_cover_has_title_issuer_edition_and_internal_mark(document, handbook):
    paragraphs = body_paragraphs(document)
    cover_end = next(i for i, p in enumerate(paragraphs) if p.find("w:pPr/w:sectPr", NS) is not None)
    cover = [text_of(p) for p in paragraphs[:cover_end + 1]]
    compendium = handbook.compendium
    assert cover[0] == "内部资料"
    assert compendium.title in cover and compendium.issuer in cover
    assert compendium.edition_date in cover and re.fullmatch(r"二〇[一二三四五六七八九〇]{2}年.+月", compendium.edition_date)


def test_public_edition_has_no_internal_mark(handbook, tmp_path):
    path = build_compendium(handbook.compendium, handbook.structures[:3], handbook.index, tmp_path / "c.docx",
                            internal_mark=False)
    assert "内部资料" not in "".join(t.text or "" for t in part(path, "word/document.xml").iter(w("t")))


# --- the words ---------------------------------------------------------------------------

@pytest.mark.parametrize("doc_id", ["shiwuhui-rules", "zhuren-meeting-rules", "sanzhong-yida-rules",
                                    "document-management", "secretariat-two-rules", "supervision-rules"])
def test_text_is_the_sites_text(document, handbook, doc_id):
    s = by_id(handbook, doc_id)
    printed = [text_of(p) for p in document_paragraphs(document, s.doc.title) if style_of(p) not in EDITORIAL_STYLES]
    assert printed == "\n".join(plain.document_lines(s, handbook.index)).split("\n")


def test_pending_entry_is_a_titled_page_saying_text_not_entered(document, handbook):
    pending = by_id(handbook, "finance-rules").doc
    texts = [text_of(p) for p in document_paragraphs(document, pending.title)]
    assert "正文待录入" in texts
    assert any(f"第{pending.source_page}页" in t for t in texts)


def test_incomplete_document_says_so_after_its_text(document, handbook):
    doc = by_id(handbook, "information-research-rules").doc
    assert doc.incomplete
    *_, text, last = document_paragraphs(document, doc.title)
    assert style_of(last) in EDITORIAL_STYLES and "正文不完整" in text_of(last)
    assert text.find("w:pPr/w:keepNext", NS) is not None  # the note never alone on a page (p. 58 once)


def test_flowchart_png_is_scaled_into_the_text_block(built, document, handbook):
    flow = by_id(handbook, FLOW_WITH_PNG).doc
    drawings = [e for e in block_elements_between(document, flow.title) for e in e.iter(f"{{{NS['wp']}}}extent")]
    assert len(drawings) == 1
    width, height = int(drawings[0].get("cx")), int(drawings[0].get("cy"))
    emu_per_mm = 36000
    assert width <= 156 * emu_per_mm + 1 and height <= 225 * emu_per_mm + 1
    assert height / width == pytest.approx(2.0, rel=0.01)  # aspect kept
    with zipfile.ZipFile(built) as archive:
        assert archive.read("word/media/image1.png") == (built.parent / "flow.png").read_bytes()
    texts = [text_of(p) for p in document_paragraphs(document, flow.title)]
    assert flow.source_text not in texts  # the drawing replaces the flattened text
    missing = [text_of(p) for p in document_paragraphs(document, by_id(handbook, FLOW_WITHOUT_PNG).doc.title)]
    assert any("未随汇编生成" in t for t in missing)


def test_blank_form_is_printed_under_its_title(built, document, handbook):
    title = by_id(handbook, FORM_DOC).doc.title
    elements = block_elements_between(document, title)
    tables = [e for e in elements if e.tag == w("tbl")]
    assert len(tables) == 1
    assert "借阅单位" in text_of(tables[0])
    assert "请填写" not in text_of(tables[0])  # a blank to fill by hand: no prompts on paper
    assert not any(e.tag == w("p") and text_of(e) == "涉密文件借阅单" for e in elements)  # form's own title dropped
    assert tables[0].find("w:tblPr/w:tblStyle", NS).get(w("val")) == "FormTableGrid"
    style_ids = {s.get(w("styleId")) for s in part(built, "word/styles.xml").iter(w("style"))}
    assert {"FormTableGrid", "FormNormal"} <= style_ids
    assert document.find(".//w:sdt", NS) is None  # no content controls in print


def test_no_prompt_of_the_real_blank_forms_is_printed(handbook, tmp_path):
    from handbook.forms.output import write_blank_forms
    from handbook.render.form_print import form_body

    blanks = write_blank_forms(tmp_path, handbook.root, handbook.forms)
    assert blanks
    for path in blanks:
        body = form_body(path, "")
        text = "".join(text_of(e) for e in body.elements)
        assert len(text) > 20 and not re.search("请输入|请选择|请填写", text), path.name
        nodes = [node for e in body.elements for node in e.iter(w("sdt"), w("rStyle"))]
        assert not [n for n in nodes if n.tag == w("sdt") or n.get(w("val")) == "PlaceholderText"], path.name


def test_a_form_too_tall_under_its_title_and_note_is_made_shorter_not_sent_to_the_next_page(document, handbook):
    """Sent on, it would leave a page holding only the title and the editor's note."""
    doc = by_id(handbook, TALL_FORM_DOC).doc
    assert doc.kind == "form" and doc.note
    elements = block_elements_between(document, doc.title)
    table = next(e for e in elements if e.tag == w("tbl"))
    assert table.find(".//w:p/w:pPr/w:pageBreakBefore", NS) is None
    heights = [int(h.get(w("val"))) for h in table.iter(w("trHeight"))]
    assert len(heights) == 16 and all(360 <= h < 600 for h in heights)  # set at 600 in the form
    lines_above = sum(1 for e in elements if e.tag == w("p") and text_of(e)) + 1  # title, note, 空一行
    assert sum(heights) * 1.15 <= (22 - lines_above) * 579 + 579
    texts = [text_of(e) for e in elements if e.tag == w("p")]
    assert "正文待录入" not in texts  # the form is printed, so nothing is missing
    small = next(e for e in block_elements_between(document, by_id(handbook, FORM_DOC).doc.title)
                 if e.tag == w("tbl"))
    assert small.find(".//w:pageBreakBefore", NS) is None


def test_hostile_text_stays_text(tmp_path):
    nasty = "<script>alert(1)</script> {{ x }} {% if %} & \" ' 😀\x07"
    doc = model.DOCUMENT.validate_python({
        "id": "nasty", "kind": "rules", "title": "测试<b>规则</b>", "issuer": "某机关", "category": "议事决策",
        "articles": [nasty]})
    compendium = model.COMPENDIUM.validate_python({
        "title": "汇编", "edition": "2019", "issuer": "某机关", "categories": [{"name": "议事决策"}]})
    s = kinds.build_structure(doc)
    path = build_compendium(compendium, [s], Index([s]), tmp_path / "c.docx")
    texts = [text_of(p) for p in body_paragraphs(part(path, "word/document.xml"))]
    assert "第一条 " + nasty.replace("\x07", "") in texts
    assert "测试<b>规则</b>" in texts
    assert len(docx.Document(str(path)).paragraphs) > 3


# --- the file ----------------------------------------------------------------------------

def test_opens_with_python_docx(built):
    opened = docx.Document(str(built))
    assert len(opened.paragraphs) > 500
    assert opened.core_properties.title == "区委办公室工作制度汇编"


def test_named_after_title_and_edition(built, handbook):
    assert built.name == compendium_filename(handbook.compendium) == "区委办公室工作制度汇编-2019.docx"


def test_same_sources_same_bytes_and_no_clock(handbook, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    args = (handbook.compendium, handbook.structures, handbook.index)
    first = build_compendium(*args, tmp_path / "a.docx").read_bytes()
    second = build_compendium(*args, tmp_path / "b.docx").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "a.docx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2019, 1, 1, 0, 0, 0)}
        assert archive.namelist()[0] == "[Content_Types].xml"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    stamped = build_compendium(*args, tmp_path / "c.docx")
    core = part(stamped, "docProps/core.xml")
    created = core.find("{http://purl.org/dc/terms/}created").text
    assert created == "2023-11-14T22:13:20Z"


def test_long_titles_break_between_words_into_balanced_lines():
    assert title_lines("中共X区委员会办公室室务会会议议事决策规则") == ["中共X区委员会办公室", "室务会会议议事决策规则"]
    lines = title_lines("中共X区委办公室“三重一大”议事规则（试行）")
    assert lines == ["中共X区委办公室“三重一大”", "议事规则（试行）"]
    assert title_lines("X区委办公室公文管理制度") == ["X区委办公室公文管理制度"]


def brute_force_title_lines(title: str) -> list[str]:
    """The former search over every combination of cuts (exponential), as the reference."""
    import itertools
    import math

    from handbook.render.title_lines import TITLE_CHARS, _title_cuts, _width

    count = math.ceil(_width(title) / TITLE_CHARS)
    if count <= 1:
        return [title]
    best = None
    for chosen in itertools.combinations(_title_cuts(title), count - 1):
        bounds = (0, *chosen, len(title))
        lines = [title[a:b] for a, b in zip(bounds, bounds[1:])]
        widths = [_width(line) for line in lines]
        if max(widths) > TITLE_CHARS:
            continue
        key = (max(widths) - min(widths), [-w for w in widths])
        if best is None or key < best[0]:
            best = (key, lines)
    return best[1] if best else [title]


TITLE_PIECES = ["中共X区委", "办公室", "关于", "进一步", "加强和改进", "机关", "作风建设", "的", "实施意见", "（试行）",
                "“三重一大”", "《党政机关公文处理工作条例》", "2019年", "第3批", "ABC", "工作", "规则", "、", "和",
                "涉密载体（介质）", "管理制度", "通知", "〔2019〕12号"]


def random_title(rng, pieces: int) -> str:
    return "".join(rng.choice(TITLE_PIECES) for _ in range(pieces))


def test_title_wrapping_gives_what_trying_every_combination_gives():
    import random

    rng = random.Random(9704)
    titles = [random_title(rng, rng.randint(2, 14)) for _ in range(150)]
    from handbook.render.title_lines import TITLE_CHARS, _width

    compared = 0
    for title in titles:
        expected, lines = brute_force_title_lines(title), title_lines(title)
        if len(expected) > 1 or _width(title) <= TITLE_CHARS:
            assert lines == expected, title
            compared += 1
        else:  # no way to fill the fewest lines the width needs: now one line more, not one long line
            assert "".join(lines) == title and all(_width(line) <= TITLE_CHARS for line in lines), title
    assert compared >= 100


def test_title_wrapping_is_polynomial_on_a_2000_character_title():
    """2,000 characters (100 lines): every combination of cuts would never end."""
    import random
    import time

    from handbook.render import title_lines as compendium

    rng = random.Random(2000)
    title = random_title(rng, 400)[:2000]
    title_lines(title[:40])  # jieba loads its dictionary once
    started = time.process_time()
    lines = title_lines(title)
    assert time.process_time() - started < 1.0
    assert "".join(lines) == title and len(lines) >= -(-compendium._width(title) // 20) > 70
    assert all(compendium._width(line) <= 20 for line in lines)

    class Counted(list):
        reads = 0

        def __getitem__(self, key):
            Counted.reads += 1
            return super().__getitem__(key)

    offsets = Counted(range(0, 4000, 3))  # a cut every 1.5 characters: the widest search window
    assert compendium.balanced_breaks(offsets, 105, 40) is not None
    assert Counted.reads < 500 * len(offsets)  # linear in the cuts (times the window and the search: ~200)


def test_title_wrapping_fuzz_over_long_titles():
    import random

    from handbook.render.title_lines import TITLE_CHARS, _width

    rng = random.Random(18)
    alphabet = "中共区委办公室关于加强规则制度的“”（）《》〔〕、，。：ABCxyz0123 "
    for _ in range(40):
        title = "".join(rng.choice(alphabet) for _ in range(rng.randint(100, 1500)))
        lines = title_lines(title)
        assert "".join(lines) == title
        if len(lines) > 1:
            assert len(lines) == -(-_width(title) // TITLE_CHARS)
            assert all(_width(line) <= TITLE_CHARS for line in lines)


def test_flowchart_joins_its_title_and_note_rather_than_leave_them_alone_on_a_page(document, handbook):
    flow = by_id(handbook, FLOW_WITH_PNG).doc
    elements = block_elements_between(document, flow.title)
    figure = next(e for e in elements if e.find(".//wp:extent", NS) is not None)
    assert figure.find("w:pPr/w:pageBreakBefore", NS) is None
    above = elements[:elements.index(figure)]
    assert [style_of(p) for p in above] == ["Heading1", "EditorNote"]
    lines = 1 + 1 + -(-len(text_of(above[1])) // 26)  # title, 空一行, the note
    height = int(figure.find(".//wp:extent", NS).get("cy")) / 635
    assert height <= (22 - lines) * 579


def test_editor_notes_print_no_ids_nor_extraction_notes(document, handbook):
    notes = [text_of(p) for p in body_paragraphs(document) if style_of(p) in EDITORIAL_STYLES]
    assert len(notes) > 30
    for note in notes:
        assert not re.search(r"提取|建模|点击|[a-z]+-[a-z]+", note), note
    slip = [text_of(p) for p in document_paragraphs(document, by_id(handbook, FORM_DOC).doc.title)]
    assert "编者注：原件为表格。" in slip  # the form is printed in place of the text, so no 原件文字附后
    flow = [text_of(p) for p in document_paragraphs(document, by_id(handbook, FLOW_WITH_PNG).doc.title)]
    assert any(t.startswith("编者注：原件为流程图。此图按原件文字重绘") and "附于文末" not in t for t in flow)
    pending = [text_of(p) for p in document_paragraphs(document, by_id(handbook, "finance-rules").doc.title)]
    assert "编者注：原件正文未能保留，仅存目录中的标题和页码，正文待录入。" in pending  # readers' notes stay whole


def test_reader_note_keeps_the_sentences_for_readers():
    from handbook.render.compendium import reader_note

    note = "原件为流程图，提取时图中文字被压平。此图按原件文字重绘（先后顺序照录原件，见“一、总则”）；原件文字附于文末。"
    assert reader_note(note) == "原件为流程图。此图按原件文字重绘（先后顺序照录原件，见“一、总则”）；原件文字附于文末。"
    assert reader_note(note, replaced=True) == "原件为流程图。此图按原件文字重绘（先后顺序照录原件，见“一、总则”）。"
    assert reader_note("原件为表格，其内容未能保留；表格 leave-approval 按通行做法设计") == \
        "原件为表格，其内容未能保留；表格按通行做法设计"
    assert reader_note("原件流程图的文字在提取时未能保留。") == ""


def test_kaiti_note_is_left_aligned_not_justified(styles):
    for style_id in ("EditorNote",):
        assert styles.find(f"w:style[@w:styleId='{style_id}']/w:pPr/w:jc", NS).get(w("val")) == "left"


def test_a_document_with_a_long_plain_title_builds(tmp_path):
    """Issue: a plain title of 105+ characters made the build try every combination of cuts."""
    title = "中共X区委办公室关于进一步加强和改进机关作风建设切实提高工作效率和服务质量的实施意见" * 4  # 168 characters
    doc = model.DOCUMENT.validate_python({
        "id": "long", "kind": "rules", "title": title, "issuer": "某机关", "category": "议事决策",
        "articles": ["本办法自印发之日起施行。"]})
    compendium = model.COMPENDIUM.validate_python({
        "title": "汇编", "edition": "2019", "issuer": "某机关", "categories": [{"name": "议事决策"}]})
    s = kinds.build_structure(doc)
    path = build_compendium(compendium, [s], Index([s]), tmp_path / "c.docx")
    heading = titles(part(path, "word/document.xml"))[0]
    assert text_of(heading) == title
    assert len(heading.findall("w:r/w:br", NS)) == len(title_lines(title)) - 1 >= 8


# --- flowcharts as printed: readable, continued rather than shrunk --------------------------

EMU_PER_MM = 36000
BOX_TEXT_FLOOR_PT = 7.0  # what a reader can still read, however wide or tall the chart


def png_size(png: bytes) -> tuple[int, int, int]:
    width, height = struct.unpack_from(">II", png, 16)
    at = png.index(b"pHYs")
    per_metre, _, unit = struct.unpack_from(">IIB", png, at + 4)
    assert unit == 1
    return width, height, round(per_metre * 0.0254)


def box_text_px(svg: str) -> float:
    """The size D2 set the boxes' text in (CSS px): the commonest label size (an arrow's label is smaller)."""
    sizes = re.findall(r"<text [^>]*font-size:([\d.]+)px", svg)
    return float(max(set(sizes), key=sizes.count))


def printed_flowcharts(docx_path: Path) -> dict[str, list[dict]]:
    """Each flowchart's pictures in print order: size, crop, and the image's pixels and resolution."""
    with zipfile.ZipFile(docx_path) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels}
        charts: dict[str, list[dict]] = {}
        for inline in document.iter(f"{{{NS['wp']}}}inline"):
            extent = inline.find("wp:extent", NS)
            blip = inline.find(".//a:blip", NS)
            crop = inline.find(".//a:srcRect", NS)
            width, height, dpi = png_size(archive.read("word/" + target[blip.get(f"{{{R}}}embed")]))
            charts.setdefault(inline.find("wp:docPr", NS).get("descr"), []).append({
                "cx": int(extent.get("cx")), "cy": int(extent.get("cy")), "px": (width, height), "dpi": dpi,
                "crop": tuple(int(crop.get(side, 0)) / 100000 if crop is not None else 0.0 for side in "tb")})
    return charts


def test_flowcharts_print_their_box_text_readable_and_continue_over_pages(built_site, handbook):
    docx_path = built_site / "downloads" / compendium_filename(handbook.compendium)
    charts = printed_flowcharts(docx_path)
    flows = [s.doc.id for s in handbook.structures if getattr(s.doc, "kind", None) == "flow"]
    assert sorted(charts) == sorted(f"{flow}.png" for flow in flows if (built_site / f"{flow}.png").is_file())
    continued = 0
    for name, pieces in charts.items():
        text_px = box_text_px((built_site / name).with_suffix(".svg").read_text(encoding="utf-8"))
        scales = set()
        for piece in pieces:
            (width, height), dpi = piece["px"], piece["dpi"]
            scale = piece["cx"] / (width / dpi * 25.4 * EMU_PER_MM)
            shown = 1 - piece["crop"][0] - piece["crop"][1]
            assert piece["cy"] == pytest.approx(scale * height * shown / dpi * 25.4 * EMU_PER_MM, rel=0.01), name
            assert piece["cx"] <= 156.1 * EMU_PER_MM and piece["cy"] <= 225.1 * EMU_PER_MM, name  # the 版心
            scales.add(round(scale, 3))
        assert len(scales) == 1, (name, scales)  # every piece at the same size
        box_text_pt = text_px * 0.75 * scales.pop()
        assert box_text_pt >= BOX_TEXT_FLOOR_PT, (name, box_text_pt)
        tops = [piece["crop"][0] for piece in pieces]
        bottoms = [1 - piece["crop"][1] for piece in pieces]
        assert tops[0] == 0 and bottoms[-1] == 1 and tops[1:] == pytest.approx(bottoms[:-1], abs=1e-4), name
        continued += len(pieces) > 1
    assert continued >= 1  # the real charts include some too tall for one page at a readable size


def test_a_continued_flowchart_says_so_on_each_further_page(built_site, handbook):
    with zipfile.ZipFile(built_site / "downloads" / compendium_filename(handbook.compendium)) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
    for flow in (s.doc for s in handbook.structures if getattr(s.doc, "kind", None) == "flow"):
        elements = block_elements_between(document, flow.title)
        pictures = [e for e in elements if e.find(".//wp:inline", NS) is not None]
        if not pictures:
            continue
        assert pictures[0].find("w:pPr/w:pageBreakBefore", NS) is None  # under its title and note
        for picture in pictures[1:]:
            caption = elements[elements.index(picture) - 1]
            assert text_of(caption) == f"{flow.title}（续）"
            assert caption.find("w:pPr/w:pageBreakBefore", NS) is not None


def test_a_tall_chart_is_cut_between_its_boxes_never_through_one(tmp_path):
    from handbook.render.figure_pages import drawing, layout, pieces

    boxes = [(40 + 160 * n, 100) for n in range(12)]  # (top, height) in CSS px, arrows between
    shapes = "".join(
        f'<g class="b{n} node"><g class="shape"><rect x="50" y="{top}" width="300" height="{height}"/></g>'
        f'<text x="200" y="{top + 55}" style="font-size:15px"><tspan dy="0">第{n}步</tspan></text></g>'
        f'<path d="M 200 {top + height} L 200 {top + 160}" class="connection"/>' for n, (top, height) in enumerate(boxes))
    wide_arrow = '<path d="M 60 1980 L 340 1980" class="connection"/>'  # an arrow running across a gap
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="2000" viewBox="0 0 400 2000">'
           f'<svg width="400" height="2000" viewBox="0 0 400 2000">{shapes}{wide_arrow}</svg></svg>')
    (tmp_path / "c.svg").write_text(svg, encoding="utf-8")
    (tmp_path / "c.png").write_bytes(png_bytes(800, 4000, dpi=192))  # 2 pixels a CSS px: 106 × 529 mm drawn
    chart = drawing(tmp_path / "c.png", tmp_path / "c.svg")
    page = 200 * EMU_PER_MM
    plan = layout(chart, 156 * EMU_PER_MM, 150 * EMU_PER_MM, page)
    # 529 mm drawn: on two pages (150 + 200 mm) the boxes' 11.25 pt text prints at 7 pt or more
    assert len(plan.pieces) == 2 and 7.0 <= chart.text_pt(plan.scale) < 7.5
    for cut_up in (plan.pieces, pieces(chart, 1.0, 150 * EMU_PER_MM, page)):  # the fewest pages; full size
        assert cut_up[0][0] == 0 and cut_up[-1][1] == 4000
        for (_, cut), (start, _) in zip(cut_up, cut_up[1:]):
            assert cut == start
            assert not any(2 * top - 4 <= cut <= 2 * (top + height) + 4 for top, height in boxes), cut
            assert abs(cut - 2 * 1980) > 4
    assert len(pieces(chart, 1.0, 150 * EMU_PER_MM, page)) == 4  # cut between boxes, short of each room
    assert chart.emu(plan.pieces[0][1], plan.scale) <= 150 * EMU_PER_MM
    assert all(chart.emu(bottom - top, plan.scale) <= page for top, bottom in plan.pieces)
    short = layout(chart, 156 * EMU_PER_MM, 600 * EMU_PER_MM, page)
    assert short.pieces == ((0, 4000),)  # room enough: one piece
    (tmp_path / "c.svg").unlink()
    uncut = layout(drawing(tmp_path / "c.png"), 156 * EMU_PER_MM, 150 * EMU_PER_MM, page)
    assert uncut.pieces == ((0, 4000),) and uncut.scale < 0.3  # without its SVG: shrunk, as before
