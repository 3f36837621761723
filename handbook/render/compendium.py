"""The printed compendium: every document in one DOCX laid out per GB/T 9704-2012.

A4, 版心 156 × 225 mm (top 37 mm, bottom 35 mm, binding side 28 mm, outer
26 mm, mirrored), body 仿宋_GB2312 3号 on a 22 × 28 document grid, page numbers
"— N —" in 4号 宋体 7 mm below the 版心, odd pages right and even pages left.

The words of every document come from handbook.render.plain, so the printed
text is exactly the site's text; this module only decides how each line looks.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from lxml import etree

from .. import model
from ..numbering import DIGITS
from ..refs import Index, plain_text
from ..structure import Element, Structure
from . import plain
from .ooxml import NS, Package, app_xml, core_xml, el, qn, serialize, source_date


# --- page geometry (twips: 1/20 pt) -------------------------------------------------------

def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


PAGE_WIDTH, PAGE_HEIGHT = twips(210), twips(297)
MARGIN_TOP, MARGIN_BOTTOM = twips(37), twips(35)
MARGIN_INNER, MARGIN_OUTER = twips(28), twips(26)  # binding side / outer side, mirrored on even pages
TEXT_WIDTH = PAGE_WIDTH - MARGIN_INNER - MARGIN_OUTER  # 156 mm
TEXT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 225 mm
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
# Exact line pitch; rounded down so that 22 lines never exceed the 版心 height.
LINE = TEXT_HEIGHT // LINES_PER_PAGE  # 579 twips ≈ 28.95 pt

# Chinese type sizes (号) in points.
SIZE_XIAOCHU, SIZE_2, SIZE_XIAO2, SIZE_3, SIZE_4 = 36, 22, 18, 16, 14
BODY_SIZE = SIZE_3
# Character pitch of the document grid in 1/4096 pt relative to the body size, rounded
# down so 28 characters always fit the line (Word would otherwise fit only 27).
CHAR_SPACE = math.floor((TEXT_WIDTH / 20 / CHARS_PER_LINE - BODY_SIZE) * 4096)
FOOTER_SIZE = SIZE_4
FOOTER_LINE = FOOTER_SIZE * 20
# The footer box is anchored at its bottom; its top (the page number line) sits 7 mm below the 版心.
FOOTER_DISTANCE = MARGIN_BOTTOM - twips(7) - FOOTER_LINE
INDENT_2 = 2 * BODY_SIZE * 20  # first-line indent of two characters

FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONGTI = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"
# Fonts Word substitutes when the official one is missing (fontTable w:altName).
ALT_NAMES = {FANGSONG: "仿宋", KAITI: "楷体", XIAOBIAOSONG: "宋体", HEITI: None, SONGTI: None}

EMU_PER_TWIP = 635


# --- what a document prints as ------------------------------------------------------------

@dataclass(frozen=True)
class Span:
    text: str
    font: str = FANGSONG
    bold: bool = False


@dataclass
class Block:
    """One paragraph: a style and its runs."""

    style: str
    spans: list[Span]
    size: int = BODY_SIZE
    space_after: int | None = None
    bookmark: str | None = None
    page_break: bool = False

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass
class Figure:
    path: Path
    width: int  # EMU
    height: int


@dataclass
class FormBody:
    """Block elements copied from a blank form DOCX, with the styles they need."""

    elements: list[etree._Element]
    styles: list[etree._Element]


Content = Block | Figure | FormBody

TITLE, IMPRINT, BODY, CHAPTER, SECTION, SUBHEADING, NOTE, NOTE_CENTER, FIGURE = (
    "Heading1", "Imprint", "Normal", "Heading2", "Heading3", "Subheading", "EditorNote", "EditorNoteCenter",
    "Figure")
NOTE_STYLES = frozenset({NOTE, NOTE_CENTER})

# Outline levels: GB/T 9704 7.3.3 — 一、 黑体, （一） 楷体, 1. 仿宋 (label bold here), deeper 仿宋.
LEVEL_FONTS = {"一、": (HEITI, False), "（一）": (KAITI, False), "1.": (FANGSONG, True), "1、": (FANGSONG, True)}
_NUM = f"[{DIGITS}十百千零]+"
LABEL_STYLES = [(re.compile(f"^{_NUM}、$"), "一、"), (re.compile(f"^（{_NUM}）$"), "（一）"),
                (re.compile(r"^\d+\.$"), "1."), (re.compile(r"^\d+、$"), "1、")]


def document_blocks(structure: Structure, index: Index | None) -> list[Block]:
    """The document's lines exactly as handbook.render.plain prints them, each with its look."""
    lines = plain.document_lines(structure, index)
    roles = _line_roles(structure)
    if len(roles) != len(lines):
        raise AssertionError(f"{structure.doc.id}: {len(lines)} lines but {len(roles)} roles")
    words = _words(structure.doc.id, index)
    return [_block(role, line, words) for role, line in zip(roles, lines)]


