"""A blank form as the compendium prints it: the body of its DOCX (handwritten blank) copied in, with
the styles it needs renamed so they cannot clash with the compendium's, and without the title the
compendium prints itself or anything a person filling in is told (请输入…)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..docx.gbt9704 import LINE
from ..docx.ooxml import el, qn


@dataclass
class FormBody:
    """Block elements copied from a blank form DOCX, with the styles they need."""

    elements: list[etree._Element]
    styles: list[etree._Element]
    page_break: bool = False  # on a page of its own, because it would not fit under the title

    @property
    def height(self) -> int:
        """Estimated height in twips: rows at their set height (else a line), a line per paragraph."""
        total = 0
        for element in self.elements:
            rows = list(element.iter(qn("w:tr"))) if element.tag == qn("w:tbl") else []
            total += sum(_row_height(row) or LINE for row in rows) if rows else LINE
        return total


    def shrink(self, factor: float) -> None:
        """Rows set taller than their text need made shorter by factor (never under one line of
        the form's text), so that the form fits under its title instead of leaving the title alone."""
        for element in self.elements:
            for node in element.iter(qn("w:trHeight")):
                value = int(node.get(qn("w:val"), 0))
                node.set(qn("w:val"), str(max(min(value, FORM_LINE), int(value * factor))))


FORM_LINE = 360  # twips: a line of a form's 小四 (12 pt) text at single spacing, with room to spare


def _row_height(row: etree._Element) -> int:
    node = row.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
    return int(node.get(qn("w:val"), 0)) if node is not None else 0


def form_body(path: Path, title: str) -> FormBody:
    """The blank form's body, to be placed under the document title.

    The form's own title paragraph is dropped (the compendium prints the title),
    its styles are copied under a Form prefix, and anything that would need a
    relationship of its own (pictures, links) or could clash (bookmarks, section
    breaks, list numbering) is removed."""
    with zipfile.ZipFile(path) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        names = archive.namelist()
        styles = etree.fromstring(archive.read("word/styles.xml")) if "word/styles.xml" in names else None
    body = document.find(qn("w:body"))
    elements = _drop_title([child for child in body if child.tag != qn("w:sectPr")], title)
    elements = _print_blank(elements)
    for element in elements:
        _strip_unportable(element)
    used = {node.get(qn("w:val")) for element in elements
            for node in element.iter(qn("w:pStyle"), qn("w:rStyle"), qn("w:tblStyle"))}
    copied = _copy_styles(styles, used) if styles is not None else []
    for element in elements:
        _prefix_style_refs(element)
        for p in element.iter(qn("w:p")):
            _default_form_style(p)
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


def _print_blank(elements: list[etree._Element]) -> list[etree._Element]:
    """The form as a blank to fill by hand: no content controls, and nothing where a control
    prompted (请输入…/请选择), so the cell prints empty; 年　月　日 and the like stay, in black."""
    holder = el("w:body")
    holder.extend(elements)
    for sdt in reversed(list(holder.iter(qn("w:sdt")))):  # the innermost first
        content = sdt.find(qn("w:sdtContent"))
        shows_placeholder = content is not None and _PROMPT.match(_text_of(content))  # the compendium prints blanks
        children = list(content) if content is not None else []
        for child in children if shows_placeholder else []:
            for r in [child] if child.tag == qn("w:r") else list(child.iter(qn("w:r"))):
                r.getparent().remove(r)
        children = [c for c in children if not (shows_placeholder and c.tag == qn("w:r"))]
        parent = sdt.getparent()
        position = parent.index(sdt)
        for child in reversed(children):
            parent.insert(position, child)
        parent.remove(sdt)
    for r in list(holder.iter(qn("w:r"))):  # a placeholder such as 年　月　日 prints as the form's text
        style_node = r.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
        if style_node is not None and style_node.get(qn("w:val")) == "PlaceholderText":
            if _PROMPT.match(_text_of(r)):
                r.getparent().remove(r)
            else:
                style_node.getparent().remove(style_node)
    return list(holder)


_PROMPT = re.compile(r"\s*请(输入|选择|填写)")  # words to the person filling in, not the form's (请假 is)


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


def _default_form_style(p: etree._Element) -> None:
    """A form paragraph without a style follows the form's own Normal, not the compendium's."""
    properties = p.find(qn("w:pPr"))
    if properties is None:
        properties = el("w:pPr")
        p.insert(0, properties)
    if properties.find(qn("w:pStyle")) is None:
        properties.insert(0, el("w:pStyle", {"val": FORM_PREFIX + "Normal"}))


def _copy_styles(styles: etree._Element, used: set[str]) -> list[etree._Element]:
    """The form's styles in use (with what they are based on), renamed with the Form prefix."""
    by_id = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style"))}
    wanted = set(used) | {"Normal"}
    pending = list(wanted)
    while pending:
        source = by_id.get(pending.pop())
        parent = source.find(qn("w:basedOn")) if source is not None else None
        if parent is not None and parent.get(qn("w:val")) not in wanted:
            wanted.add(parent.get(qn("w:val")))
            pending.append(parent.get(qn("w:val")))
    out = []
    for style_id in sorted(wanted):
        if style_id not in by_id:
            continue
        copied = etree.fromstring(etree.tostring(by_id[style_id]))
        if style_id == "Normal":
            _merge_defaults(copied, styles)
        copied.attrib.pop(qn("w:default"), None)
        copied.set(qn("w:styleId"), FORM_PREFIX + style_id)
        name = copied.find(qn("w:name"))
        if name is not None:
            name.set(qn("w:val"), "表单-" + name.get(qn("w:val")))
        for node in copied.iter(qn("w:basedOn"), qn("w:next"), qn("w:link")):
            node.set(qn("w:val"), FORM_PREFIX + node.get(qn("w:val")))
        out.append(copied)
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
    _as_on_its_own_page(normal)
    _order_style_children(normal)


# CT_PPrBase and CT_RPr list their children in a fixed order (only the ones that matter here).
_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc"]
_RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
              "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
              "w", "kern", "position", "sz", "szCs"]


def _as_on_its_own_page(normal: etree._Element) -> None:
    """The form's text off the compendium's line grid and without its condensed spacing: the form
    keeps the height and line length it has printed on its own."""
    for kind, tag, attrs, order in (("pPr", "snapToGrid", {"val": 0}, _PPR_ORDER),
                                    ("rPr", "spacing", {"val": 0}, _RPR_ORDER)):
        properties = normal.find(qn(f"w:{kind}"))
        if properties is None:
            properties = el(f"w:{kind}")
            normal.append(properties)
        if properties.find(qn(f"w:{tag}")) is None:
            properties.append(el(f"w:{tag}", attrs))
        rank = {name: i for i, name in enumerate(order)}
        for child in sorted(properties, key=lambda c: rank.get(etree.QName(c).localname, len(rank))):
            properties.append(child)


_STYLE_ORDER = ["name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority",
                "semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal", "personalCompose",
                "personalReply", "rsid", "pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr"]


def _order_style_children(node: etree._Element) -> None:
    rank = {name: i for i, name in enumerate(_STYLE_ORDER)}
    for child in sorted(node, key=lambda c: rank.get(etree.QName(c).localname, len(rank))):
        node.append(child)
