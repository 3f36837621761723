"""The GB/T 9704-2012 page and type in WordprocessingML.

A4 with a 156 × 225 mm 版心 (top 37 mm, bottom 35 mm, binding side 28 mm, outer
26 mm, mirrored on even pages); body 仿宋_GB2312 3号, 22 lines a page and 28
characters a line (condensed glyph spacing, which Word, WPS and LibreOffice lay out
alike); page numbers "— N —" in 4号 宋体 7 mm below the 版心, 空一字 from the outer
edge (odd pages right, even pages left).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lxml import etree

from .ooxml import el, serialize


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


PAGE_WIDTH, PAGE_HEIGHT = twips(210), twips(297)
MARGIN_TOP, MARGIN_BOTTOM = twips(37), twips(35)
MARGIN_INNER, MARGIN_OUTER = twips(28), twips(26)  # binding side / outer side
TEXT_WIDTH = PAGE_WIDTH - MARGIN_INNER - MARGIN_OUTER  # 156 mm
TEXT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 225 mm
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
# Exact line pitch, rounded down so that 22 lines never exceed the 版心.
LINE = TEXT_HEIGHT // LINES_PER_PAGE  # 579 twips ≈ 28.95 pt

# Chinese type sizes (号) in points.
SIZE_XIAOCHU, SIZE_2, SIZE_XIAO2, SIZE_3, SIZE_4 = 36, 22, 18, 16, 14
BODY_SIZE = SIZE_3
# 28 characters a line come from condensing every glyph (w:spacing, in twips), not from Word's
# character grid: LibreOffice gives a glyph wider than a grid cell two cells (14 characters a
# line), while condensed spacing lays out alike in Word, WPS and LibreOffice. Rounded down so
# 28 characters always fit the line (rounding up would leave room for only 27).
CHAR_CONDENSE = math.floor(TEXT_WIDTH / CHARS_PER_LINE - BODY_SIZE * 20)
FOOTER_SIZE = SIZE_4
FOOTER_LINE = FOOTER_SIZE * 20
# The footer box grows upwards from the footer distance; its top line sits 7 mm below the 版心.
FOOTER_DISTANCE = MARGIN_BOTTOM - twips(7) - FOOTER_LINE
INDENT_2 = 2 * BODY_SIZE * 20  # 空两字

FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONGTI = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"
# What Word substitutes when an official font is not installed (fontTable w:altName).
ALT_NAMES = {FANGSONG: "仿宋", KAITI: "楷体", XIAOBIAOSONG: "宋体", HEITI: None, SONGTI: None}

# Style ids; the built-in heading ids make Word's navigation pane and TOC field work.
BODY, HEADING_1, HEADING_2, HEADING_3, TOC_1, TOC_HEADING, FOOTER = (
    "Normal", "Heading1", "Heading2", "Heading3", "TOC1", "TOCHeading", "Footer")


@dataclass(frozen=True)
class Span:
    """A run of text in one font."""

    text: str
    font: str = FANGSONG
    bold: bool = False


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def rpr(font: str, size: int, bold: bool = False) -> etree._Element:
    """Run properties naming the font for every script, so East Asian text never falls back.

    w:hint="eastAsia" makes Word treat shared characters such as “ ” — as Chinese (full width)."""
    fonts = el("w:rFonts", {"ascii": font, "hAnsi": font, "eastAsia": font, "cs": font, "hint": "eastAsia"})
    flags = [el("w:b"), el("w:bCs")] if bold else []
    return el("w:rPr", None, fonts, *flags, el("w:sz", {"val": size * 2}), el("w:szCs", {"val": size * 2}))


def run(span: Span, size: int = BODY_SIZE) -> etree._Element:
    node = el("w:r", None, rpr(span.font, size, span.bold))
    for i, piece in enumerate(_XML_UNSAFE.sub("", span.text).split("\n")):
        if i:
            node.append(el("w:br"))
        if piece:
            node.append(el("w:t", None, text=piece))
    return node


def field_runs(instruction: str, result: list[etree._Element], *, font: str = FANGSONG, size: int = BODY_SIZE,
               dirty: bool = False) -> list[etree._Element]:
    """A complex field: begin, instruction, separate, the cached result runs, end."""
    def marker(node: etree._Element) -> etree._Element:
        return el("w:r", None, rpr(font, size), node)

    return [marker(el("w:fldChar", {"fldCharType": "begin", "dirty": True if dirty else None})),
            marker(el("w:instrText", None, text=f" {instruction} ")),
            marker(el("w:fldChar", {"fldCharType": "separate"})),
            *result,
            marker(el("w:fldChar", {"fldCharType": "end"}))]


def ppr(*, align: str = "both", first_line: int = INDENT_2, line: int | None = LINE, grid: bool = True,
        before: int = 0, after: int = 0, keep_next: bool = False, outline: int | None = None,
        tabs: list[etree._Element] | None = None) -> etree._Element:
    """Paragraph properties for a style; line=None means single (auto) spacing, e.g. around pictures."""
    indent = ({"firstLine": first_line, "firstLineChars": first_line * 100 // (BODY_SIZE * 20)} if first_line
              else {"left": 0, "firstLine": 0})
    spacing = ({"before": before, "after": after, "line": line, "lineRule": "exact"} if line
               else {"before": before, "after": after, "line": 240, "lineRule": "auto"})
    return el("w:pPr", None,
              el("w:keepNext") if keep_next else None,
              el("w:widowControl", {"val": 0}),  # a widow line would break the 22-line page
              el("w:tabs", None, *tabs) if tabs else None,
              None if grid else el("w:snapToGrid", {"val": 0}),
              el("w:spacing", spacing), el("w:ind", indent), el("w:jc", {"val": align}),
              el("w:outlineLvl", {"val": outline}) if outline is not None else None)


def style(style_id: str, name: str, properties: etree._Element | None, font: str = "", size: int = BODY_SIZE, *,
          kind: str = "paragraph", default: bool = False, based_on: str | None = BODY,
          next_style: str | None = None) -> etree._Element:
    return el("w:style", {"type": kind, "styleId": style_id, "default": 1 if default else None},
              el("w:name", {"val": name}),
              el("w:basedOn", {"val": based_on}) if based_on else None,
              el("w:next", {"val": next_style}) if next_style else None,
              el("w:qFormat"), properties, rpr(font, size) if font else None)


def base_styles() -> list[etree._Element]:
    """Body, headings (文件标题 2号小标宋, 章 3号黑体, 节 3号楷体), contents and footer."""
    toc_tab = el("w:tab", {"val": "right", "leader": "dot", "pos": TEXT_WIDTH})
    return [
        style(BODY, "Normal", ppr(), FANGSONG, default=True, based_on=None),
        style(HEADING_1, "heading 1", ppr(align="center", first_line=0, grid=False, keep_next=True, outline=0),
              XIAOBIAOSONG, SIZE_2, next_style=BODY),
        style(HEADING_2, "heading 2", ppr(align="center", first_line=0, keep_next=True, outline=1), HEITI,
              next_style=BODY),
        style(HEADING_3, "heading 3", ppr(align="center", first_line=0, keep_next=True, outline=2), KAITI,
              next_style=BODY),
        style(TOC_HEADING, "TOC Heading", ppr(align="center", first_line=0, grid=False, after=LINE),
              XIAOBIAOSONG, SIZE_2),
        style(TOC_1, "toc 1", ppr(align="left", first_line=0, tabs=[toc_tab]), FANGSONG, next_style=BODY),
        style(FOOTER, "footer", ppr(first_line=0, line=FOOTER_LINE, grid=False), SONGTI, FOOTER_SIZE),
        style("DefaultParagraphFont", "Default Paragraph Font", None, kind="character", default=True, based_on=None),
        el("w:style", {"type": "table", "default": 1, "styleId": "TableNormal"}, el("w:name", {"val": "Normal Table"}),
           el("w:tblPr", None, el("w:tblInd", {"w": 0, "type": "dxa"}), el("w:tblCellMar", None,
              el("w:top", {"w": 0, "type": "dxa"}), el("w:left", {"w": 108, "type": "dxa"}),
              el("w:bottom", {"w": 0, "type": "dxa"}), el("w:right", {"w": 108, "type": "dxa"})))),
    ]


def styles_xml(styles: list[etree._Element]) -> bytes:
    defaults = el("w:docDefaults", None,
                  el("w:rPrDefault", None, el("w:rPr", None, *_default_rpr())),
                  el("w:pPrDefault", None, el("w:pPr")))
    return serialize(el("w:styles", None, defaults, *styles))


def _default_rpr() -> list[etree._Element]:
    """The body font, the condensed glyph spacing of the 28-character line, and the languages."""
    fonts, *rest = list(rpr(FANGSONG, BODY_SIZE))  # CT_RPr order: rFonts … spacing … sz … lang
    return [fonts, el("w:spacing", {"val": CHAR_CONDENSE}), *rest,
            el("w:lang", {"val": "en-US", "eastAsia": "zh-CN", "bidi": "ar-SA"})]


def settings_xml() -> bytes:
    """Mirror margins and different odd/even footers. No w:updateFields: the contents are written
    with their pages filled in, so opening the file asks nothing (Word refreshes them on demand)."""
    return serialize(el(  # CT_Settings requires this element order
        "w:settings", None,
        el("w:zoom", {"percent": 100}),
        el("w:mirrorMargins"),
        el("w:defaultTabStop", {"val": INDENT_2 // 2}),
        el("w:evenAndOddHeaders"),
        el("w:characterSpacingControl", {"val": "compressPunctuation"}),
        el("w:compat", None, el("w:compatSetting", {
            "name": "compatibilityMode", "uri": "http://schemas.microsoft.com/office/word", "val": 15})),
        el("w:themeFontLang", {"val": "en-US", "eastAsia": "zh-CN"}),
        el("w:decimalSymbol", {"val": "."}),
        el("w:listSeparator", {"val": ","})))


def font_table_xml() -> bytes:
    fonts = [el("w:font", {"name": name}, el("w:altName", {"val": alt}) if alt else None,
                el("w:charset", {"val": "86"}), el("w:family", {"val": "swiss" if name == HEITI else "modern"}),
                el("w:pitch", {"val": "fixed"}))
             for name, alt in ALT_NAMES.items()]
    return serialize(el("w:fonts", None, *fonts))


def footer_xml(align: str) -> etree._Element:
    """'— N —' in 4号 宋体 with half-width digits, 空一字 from the outer edge."""
    indent = {"right": FOOTER_LINE} if align == "right" else {"left": FOOTER_LINE}
    properties = el("w:pPr", None, el("w:pStyle", {"val": FOOTER}), el("w:ind", indent), el("w:jc", {"val": align}))
    number = field_runs("PAGE", [run(Span("1", SONGTI), FOOTER_SIZE)], font=SONGTI, size=FOOTER_SIZE)
    return el("w:ftr", None, el("w:p", None, properties, run(Span("— ", SONGTI), FOOTER_SIZE), *number,
                                run(Span(" —", SONGTI), FOOTER_SIZE)))


def section_properties(*, start: str, footers: dict[str, str] | None = None) -> etree._Element:
    """A section on the GB/T 9704 page; start is nextPage or oddPage, footers maps default/even → r:id."""
    refs = [el("w:footerReference", {"type": kind, "r:id": rid}) for kind, rid in (footers or {}).items()]
    return el("w:sectPr", None, *refs,
              el("w:type", {"val": start}),
              el("w:pgSz", {"w": PAGE_WIDTH, "h": PAGE_HEIGHT}),
              el("w:pgMar", {"top": MARGIN_TOP, "right": MARGIN_OUTER, "bottom": MARGIN_BOTTOM,
                             "left": MARGIN_INNER, "header": FOOTER_DISTANCE, "footer": FOOTER_DISTANCE,
                             "gutter": 0}),
              el("w:cols", {"space": 425}),
              el("w:docGrid", {"type": "lines", "linePitch": LINE}))