def _words(doc_id: str, index: Index | None):
    return (lambda ref: index.words(ref, doc_id)) if index else None


def _line_roles(structure: Structure) -> list[Element | str]:
    """What each line of plain.document_lines is, in the same order."""
    doc = structure.doc
    roles: list[Element | str] = [TITLE] + ([IMPRINT] if doc.imprint else []) + [BODY] * len(doc.preamble)
    for element in structure.body:
        roles += _line_elements(element)
    roles += [BODY] * len(doc.closing)
    if getattr(doc, "source_text", None):
        roles.append(BODY)
    return roles


def _line_elements(element: Element) -> list[Element]:
    """Elements in the order plain.element_lines prints them: an article's first clause shares its line."""
    children = element.children
    if element.kind == "article":
        first, *rest = children
        children = first.children + rest
    out = [element]
    for child in children:
        out += _line_elements(child)
    return out


def _block(role: Element | str, line: str, words) -> Block:
    if isinstance(role, str):
        return Block(role, [Span(line, _STYLE_FONT.get(role, FANGSONG))], size=SIZE_2 if role == TITLE else BODY_SIZE)
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
    spans = [Span(line[:head], font, bold), Span(line[head:])]
    return [span for span in spans if span.text]


def _item_spans(element: Element, line: str, words) -> list[Span]:
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
    return len(line) <= CHARS_PER_LINE and "。" not in line.rstrip("。：:")


def label_style(label: str) -> str | None:
    for pattern, style in LABEL_STYLES:
        if pattern.match(label):
            return style
    return None


_STYLE_FONT = {TITLE: XIAOBIAOSONG, IMPRINT: KAITI, NOTE: KAITI, NOTE_CENTER: KAITI, SUBHEADING: HEITI}


def editorial_notes(doc: model.DocumentBase, edition: str) -> tuple[list[Block], list[Block]]:
    """Editor's paragraphs printed before and after a document's text (not part of the text itself)."""
    before: list[Block] = []
    after: list[Block] = []
    if doc.status == "待录入":
        before.append(Block(NOTE_CENTER, [Span("正文待录入", KAITI)]))
        if doc.source_page:
            before.append(Block(NOTE_CENTER, [Span(f"（原件见{edition}年版汇编第{doc.source_page}页）", KAITI)]))
    if doc.note:
        before.append(Block(NOTE, [Span(f"编者注：{doc.note}", KAITI)]))
    if doc.incomplete:
        after.append(Block(NOTE, [Span("（正文不完整：原件此后的内容未能保留。）", KAITI)]))
    return before, after


# --- figures and forms --------------------------------------------------------------------

def figure(path: Path, max_height: int) -> Figure:
    """A PNG scaled to the 版心 width, or smaller when it would be taller than max_height (twips)."""
    from docx.image.image import Image

    image = Image.from_file(str(path))
    width, height = image.width, image.height  # EMU at the image's own resolution
    scale = min(TEXT_WIDTH * EMU_PER_TWIP / width, max_height * EMU_PER_TWIP / height)
    return Figure(path, int(width * scale), int(height * scale))


def form_body(path: Path, title: str) -> FormBody:
    """The blank form's body, ready to be placed under the document title.

    The form's own title paragraph is dropped (the compendium prints the title),
    its styles are copied under a Form prefix, and anything that would need a
    relationship of its own (pictures, links) or could clash (bookmarks, section
    breaks, list numbering) is removed.
    """
    with zipfile.ZipFile(path) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        styles = etree.fromstring(archive.read("word/styles.xml")) if "word/styles.xml" in archive.namelist() else None
    body = document.find(qn("w:body"))
    elements = [child for child in body if child.tag != qn("w:sectPr")]
    elements = _drop_title(elements, title)
    for element in elements:
        _strip_unportable(element)
    used = {node.get(qn("w:val")) for element in elements
            for node in element.iter(qn("w:pStyle"), qn("w:rStyle"), qn("w:tblStyle"))}
    copied = _copy_styles(styles, used) if styles is not None else []
    for element in elements:
        _prefix_style_refs(element)
        for paragraph in element.iter(qn("w:p")):
            _default_form_style(paragraph)
    return FormBody(elements, copied)


