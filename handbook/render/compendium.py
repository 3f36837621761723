"""The printed compendium: every document in one DOCX in the GB/T 9704-2012 layout.

Cover, contents (a Word TOC field written with its entries and pages filled in from
this module's own pagination, which Word refreshes on demand and never asks about on
open), then every document from a new page: title in 2号小标宋, the 印发 line, and the
text with its derived numbering. Flowcharts come in as PNG images (sized and, when too
tall to read on one page, continued over the next: figure_pages) and forms as their
blank layout to fill by hand when the build provides them (form_print); long titles are broken
into balanced lines by title_lines.

The words of every document come from handbook.render.plain, so the printed text
is the site's text; this module only decides how each line looks. The editor's
notes are the exception: they are printed for readers (reader_note).

One document for every program: Word, WPS and LibreOffice opening the file directly
give the same 28 characters a line, 22 lines a page and page count (see gbt9704).
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping, Sequence

from lxml import etree

from .. import model, urls
from ..dates import build_date
from ..text import width, words
from ..numbering import DIGITS
from ..refs import Index, plain_text
from ..structure import Element, Structure
from . import plain
from .figure_pages import Drawing, drawing, layout
from .form_print import FormBody, form_body
from .title_lines import CLOSING, OPENING, title_lines
from ..docx.gbt9704 import (BODY, BODY_SIZE, CHARS_PER_LINE, FANGSONG, HEADING_1, HEADING_2, HEADING_3, HEITI, KAITI,
                      LINE, LINES_PER_PAGE, SIZE_2, SIZE_XIAO2, SIZE_XIAOCHU, TEXT_HEIGHT, TEXT_WIDTH, TOC_1,
                      TOC_HEADING, XIAOBIAOSONG, Span, base_styles, field_runs, font_table_xml, footer_xml, ppr,
                      rpr, run, section_properties, settings_xml, style, styles_xml)
from ..docx.ooxml import NS, Package, app_xml, core_xml, el, qn, serialize

TITLE, CHAPTER, SECTION = HEADING_1, HEADING_2, HEADING_3
IMPRINT, SUBHEADING, NOTE, NOTE_CENTER, FIGURE = "Imprint", "Subheading", "EditorNote", "EditorNoteCenter", "Figure"
FIGURE_CONTINUED = "FigureContinued"
COVER_MARK, COVER_TITLE, COVER_ISSUER, COVER_DATE = "CoverMark", "CoverTitle", "CoverIssuer", "CoverDate"
EDITORIAL_STYLES = frozenset({NOTE, NOTE_CENTER, FIGURE_CONTINUED})  # the editor's words, not the document's
EMU_PER_TWIP = 635


def compendium_styles() -> list[etree._Element]:
    return base_styles() + [
        style(SUBHEADING, "汇编小标题", ppr(keep_next=True), HEITI),
        style(IMPRINT, "印发行", ppr(align="center", first_line=0), KAITI),
        style(NOTE, "编者注", ppr(align="left", keep_next=True), KAITI),  # left: 楷体 justified shows gaps
        style(NOTE_CENTER, "编者注居中", ppr(align="center", first_line=0), KAITI),
        style(FIGURE, "流程图", ppr(align="center", first_line=0, line=None, grid=False), FANGSONG),
        style(FIGURE_CONTINUED, "流程图续", ppr(align="center", first_line=0, keep_next=True), KAITI),
        style(COVER_MARK, "封面标识", ppr(align="left", first_line=0), HEITI),
        style(COVER_TITLE, "封面标题", ppr(align="center", first_line=0, line=None, grid=False),
              XIAOBIAOSONG, SIZE_XIAOCHU),
        style(COVER_ISSUER, "封面机关", ppr(align="center", first_line=0, line=None, grid=False),
              XIAOBIAOSONG, SIZE_XIAO2),
        style(COVER_DATE, "封面日期", ppr(align="center", first_line=0, grid=False), FANGSONG),
    ]


# --- what a document prints as ------------------------------------------------------------

@dataclass
class Block:
    """One paragraph: a style, its runs, and direct formatting where the style is not enough."""

    style: str
    spans: list[Span]
    size: int = BODY_SIZE
    before: int | None = None
    after: int | None = None
    bookmark: str | None = None
    page_break: bool = False
    breaks: tuple[int, ...] = ()  # span indexes that start a new line (balanced titles)
    keep_next: bool = False  # on the same page as the next paragraph

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass
class Figure:
    path: Path
    width: int  # EMU
    height: int
    page_break: bool = False  # on a page of its own, because under the title it would print too small
    crop: tuple[float, float] = (0.0, 0.0)  # the parts of the image above and below this piece (fractions)


Content = Block | Figure | FormBody

# Outline levels (GB/T 9704 7.3.3): 一、 黑体, （一） 楷体, 1. 仿宋 (label bold here), deeper levels 仿宋.
LEVEL_FONTS = {"一、": (HEITI, False), "（一）": (KAITI, False), "1.": (FANGSONG, True), "1、": (FANGSONG, True)}
_NUM = f"[{DIGITS}十百千零]+"
LABEL_STYLES = [(re.compile(f"^{_NUM}、$"), "一、"), (re.compile(f"^（{_NUM}）$"), "（一）"),
                (re.compile(r"^\d+\.$"), "1."), (re.compile(r"^\d+、$"), "1、")]


def document_blocks(structure: Structure, index: Index | None) -> list[Block]:
    """The document's lines exactly as handbook.render.plain prints them, each with its look.

    A line holding several paragraphs (preserved source text) becomes one block per paragraph."""
    words = (lambda ref: index.words(ref, structure.doc.id)) if index else None
    blocks = []
    for role, line in plain.document_pairs(structure, index):
        style = _PLAIN_STYLES[role] if isinstance(role, str) else role
        blocks += [_block(style, part, words) for part in line.split("\n")]
    return blocks


_PLAIN_STYLES = {plain.TITLE: TITLE, plain.IMPRINT: IMPRINT, plain.TEXT: BODY}
_ROLE_FONTS = {IMPRINT: KAITI, SUBHEADING: HEITI}


def _block(role: Element | str, line: str, words) -> Block:
    if role == TITLE:
        return title_block(line)
    if isinstance(role, str):
        return Block(role, [Span(line, _ROLE_FONTS.get(role, FANGSONG))])
    if role.kind == "chapter":
        return Block(CHAPTER, [Span(line, HEITI)])
    if role.kind == "section":
        return Block(SECTION, [Span(line, KAITI)])
    if role.kind == "heading":
        return Block(SUBHEADING, [Span(line, HEITI)])
    if role.kind == "article":
        return Block(BODY, _split(line, len(role.label), FANGSONG, True))
    if role.kind == "item":
        return Block(BODY, _item_spans(role, line, words))
    return Block(BODY, [Span(line)])


def _split(line: str, head: int, font: str, bold: bool) -> list[Span]:
    return [span for span in (Span(line[:head], font, bold), Span(line[head:])) if span.text]


def _item_spans(element: Element, line: str, words) -> list[Span]:
    """The label (and the item's own title) in its level's font; the running text in 仿宋."""
    font, bold = LEVEL_FONTS.get(label_style(element.label), (FANGSONG, False))
    if font == FANGSONG and not bold:
        return [Span(line)]
    head = element.label + plain_text(element.title or "", words)
    if not element.title and element.children and _heading_like(line):
        head = line  # an item that only heads its sub-items, e.g. 一、基本原则
    if not line.startswith(head):
        head = element.label
    return _split(line, len(head), font, bold)


def _heading_like(line: str) -> bool:
    return _width(line) <= CHARS_PER_LINE and "。" not in line.rstrip("。：:")


def label_style(label: str) -> str | None:
    for pattern, name in LABEL_STYLES:
        if pattern.match(label):
            return name
    return None


def title_block(title: str) -> Block:
    lines = title_lines(title)
    spans = [Span(line, XIAOBIAOSONG) for line in lines]
    return Block(TITLE, spans, size=SIZE_2, breaks=tuple(range(1, len(spans))))


def editorial_notes(doc: model.DocumentBase, edition: str, *, drawing_missing: bool = False,
                    replaced: bool = False) -> tuple[list[Block], list[Block]]:
    """The editor's paragraphs before and after a document's text (not part of the text itself).

    replaced: a drawing or a form is printed for the document, so its text is not missing."""
    before: list[Block] = []
    after: list[Block] = []
    if doc.status == "待录入" and not replaced:
        before.append(Block(NOTE_CENTER, [Span("正文待录入", KAITI)]))
        if doc.source_page:
            before.append(Block(NOTE_CENTER, [Span(f"（原件见{edition}年版汇编第{doc.source_page}页）", KAITI)]))
    note = reader_note(doc.note or "", replaced=replaced)
    if note:
        before.append(Block(NOTE, [Span(f"编者注：{note}", KAITI)]))
    if drawing_missing:
        before.append(Block(NOTE, [Span("（本流程图的图形未随汇编生成，请在手册网站上查看。）", KAITI)]))
    if doc.incomplete:
        after.append(Block(NOTE, [Span("（正文不完整：原件此后的内容未能保留。）", KAITI)]))
    return before, after


# Clauses of an editor's note that speak to editors, not readers: how the text was extracted
# (kept in the 勘误说明 and the editor guide), how it was modelled, and clicking, which paper cannot do.
_EDITORS_ONLY = ("提取", "建模", "点击")
_SOURCE_APPENDED = ("原件文字附",)  # not true in print when the drawing or form takes the text's place
_ID = re.compile(r"\s*\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+\b\s*")  # a document or form id (kebab-case)


def reader_note(note: str, *, replaced: bool = False) -> str:
    """The editor's note as printed for readers: clauses for editors left out, ids removed.

    The note is cut into clauses at ，；。 outside brackets and quotes; a sentence whose
    clauses all go leaves nothing, and the last clause kept in a sentence ends it."""
    dropped = _EDITORS_ONLY + (_SOURCE_APPENDED if replaced else ())
    sentences: list[str] = []
    for sentence in _clauses(_ID.sub("", note), "。"):
        kept = [clause for clause in _clauses(sentence.rstrip("。"), "，；")
                if not any(word in clause for word in dropped)]
        if kept:
            sentences.append("".join(kept).rstrip("，；") + "。")
    printed = "".join(sentences)
    return printed if note.rstrip().endswith("。") else printed.removesuffix("。")


def _clauses(text: str, ends: str) -> list[str]:
    """text cut after each of `ends` that is outside brackets and quotes (each piece keeps its mark)."""
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch in OPENING) - (ch in CLOSING)
        if ch in ends and depth <= 0:
            pieces.append(text[start:i + 1])
            start = i + 1
    if text[start:]:
        pieces.append(text[start:])
    return pieces


def is_flow(doc: model.DocumentBase) -> bool:
    return getattr(doc, "kind", None) == "flow"


# --- figures and forms --------------------------------------------------------------------

def figure_pieces(chart: Drawing, room: int, may_break: bool, title: str) -> list[Content]:
    """A flowchart scaled to the 版心 (figure_pages.layout), its first piece in the room left under
    the title (twips), any further piece on a page of its own under “title（续）”. When the room
    would shrink it to less than ¾ of its size on an empty page, or cut it where a page would not,
    it starts on the next page instead, unless may_break is false: a page holding only the title
    and the editor's note would look like a page left empty."""
    width, page, continued = (TEXT_WIDTH * EMU_PER_TWIP, (TEXT_HEIGHT - LINE) * EMU_PER_TWIP,
                              (TEXT_HEIGHT - 2 * LINE) * EMU_PER_TWIP)
    plan = layout(chart, width, room * EMU_PER_TWIP, continued)
    own_page = layout(chart, width, page, continued)
    next_page = may_break and (len(own_page.pieces) < len(plan.pieces) or (
        len(plan.pieces) == 1 and plan.scale < 0.75 * own_page.scale))
    if next_page:
        plan = own_page
    content: list[Content] = []
    for n, (top, bottom) in enumerate(plan.pieces):
        if n:
            content.append(Block(FIGURE_CONTINUED, [Span(f"{title}（续）", KAITI)], page_break=True))
        content.append(Figure(chart.path, chart.emu(chart.width, plan.scale), chart.emu(bottom - top, plan.scale),
                              page_break=next_page and n == 0,
                              crop=(top / chart.height, (chart.height - bottom) / chart.height)))
    return content


# --- paragraphs as XML --------------------------------------------------------------------

def paragraph(block: Block, bookmark_id: int | None = None) -> etree._Element:
    spacing = {"before": block.before, "after": block.after}
    properties = el("w:pPr", None, el("w:pStyle", {"val": block.style}),
                    el("w:keepNext") if block.keep_next else None,
                    el("w:pageBreakBefore") if block.page_break else None,
                    el("w:spacing", spacing) if any(v is not None for v in spacing.values()) else None)
    node = el("w:p", None, properties)
    marked = block.bookmark is not None and bookmark_id is not None
    if marked:
        node.append(el("w:bookmarkStart", {"id": bookmark_id, "name": block.bookmark}))
    for i, span in enumerate(block.spans):
        if i in block.breaks:
            node.append(el("w:r", None, rpr(span.font, block.size), el("w:br")))
        node.append(run(span, block.size))
    if marked:
        node.append(el("w:bookmarkEnd", {"id": bookmark_id}))
    return node


def figure_paragraph(fig: Figure, rid: str, number: int) -> etree._Element:
    name = fig.path.name
    extent = {"cx": fig.width, "cy": fig.height}
    top, bottom = (round(part * 100000) for part in fig.crop)  # thousandths of a percent
    crop = el("a:srcRect", {"t": top, "b": bottom}) if top or bottom else None
    picture = el("pic:pic", None,
                 el("pic:nvPicPr", None, el("pic:cNvPr", {"id": 0, "name": name}), el("pic:cNvPicPr")),
                 el("pic:blipFill", None, el("a:blip", {"r:embed": rid}), crop,
                    el("a:stretch", None, el("a:fillRect"))),
                 el("pic:spPr", None, el("a:xfrm", None, el("a:off", {"x": 0, "y": 0}), el("a:ext", extent)),
                    el("a:prstGeom", {"prst": "rect"}, el("a:avLst"))))
    inline = el("wp:inline", {"distT": 0, "distB": 0, "distL": 0, "distR": 0},
                el("wp:extent", extent), el("wp:docPr", {"id": number, "name": f"图 {number}", "descr": name}),
                el("wp:cNvGraphicFramePr", None, el("a:graphicFrameLocks", {"noChangeAspect": 1})),
                el("a:graphic", None, el("a:graphicData", {"uri": NS["pic"]}, picture)))
    properties = el("w:pPr", None, el("w:pStyle", {"val": FIGURE}), el("w:pageBreakBefore") if fig.page_break else None)
    return el("w:p", None, properties, el("w:r", None, el("w:drawing", None, inline)))


# --- pagination, for the page numbers of the contents ------------------------------------

_width = width  # in body characters


def _block_lines(block: Block) -> int:
    per_line = CHARS_PER_LINE if block.size == BODY_SIZE else int(TEXT_WIDTH / 20 // block.size)
    indent = 2 if block.style in (BODY, NOTE, SUBHEADING) else 0
    lines = 0
    for i, span in enumerate(block.spans):
        if i == 0 or i in block.breaks:
            lines += 1
            used = indent if i == 0 else 0
        used += _width(span.text)
        while used > per_line:
            lines += 1
            used -= per_line
    return max(lines, 1) + round(((block.before or 0) + (block.after or 0)) / LINE)


def content_lines(item: Content) -> int:
    if isinstance(item, Block):
        return _block_lines(item)
    if isinstance(item, Figure):
        return math.ceil(item.height / EMU_PER_TWIP / LINE)
    return math.ceil(item.height / LINE)


def pages_of(content: list[Content]) -> int:
    lines = 0
    for item in content:
        if item.page_break:
            lines = math.ceil(lines / LINES_PER_PAGE) * LINES_PER_PAGE
        lines += content_lines(item)
    return max(1, math.ceil(lines / LINES_PER_PAGE))


# --- assembly -----------------------------------------------------------------------------

@dataclass
class Entry:
    doc: model.DocumentBase
    bookmark: str
    content: list[Content] = field(default_factory=list)


def compendium_filename(compendium: model.Compendium, suffix: str = ".docx") -> str:
    return urls.compendium_file(compendium, suffix)


def print_order(structures: Sequence[Structure]) -> list[Structure]:
    """The given order, except that a drawing of another document's procedure follows that document."""
    ids = {s.doc.id for s in structures}
    children: dict[str, list[Structure]] = {}
    for s in structures:
        parent = getattr(s.doc, "parent", None)
        if parent in ids and parent != s.doc.id:
            children.setdefault(parent, []).append(s)
    placed = {id(s) for group in children.values() for s in group}
    out: list[Structure] = []
    for s in structures:
        if id(s) not in placed:
            out.append(s)
            out += children.get(s.doc.id, [])
    return out


def build_compendium(compendium: model.Compendium, structures: Sequence[Structure], index: Index | None,
                     out_path: Path, *, flow_pngs: Mapping[str, Path] | None = None,
                     flow_svgs: Mapping[str, Path] | None = None, form_docs: Mapping[str, Path] | None = None, internal_mark: bool = True,
                     toc_pages: Sequence[int] | None = None) -> Path:
    """Write the compendium DOCX and return its path.

    out_path is the file, or an existing directory to hold compendium_filename().
    flow_pngs maps a document id to its flowchart PNG, form_docs to its blank
    form DOCX; either takes the place of the document's flattened source text.
    flow_svgs gives the SVG each PNG was drawn from, which says where a chart too
    tall for a page may be cut (without it, the chart is shrunk onto its page).
    toc_pages gives the first page of each document in print order (e.g. as
    measured in the PDF) for the contents, which are otherwise computed here (estimate_pages);
    Word only recomputes them when asked to update the field.
    """
    out_path = Path(out_path)
    if out_path.is_dir():
        out_path = out_path / compendium_filename(compendium)
    svgs = flow_svgs or {}
    charts = {doc_id: drawing(Path(png), Path(svgs[doc_id]) if doc_id in svgs else None)
              for doc_id, png in (flow_pngs or {}).items()}
    entries = [_entry(n, s, index, compendium.edition, charts, form_docs or {})
               for n, s in enumerate(print_order(structures), start=1)]
    package = Package()
    body = el("w:body")
    _cover(body, compendium, internal_mark)
    known = list(toc_pages or [])
    _contents(body, entries, known if len(known) == len(entries) else estimate_pages(entries))
    form_styles = _documents(body, entries, package)
    footers = {"default": package.add_footer(footer_xml("right")), "even": package.add_footer(footer_xml("left"))}
    body.append(section_properties(start="oddPage", footers=footers))
    package.parts["word/document.xml"] = serialize(el("w:document", {"mc:Ignorable": "w14 w15"}, body))
    package.parts["word/styles.xml"] = styles_xml(compendium_styles() + _unique_styles(form_styles))
    package.parts["word/settings.xml"] = settings_xml()
    package.parts["word/fontTable.xml"] = font_table_xml()
    for part in ("styles", "settings", "fontTable"):
        package.relate(part, f"{part}.xml")
    when = build_date(compendium)
    package.parts["docProps/core.xml"] = core_xml(compendium.title, compendium.issuer,
                                                  f"{compendium.edition}年版", when)
    package.parts["docProps/app.xml"] = app_xml()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    package.save(out_path, when)
    return out_path


def _entry(n: int, structure: Structure, index: Index | None, edition: str, charts: Mapping[str, Drawing],
           form_docs: Mapping[str, Path]) -> Entry:
    doc = structure.doc
    blocks = document_blocks(structure, index)
    bookmark = f"_Toc{n:08d}"
    blocks[0] = replace(blocks[0], bookmark=bookmark, page_break=True)
    header = 2 if doc.imprint else 1
    head, text = blocks[:header], blocks[header:]
    head[-1] = replace(head[-1], after=LINE)  # 空一行 between the title block and the text
    replaced = doc.id in charts or doc.id in form_docs
    before, after = editorial_notes(doc, edition, drawing_missing=is_flow(doc) and doc.id not in charts,
                                    replaced=replaced)
    replacement: list[Content] = []
    if replaced and doc.flattened_text:
        text = text[:-len(doc.flattened_text.split("\n"))]  # the drawing or form stands for its flattened text
    used = sum(content_lines(b) for b in head + before + text) + 1
    room = TEXT_HEIGHT - used % LINES_PER_PAGE * LINE  # left on the page where the drawing or form would start
    if doc.id in charts:
        replacement = figure_pieces(charts[doc.id], room, may_break=bool(text), title=doc.title)
    elif doc.id in form_docs:
        form = form_body(Path(form_docs[doc.id]), doc.title)
        needed = form.height * 1.15  # rows grow with their text
        if text:
            form.page_break = room < needed <= TEXT_HEIGHT
        elif room < needed:  # only the title and the editor's note above: the form joins them
            form.shrink(room / needed)
        replacement = [form]
    content: list[Content] = [*head, *before, *text, *replacement]
    if after and isinstance(content[-1], Block):  # a closing note never stands alone on a page
        content[-1] = replace(content[-1], keep_next=True)
    return Entry(doc, bookmark, content + after)


def _cover(body: etree._Element, compendium: model.Compendium, internal_mark: bool) -> None:
    blocks = [
        Block(COVER_MARK, [Span("内部资料", HEITI)] if internal_mark else []),
        Block(COVER_TITLE, [Span(compendium.title, XIAOBIAOSONG)], size=SIZE_XIAOCHU, before=6 * LINE),
        Block(COVER_ISSUER, [Span(compendium.issuer, XIAOBIAOSONG)], size=SIZE_XIAO2, before=9 * LINE),
        Block(COVER_DATE, [Span(compendium.edition_date or f"{compendium.edition}年", FANGSONG)], before=LINE),
    ]
    body.extend(paragraph(block) for block in blocks)
    body.extend(blank_page(section_properties(start="nextPage")))  # the back of the cover


def contents_pages(entries: list[Entry]) -> int:
    contents = [Block(TOC_HEADING, [Span("目录")], size=SIZE_2, after=LINE)]
    contents += [Block(TOC_1, [Span(e.doc.title + "……000")]) for e in entries]
    return pages_of(contents)


def estimate_pages(entries: list[Entry]) -> list[int]:
    """The first page of every document, counting the cover as page 1 and the blank pages that
    make the contents and the text start on odd pages."""
    listed = contents_pages(entries)
    page = 3 + listed + listed % 2
    pages = []
    for entry in entries:
        pages.append(page)
        page += pages_of(entry.content)
    return pages


def blank_page(sectPr: etree._Element) -> list[etree._Element]:
    """An empty page that ends a section, written out rather than left to the odd-page break:
    LibreOffice's PDF export drops the blank pages it inserts itself, Word prints them, so
    written out they count the same everywhere (the odd-page break stays as a safety net).
    The section's properties sit in a paragraph of their own, which LibreOffice may drop."""
    return [el("w:p", None, el("w:pPr", None, el("w:pageBreakBefore"))), el("w:p", None, el("w:pPr", None, sectPr))]


def _contents(body: etree._Element, entries: list[Entry], pages: list[int]) -> None:
    """A TOC field whose result lists every title with its page, as printed without any update."""
    body.append(paragraph(Block(TOC_HEADING, [Span("目　录", XIAOBIAOSONG)], size=SIZE_2)))
    lines = [_contents_line(entry, page) for entry, page in zip(entries, pages)] or [
        el("w:p", None, el("w:pPr", None, el("w:pStyle", {"val": TOC_1})))]
    field = field_runs('TOC \\o "1-1" \\h \\z \\u', [])  # begin, instruction, separate, end
    for i, node in enumerate(field[:3], start=1):
        lines[0].insert(i, node)
    lines[-1].append(field[-1])
    body.extend(lines)
    if contents_pages(entries) % 2:  # the text starts on an odd page
        body.extend(blank_page(section_properties(start="oddPage")))
    else:
        lines[-1].find(qn("w:pPr")).append(section_properties(start="oddPage"))


def _contents_line(entry: Entry, page: int) -> etree._Element:
    link = el("w:hyperlink", {"anchor": entry.bookmark, "history": 1},
              run(Span(entry.doc.title)), el("w:r", None, rpr(FANGSONG, BODY_SIZE), el("w:tab")), run(Span(str(page))))
    return el("w:p", None, el("w:pPr", None, el("w:pStyle", {"val": TOC_1})), link)


def _documents(body: etree._Element, entries: list[Entry], package: Package) -> list[etree._Element]:
    styles: list[etree._Element] = []
    bookmark = figure_no = control = 0
    images: dict[Path, str] = {}  # a chart cut into pieces is one image, shown cropped
    for entry in entries:
        for item in entry.content:
            if isinstance(item, Block):
                bookmark += item.bookmark is not None
                body.append(paragraph(item, bookmark))
            elif isinstance(item, Figure):
                figure_no += 1
                if item.path not in images:
                    images[item.path] = package.add_image(item.path.read_bytes(),
                                                          item.path.suffix.lstrip(".").lower() or "png")
                rid = images[item.path]
                body.append(figure_paragraph(item, rid, figure_no))
            else:
                if item.page_break:
                    _break_before(item.elements[0])
                for element in item.elements:
                    for node in element.iter(qn("w:id")):
                        if node.getparent().tag == qn("w:sdtPr"):  # content control ids must stay unique
                            control += 1
                            node.set(qn("w:val"), str(control))
                    body.append(element)
                styles += item.styles
    return styles


def _break_before(element: etree._Element) -> None:
    """Start the page at this block (for a table: at its first cell's paragraph, which Word honours)."""
    first = element if element.tag == qn("w:p") else next(element.iter(qn("w:p")))
    properties = first.find(qn("w:pPr"))  # every form paragraph has one (its style)
    leading = [c for c in properties if etree.QName(c).localname in ("pStyle", "keepNext", "keepLines")]
    properties.insert(len(leading), el("w:pageBreakBefore"))


def _unique_styles(styles: list[etree._Element]) -> list[etree._Element]:
    seen: dict[str, etree._Element] = {}
    for node in styles:
        seen.setdefault(node.get(qn("w:styleId")), node)
    return [seen[k] for k in sorted(seen)]


def contents_entries(docx: Path) -> list[tuple[str, int]]:
    """The contents as written: (title, page) in print order."""
    with zipfile.ZipFile(docx) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
    out = []
    for p in document.iter(qn("w:p")):
        style_node = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style_node is None or style_node.get(qn("w:val")) != TOC_1:
            continue
        link = p.find(qn("w:hyperlink"))
        if link is None:
            continue
        texts = [t.text or "" for t in link.iter(qn("w:t"))]
        out.append(("".join(texts[:-1]), int(texts[-1])))
    return out
