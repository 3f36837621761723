"""Make each content control's state agree with the text rendered into it.

The template carries Jinja only in text, so after rendering the state Word keeps
outside the text is set here: placeholder shown (and greyed) when the text is the
control's placeholder, check box ticked when it shows ☒, the date picker's date,
and fresh unique control ids (table rows repeat controls).
"""

from __future__ import annotations

import re

from lxml import etree

from .layout import CHECKED

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_W = f"{{{W}}}"
_W14 = f"{{{W14}}}"
_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
# Elements of w:sdtPr that must come before w:showingPlcHdr (schema order)
_BEFORE_PLACEHOLDER = {f"{_W}{n}" for n in ("rPr", "alias", "tag", "id", "lock", "placeholder", "temporary")}


def text_of(content: etree._Element) -> str:
    """The text a reader sees in a control's content (line breaks as newlines)."""
    out = []
    for node in content.iter(f"{_W}t", f"{_W}br", f"{_W}tab"):
        out.append(node.text or "" if node.tag == f"{_W}t" else ("\n" if node.tag == f"{_W}br" else "\t"))
    return "".join(out)


def sync(root: etree._Element, placeholders: dict[str, str]) -> None:
    """Set every control's state in the document tree `root` from its text; placeholders: tag → placeholder text."""
    for number, sdt in enumerate(root.iter(f"{_W}sdt"), start=1):
        props = sdt.find(f"{_W}sdtPr")
        content = sdt.find(f"{_W}sdtContent")
        if props is None or content is None:
            continue
        _set_val(props, "id", str(number))
        text = text_of(content)
        checkbox = props.find(f"{_W14}checkbox")
        if checkbox is not None:
            checked = checkbox.find(f"{_W14}checked")
            if checked is not None:
                checked.set(f"{_W14}val", "1" if text.strip() == CHECKED else "0")
            continue
        tag = props.find(f"{_W}tag")
        shown = tag is not None and placeholders.get(tag.get(f"{_W}val", "")) == text
        _show_placeholder(props, content, shown)
        date = props.find(f"{_W}date")
        if date is not None:
            _set_full_date(date, None if shown else text)


def _set_val(props: etree._Element, name: str, value: str) -> None:
    node = props.find(f"{_W}{name}")
    if node is not None:
        node.set(f"{_W}val", value)


def _show_placeholder(props: etree._Element, content: etree._Element, shown: bool) -> None:
    flag = props.find(f"{_W}showingPlcHdr")
    if shown and flag is None:
        position = sum(1 for child in props if child.tag in _BEFORE_PLACEHOLDER)
        props.insert(position, etree.Element(f"{_W}showingPlcHdr"))
    elif not shown and flag is not None:
        props.remove(flag)
    for run in content.iter(f"{_W}r"):
        rpr = run.find(f"{_W}rPr")
        if rpr is None:
            rpr = etree.Element(f"{_W}rPr")
            run.insert(0, rpr)
        style = rpr.find(f"{_W}rStyle")
        if shown and style is None:
            style = etree.Element(f"{_W}rStyle")
            rpr.insert(0, style)
        if shown:
            style.set(f"{_W}val", "PlaceholderText")
        elif style is not None and style.get(f"{_W}val") == "PlaceholderText":
            rpr.remove(style)


def _set_full_date(date: etree._Element, text: str | None) -> None:
    match = _CN_DATE.fullmatch(text.strip()) if text else None
    if match:
        year, month, day = (int(g) for g in match.groups())
        date.set(f"{_W}fullDate", f"{year:04d}-{month:02d}-{day:02d}T00:00:00Z")
    elif f"{_W}fullDate" in date.attrib:
        del date.attrib[f"{_W}fullDate"]