def _text_of(element: etree._Element) -> str:
    return "".join(node.text or "" for node in element.iter(qn("w:t")))


def _drop_title(elements: list[etree._Element], title: str) -> list[etree._Element]:
    compact = re.sub(r"\s", "", title)
    for i, element in enumerate(elements):
        text = re.sub(r"\s", "", _text_of(element))
        if not text:
            continue
        if element.tag == qn("w:p") and (text in compact or compact in text):
            return elements[:i] + elements[i + 1:]
        break
    return elements


def _strip_unportable(element: etree._Element) -> None:
    for tag in ("w:bookmarkStart", "w:bookmarkEnd", "w:sectPr", "w:numPr", "w:drawing", "w:pict", "w:object"):
        for node in list(element.iter(qn(tag))):
            node.getparent().remove(node)
    for link in list(element.iter(qn("w:hyperlink"))):
        parent = link.getparent()
        position = parent.index(link)
        for child in reversed(list(link)):
            parent.insert(position, child)
        parent.remove(link)


FORM_PREFIX = "Form"


def _prefix_style_refs(element: etree._Element) -> None:
    for node in element.iter(qn("w:pStyle"), qn("w:rStyle"), qn("w:tblStyle")):
        node.set(qn("w:val"), FORM_PREFIX + node.get(qn("w:val")))


def _default_form_style(paragraph: etree._Element) -> None:
    """A form paragraph without a style follows the form's own Normal, not the compendium's."""
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is None:
        ppr = el("w:pPr")
        paragraph.insert(0, ppr)
    if ppr.find(qn("w:pStyle")) is None:
        ppr.insert(0, el("w:pStyle", {"val": FORM_PREFIX + "Normal"}))


def _copy_styles(styles: etree._Element, used: set[str]) -> list[etree._Element]:
    """The form's styles in use (with what they are based on), renamed with the Form prefix."""
    by_id = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style"))}
    wanted = set(used) | {"Normal"}
    pending = list(wanted)
    while pending:
        based = by_id.get(pending.pop())
        parent = based.find(qn("w:basedOn")) if based is not None else None
        if parent is not None and parent.get(qn("w:val")) not in wanted:
            wanted.add(parent.get(qn("w:val")))
            pending.append(parent.get(qn("w:val")))
    out = []
    for style_id in sorted(wanted):
        source = by_id.get(style_id)
        if source is None:
            continue
        style = etree.fromstring(etree.tostring(source))
        if style_id == "Normal":
            _merge_defaults(style, styles)
        for attr in ("default",):
            style.attrib.pop(qn(f"w:{attr}"), None)
        style.set(qn("w:styleId"), FORM_PREFIX + style_id)
        name = style.find(qn("w:name"))
        if name is not None:
            name.set(qn("w:val"), "表单-" + name.get(qn("w:val")))
        for ref in ("w:basedOn", "w:next", "w:link"):
            for node in style.findall(qn(ref)):
                node.set(qn("w:val"), FORM_PREFIX + node.get(qn("w:val")))
        out.append(style)
    return out


def _merge_defaults(normal: etree._Element, styles: etree._Element) -> None:
    """Fold the form's document defaults into its Normal style so they survive the move."""
    for kind in ("pPr", "rPr"):
        default = styles.find(f"{qn('w:docDefaults')}/{qn(f'w:{kind}Default')}/{qn(f'w:{kind}')}")
        if default is None:
            continue
        own = normal.find(qn(f"w:{kind}"))
        merged = etree.fromstring(etree.tostring(default))
        if own is not None:
            for child in own:
                for old in merged.findall(child.tag):
                    merged.remove(old)
                merged.append(child)
            normal.remove(own)
        normal.append(merged)
    _order_style_children(normal)


_STYLE_ORDER = ["name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority",
                "semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal", "personalCompose",
                "personalReply", "rsid", "pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr"]


def _order_style_children(style: etree._Element) -> None:
    children = sorted(style, key=lambda c: _STYLE_ORDER.index(etree.QName(c).localname)
                      if etree.QName(c).localname in _STYLE_ORDER else len(_STYLE_ORDER))
    for child in children:
        style.append(child)


# --- paragraphs as XML --------------------------------------------------------------------

_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def rpr(font: str, size: int, bold: bool = False) -> etree._Element:
    """Run properties naming the font for every script, so East Asian text never falls back."""
    fonts = el("w:rFonts", {"ascii": font, "hAnsi": font, "eastAsia": font, "cs": font, "hint": "eastAsia"})
    flags = [el("w:b"), el("w:bCs")] if bold else []
    return el("w:rPr", None, fonts, *flags, el("w:sz", {"val": size * 2}), el("w:szCs", {"val": size * 2}))


def run(span: Span, size: int) -> etree._Element:
    node = el("w:r", None, rpr(span.font, size, span.bold))
    for i, piece in enumerate(_XML_UNSAFE.sub("", span.text).split("\n")):
        if i:
            node.append(el("w:br"))
        if piece:
            node.append(el("w:t", None, text=piece))
    return node


def paragraph(block: Block, bookmark_id: int | None = None) -> etree._Element:
    ppr = el("w:pPr", None, el("w:pStyle", {"val": block.style}),
             el("w:pageBreakBefore") if block.page_break else None,
             el("w:spacing", {"after": block.space_after}) if block.space_after is not None else None)
    node = el("w:p", None, ppr)
    if block.bookmark and bookmark_id is not None:
        node.append(el("w:bookmarkStart", {"id": bookmark_id, "name": block.bookmark}))
    for span in block.spans:
        node.append(run(span, block.size))
    if block.bookmark and bookmark_id is not None:
        node.append(el("w:bookmarkEnd", {"id": bookmark_id}))
    return node


def figure_paragraph(fig: Figure, rid: str, number: int) -> etree._Element:
    name = fig.path.name
    extent = {"cx": fig.width, "cy": fig.height}
    graphic = el("a:graphic", None, el("a:graphicData", {"uri": NS["pic"]}, el(
        "pic:pic", None,
        el("pic:nvPicPr", None, el("pic:cNvPr", {"id": "0", "name": name}), el("pic:cNvPicPr")),
        el("pic:blipFill", None, el("a:blip", {"r:embed": rid}), el("a:stretch", None, el("a:fillRect"))),
        el("pic:spPr", None, el("a:xfrm", None, el("a:off", {"x": "0", "y": "0"}), el("a:ext", extent)),
           el("a:prstGeom", {"prst": "rect"}, el("a:avLst"))))))
    inline = el("wp:inline", {"distT": "0", "distB": "0", "distL": "0", "distR": "0"},
                el("wp:extent", extent), el("wp:docPr", {"id": number, "name": f"图 {number}", "descr": name}),
                el("wp:cNvGraphicFramePr", None, el("a:graphicFrameLocks", {"noChangeAspect": "1"})), graphic)
    for node in inline.iter():  # DrawingML attributes are unqualified
        for attr in list(node.attrib):
            if attr.startswith(f"{{{NS['w']}}}"):
                node.set(etree.QName(attr).localname, node.attrib.pop(attr))
    return el("w:p", None, el("w:pPr", None, el("w:pStyle", {"val": FIGURE})), el("w:r", None, el("w:drawing", None, inline)))


def field_runs(instruction: str, result: list[etree._Element], *, font: str, size: int,
               dirty: bool = False) -> list[etree._Element]:
    """A complex field: begin, instruction, separate, the cached result runs, end."""
    props = lambda: rpr(font, size)  # noqa: E731 - each run needs its own copy
    return [el("w:r", None, props(), el("w:fldChar", {"fldCharType": "begin", "dirty": True if dirty else None})),
            el("w:r", None, props(), el("w:instrText", None, text=f" {instruction} ")),
            el("w:r", None, props(), el("w:fldChar", {"fldCharType": "separate"})),
            *result,
            el("w:r", None, props(), el("w:fldChar", {"fldCharType": "end"}))]


# --- styles, settings, fonts, footers -----------------------------------------------------

def _ppr(*, align: str = "both", first_line: int = INDENT_2, line: int | None = LINE, grid: bool = True,
         before: int = 0, after: int = 0, keep_next: bool = False, outline: int | None = None,
         tabs: list[etree._Element] | None = None) -> etree._Element:
    indent = {"firstLine": first_line, "firstLineChars": first_line * 100 // (BODY_SIZE * 20)} if first_line \
        else {"left": 0, "firstLine": 0}
    spacing = {"before": before, "after": after, "line": line, "lineRule": "exact"} if line \
        else {"before": before, "after": after, "line": 240, "lineRule": "auto"}
    return el("w:pPr", None,
              el("w:keepNext") if keep_next else None,
              el("w:widowControl", {"val": 0}),
              el("w:tabs", None, *tabs) if tabs else None,
              None if grid else el("w:snapToGrid", {"val": 0}),
              el("w:spacing", spacing), el("w:ind", indent), el("w:jc", {"val": align}),
              el("w:outlineLvl", {"val": outline}) if outline is not None else None)


def _style(style_id: str, name: str, ppr: etree._Element | None, font: str, size: int, *, bold: bool = False,
           kind: str = "paragraph", default: bool = False, based_on: str | None = "Normal",
           next_style: str | None = None) -> etree._Element:
    return el("w:style", {"type": kind, "styleId": style_id, "default": 1 if default else None},
              el("w:name", {"val": name}),
              el("w:basedOn", {"val": based_on}) if based_on else None,
              el("w:next", {"val": next_style}) if next_style else None,
              el("w:qFormat"), ppr, rpr(font, size, bold) if font else None)


def styles_xml(extra: list[etree._Element]) -> bytes:
    toc_tab = el("w:tab", {"val": "right", "leader": "dot", "pos": TEXT_WIDTH})
    styles = [
        _style(BODY, "Normal", _ppr(), FANGSONG, BODY_SIZE, default=True, based_on=None),
        _style(TITLE, "heading 1", _ppr(align="center", first_line=0, grid=False, keep_next=True, outline=0),
               XIAOBIAOSONG, SIZE_2, next_style=BODY),
        _style(CHAPTER, "heading 2", _ppr(align="center", first_line=0, keep_next=True, outline=1), HEITI, BODY_SIZE,
               next_style=BODY),
        _style(SECTION, "heading 3", _ppr(align="center", first_line=0, keep_next=True, outline=2), KAITI, BODY_SIZE,
               next_style=BODY),
        _style(SUBHEADING, "汇编小标题", _ppr(keep_next=True), HEITI, BODY_SIZE),
        _style(IMPRINT, "印发行", _ppr(align="center", first_line=0), KAITI, BODY_SIZE),
        _style(NOTE, "编者注", _ppr(), KAITI, BODY_SIZE),
        _style(NOTE_CENTER, "编者注居中", _ppr(align="center", first_line=0), KAITI, BODY_SIZE),
        _style(FIGURE, "流程图", _ppr(align="center", first_line=0, line=None, grid=False), FANGSONG, BODY_SIZE),
        _style("CoverMark", "封面标识", _ppr(align="left", first_line=0), HEITI, BODY_SIZE),
        _style("CoverTitle", "封面标题", _ppr(align="center", first_line=0, line=None, grid=False),
               XIAOBIAOSONG, SIZE_XIAOCHU),
        _style("CoverIssuer", "封面机关", _ppr(align="center", first_line=0, line=None, grid=False),
               XIAOBIAOSONG, SIZE_XIAO2),
        _style("CoverDate", "封面日期", _ppr(align="center", first_line=0, grid=False), FANGSONG, BODY_SIZE),
        _style("TOCHeading", "TOC Heading", _ppr(align="center", first_line=0, grid=False, after=LINE),
               XIAOBIAOSONG, SIZE_2),
        _style("TOC1", "toc 1", _ppr(align="left", first_line=0, tabs=[toc_tab]), FANGSONG, BODY_SIZE,
               next_style=BODY),
        _style("Footer", "footer", _ppr(first_line=0, line=FOOTER_LINE, grid=False), SONGTI, FOOTER_SIZE),
        _style("DefaultParagraphFont", "Default Paragraph Font", None, "", 0, kind="character", default=True,
               based_on=None),
        el("w:style", {"type": "table", "default": 1, "styleId": "TableNormal"}, el("w:name", {"val": "Normal Table"}),
           el("w:tblPr", None, el("w:tblInd", {"w": 0, "type": "dxa"}), el("w:tblCellMar", None,
              el("w:top", {"w": 0, "type": "dxa"}), el("w:left", {"w": 108, "type": "dxa"}),
              el("w:bottom", {"w": 0, "type": "dxa"}), el("w:right", {"w": 108, "type": "dxa"})))),
    ]
    defaults = el("w:docDefaults", None,
                  el("w:rPrDefault", None, el("w:rPr", None, *rpr(FANGSONG, BODY_SIZE),
                                              el("w:lang", {"val": "en-US", "eastAsia": "zh-CN", "bidi": "ar-SA"}))),
                  el("w:pPrDefault", None, el("w:pPr")))
    return serialize(el("w:styles", None, defaults, *styles, *extra))


# CT_Settings requires this element order.
_SETTINGS_ORDER = ["zoom", "mirrorMargins", "defaultTabStop", "evenAndOddHeaders", "characterSpacingControl",
                   "updateFields", "compat", "themeFontLang", "decimalSymbol", "listSeparator"]


def settings_xml() -> bytes:
    children = {
        "zoom": el("w:zoom", {"percent": 100}),
        "mirrorMargins": el("w:mirrorMargins"),
        "defaultTabStop": el("w:defaultTabStop", {"val": INDENT_2 // 2}),
        "characterSpacingControl": el("w:characterSpacingControl", {"val": "compressPunctuation"}),
        "evenAndOddHeaders": el("w:evenAndOddHeaders"),
        "updateFields": el("w:updateFields", {"val": True}),
        "compat": el("w:compat", None, el("w:compatSetting", {
            "name": "compatibilityMode", "uri": "http://schemas.microsoft.com/office/word", "val": 15})),
        "themeFontLang": el("w:themeFontLang", {"val": "en-US", "eastAsia": "zh-CN"}),
        "decimalSymbol": el("w:decimalSymbol", {"val": "."}),
        "listSeparator": el("w:listSeparator", {"val": ","}),
    }
    return serialize(el("w:settings", None, *(children[name] for name in _SETTINGS_ORDER)))


def font_table_xml() -> bytes:
    fonts = []
    for name, alt in ALT_NAMES.items():
        fonts.append(el("w:font", {"name": name}, el("w:altName", {"val": alt}) if alt else None,
                        el("w:charset", {"val": "86"}), el("w:family", {"val": "modern" if name != HEITI else "swiss"}),
                        el("w:pitch", {"val": "fixed"})))
    return serialize(el("w:fonts", None, *fonts))


def footer_xml(align: str) -> etree._Element:
    """'— N —' in 4号 宋体, 空一字 from the outer edge: right on odd pages, left on even ones."""
    span = Span("", SONGTI)
    dash = lambda text: run(replace(span, text=text), FOOTER_SIZE)  # noqa: E731
    indent = {"right": FOOTER_LINE} if align == "right" else {"left": FOOTER_LINE}
    ppr = el("w:pPr", None, el("w:pStyle", {"val": "Footer"}), el("w:ind", indent), el("w:jc", {"val": align}))
    number = field_runs("PAGE", [el("w:r", None, rpr(SONGTI, FOOTER_SIZE), el("w:t", None, text="1"))],
                        font=SONGTI, size=FOOTER_SIZE)
    return el("w:ftr", None, el("w:p", None, ppr, dash("— "), *number, dash(" —")))


def section_properties(*, start: str, footers: dict[str, str] | None = None) -> etree._Element:
    refs = [el("w:footerReference", {"type": kind, "r:id": rid}) for kind, rid in (footers or {}).items()]
    return el("w:sectPr", None, *refs,
              el("w:type", {"val": start}),
              el("w:pgSz", {"w": PAGE_WIDTH, "h": PAGE_HEIGHT}),
              el("w:pgMar", {"top": MARGIN_TOP, "right": MARGIN_OUTER, "bottom": MARGIN_BOTTOM,
                             "left": MARGIN_INNER, "header": FOOTER_DISTANCE, "footer": FOOTER_DISTANCE,
                             "gutter": 0}),
              el("w:cols", {"space": 425}),
              el("w:docGrid", {"type": "linesAndChars", "linePitch": LINE, "charSpace": CHAR_SPACE}))


# --- page estimate for the contents fallback ----------------------------------------------

def _width(text: str) -> float:
    """Width in body characters: CJK and full-width punctuation 1, ASCII ½."""
    return sum(0.5 if ord(ch) < 0x2000 else 1 for ch in text)


def _block_lines(block: Block) -> int:
    per_line = CHARS_PER_LINE if block.size == BODY_SIZE else int(TEXT_WIDTH / 20 // block.size)
    indent = 2 if block.style in (BODY, NOTE, SUBHEADING) else 0
    lines = sum(max(1, math.ceil((_width(part) + indent) / per_line)) for part in block.text.split("\n"))
    if block.space_after:
        lines += round(block.space_after / LINE)
    return lines


def content_lines(item: Content) -> int:
    if isinstance(item, Block):
        return _block_lines(item)
    if isinstance(item, Figure):
        return math.ceil(item.height / EMU_PER_TWIP / LINE)
    rows = sum(1 for element in item.elements for _ in element.iter(qn("w:tr")))
    paragraphs = sum(1 for element in item.elements if element.tag == qn("w:p"))
    return paragraphs + 2 * rows


def pages_of(content: list[Content]) -> int:
    return max(1, math.ceil(sum(content_lines(item) for item in content) / LINES_PER_PAGE))


# --- assembly -----------------------------------------------------------------------------

@dataclass
class Entry:
    doc: model.DocumentBase
    bookmark: str
    content: list[Content] = field(default_factory=list)


def compendium_filename(compendium: model.Compendium) -> str:
    return f"{_safe_name(compendium.title)}-{_safe_name(compendium.edition)}.docx"


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._") or "compendium"


def build_compendium(compendium: model.Compendium, structures: list[Structure], index: Index | None,
                     out_path: Path, *, flow_pngs: Mapping[str, Path] | None = None,
                     form_docs: Mapping[str, Path] | None = None, internal_mark: bool = True,
                     toc_pages: Mapping[str, int] | None = None) -> Path:
    """Write the compendium DOCX to out_path (a file, or a directory to put the standard name in).

    flow_pngs maps a document id to its flowchart PNG and form_docs to its blank
    form DOCX; either replaces the document's flattened source text. toc_pages
    gives known page numbers (e.g. measured from a PDF) for the contents fallback;
    otherwise they are estimated. Word recomputes them when the document opens.
    """
    out_path = Path(out_path)
    if out_path.is_dir():
        out_path = out_path / compendium_filename(compendium)
    entries = [_entry(n, s, index, compendium.edition, flow_pngs or {}, form_docs or {})
               for n, s in enumerate(structures, start=1)]
    package = Package()
    body = el("w:body")
    _cover(body, compendium, internal_mark)
    pages = _page_numbers(entries, toc_pages)
    _contents(body, entries, pages)
    form_styles = _documents(body, entries, package)
    footers = {"default": package.add_footer(footer_xml("right")), "even": package.add_footer(footer_xml("left"))}
    body.append(section_properties(start="oddPage", footers=footers))
    when = _build_date(compendium)
    package.parts["word/document.xml"] = serialize(el("w:document", {"mc:Ignorable": "w14 w15"}, body))
    package.parts["word/styles.xml"] = styles_xml(_unique_styles(form_styles))
    package.parts["word/settings.xml"] = settings_xml()
    package.parts["word/fontTable.xml"] = font_table_xml()
    package.relate("styles", "styles.xml")
    package.relate("settings", "settings.xml")
    package.relate("fontTable", "fontTable.xml")
    package.parts["docProps/core.xml"] = core_xml(compendium.title, compendium.issuer,
                                                  f"{compendium.edition}年版", when)
    package.parts["docProps/app.xml"] = app_xml()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    package.save(out_path, when)
    return out_path


def _build_date(compendium: model.Compendium) -> dt.datetime:
    year = int(compendium.edition[:4]) if compendium.edition[:4].isdigit() else 1980
    return source_date(dt.datetime(year, 1, 1))


def _entry(n: int, structure: Structure, index: Index | None, edition: str, flow_pngs: Mapping[str, Path],
           form_docs: Mapping[str, Path]) -> Entry:
    doc = structure.doc
    blocks = document_blocks(structure, index)
    header = 2 if doc.imprint else 1
    blocks[0] = replace(blocks[0], bookmark=f"_Toc{n:08d}", page_break=True)
    before, after = editorial_notes(doc, edition)
    head, text = blocks[:header], blocks[header:]
    replacement = _replacement(doc, flow_pngs, form_docs, head)
    if replacement is not None and getattr(doc, "source_text", None):
        text = text[:-1]  # the drawing or the form stands in for its flattened text
    head[-1] = replace(head[-1], space_after=LINE)
    content: list[Content] = [*head, *before, *text]
    if replacement is not None:
        content.append(replacement)
    content += after
    return Entry(doc, blocks[0].bookmark, content)


def _replacement(doc: model.DocumentBase, flow_pngs: Mapping[str, Path], form_docs: Mapping[str, Path],
                 head: list[Block]) -> Content | None:
    if doc.id in flow_pngs:
        used = sum(_block_lines(b) for b in head) + 1
        return figure(Path(flow_pngs[doc.id]), TEXT_HEIGHT - (used + 1) * LINE)
    if doc.id in form_docs:
        return form_body(Path(form_docs[doc.id]), doc.title)
    return None


def _cover(body: etree._Element, compendium: model.Compendium, internal_mark: bool) -> None:
    mark = Block("CoverMark", [Span("内部资料", HEITI)] if internal_mark else [])
    title = Block("CoverTitle", [Span(compendium.title, XIAOBIAOSONG)], size=SIZE_XIAOCHU)
    issuer = Block("CoverIssuer", [Span(compendium.issuer, XIAOBIAOSONG)], size=SIZE_XIAO2)
    date = Block("CoverDate", [Span(compendium.edition_date or f"{compendium.edition}年", FANGSONG)])
    body.append(paragraph(mark))
    body.append(_spaced(paragraph(title), before=6 * LINE))
    body.append(_spaced(paragraph(issuer), before=9 * LINE))
    date_p = _spaced(paragraph(date), before=LINE)
    date_p.find(qn("w:pPr")).append(section_properties(start="nextPage"))
    body.append(date_p)


def _spaced(p: etree._Element, *, before: int) -> etree._Element:
    ppr = p.find(qn("w:pPr"))
    ppr.insert(1, el("w:spacing", {"before": before}))
    return p


def _page_numbers(entries: list[Entry], known: Mapping[str, int] | None) -> dict[str, int]:
    """The first page of every document (the cover is page 1): measured when known, else estimated."""
    contents = [Block("TOCHeading", [Span("目录")], size=SIZE_2, space_after=LINE)]
    contents += [Block("TOC1", [Span(e.doc.title + "……000")]) for e in entries]
    contents_pages = pages_of(contents)
    page = 3 + contents_pages + contents_pages % 2  # the text starts on an odd page after the contents
    pages = {}
    for entry in entries:
        pages[entry.doc.id] = page
        page += pages_of(entry.content)
    if known:
        pages.update({k: v for k, v in known.items() if k in pages})
    return pages


def _contents(body: etree._Element, entries: list[Entry], pages: dict[str, int]) -> None:
    body.append(paragraph(Block("TOCHeading", [Span("目　录", XIAOBIAOSONG)], size=SIZE_2)))
    lines = [_contents_line(entry, pages[entry.doc.id]) for entry in entries] or [el("w:p")]
    field = field_runs('TOC \\o "1-1" \\h \\z \\u', [], font=FANGSONG, size=BODY_SIZE, dirty=True)
    begin, end = field[:3], field[3]
    ppr = lines[0].find(qn("w:pPr"))
    for i, node in enumerate(begin):
        lines[0].insert(lines[0].index(ppr) + 1 + i, node)
    lines[-1].append(end)
    last_ppr = lines[-1].find(qn("w:pPr"))
    if last_ppr is None:
        last_ppr = el("w:pPr")
        lines[-1].insert(0, last_ppr)
    last_ppr.append(section_properties(start="oddPage"))
    body.extend(lines)


def _contents_line(entry: Entry, page: int) -> etree._Element:
    link = el("w:hyperlink", {"anchor": entry.bookmark, "history": 1},
              run(Span(entry.doc.title), BODY_SIZE),
              el("w:r", None, rpr(FANGSONG, BODY_SIZE), el("w:tab")),
              run(Span(str(page)), BODY_SIZE))
    return el("w:p", None, el("w:pPr", None, el("w:pStyle", {"val": "TOC1"})), link)


def _documents(body: etree._Element, entries: list[Entry], package: Package) -> list[etree._Element]:
    styles: list[etree._Element] = []
    bookmark = figure_no = sdt_id = 0
    for entry in entries:
        for item in entry.content:
            if isinstance(item, Block):
                bookmark += 1 if item.bookmark else 0
                body.append(paragraph(item, bookmark))
            elif isinstance(item, Figure):
                figure_no += 1
                rid = package.add_image(item.path.read_bytes(), item.path.suffix.lstrip(".").lower() or "png")
                body.append(figure_paragraph(item, rid, figure_no))
            else:
                for element in item.elements:
                    for node in element.iter(qn("w:id")):
                        if node.getparent().tag == qn("w:sdtPr"):
                            sdt_id += 1
                            node.set(qn("w:val"), str(sdt_id))
                    body.append(element)
                styles += item.styles
    return styles


def _unique_styles(styles: list[etree._Element]) -> list[etree._Element]:
    seen: dict[str, etree._Element] = {}
    for style in styles:
        seen.setdefault(style.get(qn("w:styleId")), style)
    return [seen[k] for k in sorted(seen)]
