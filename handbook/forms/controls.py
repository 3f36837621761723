"""Make each content control's state agree with the text rendered into it.

The template carries Jinja only in text, so after rendering the state Word keeps
outside the text is set here: placeholder shown (and greyed) when the text is the
control's placeholder, check box ticked when it shows ☒, the date picker's date,
and fresh unique control ids (table rows repeat controls).

This works on the XML text rather than a parsed tree because it runs once per
filled document and parsing dominated the cost. The input is always lxml's
serialisation (docxtpl hands the body through lxml), so elements are written
one way: <w:sdt>, <w:tag w:val="…"/>, double-quoted attributes. Controls are
nested only in one way: a table's rows sit in a repeating section (w15), each row an
item holding that row's controls.
"""

from __future__ import annotations

import html
import re

from .layout import CHECKED

_OPEN, _CLOSE, _PROPS_END = "<w:sdt>", "</w:sdt>", "</w:sdtPr>"
_REPEATING = "<w15:repeatingSection"
_CONTROL_MARKUP = re.compile(r"</?w:sdt>|<w:sdtPr>.*?</w:sdtPr>|<w:sdtEndPr>.*?</w:sdtEndPr>|<w:sdtEndPr/>|</?w:sdtContent>",
                             re.DOTALL)
_CONTENT_START, _CONTENT_END = "<w:sdtContent>", "</w:sdtContent>"
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>|<w:t/>|<w:(br|tab|cr)(?: [^>]*)?/>")
_TAG = re.compile(r'<w:tag w:val="([^"]*)"/>')
_ID = re.compile(r'<w:id w:val="[^"]*"/>')
_SHOWING = re.compile(r"<w:showingPlcHdr(?: [^>]*)?/>")
# w:showingPlcHdr goes before these (schema order of w:sdtPr), or last
_AFTER_SHOWING = re.compile(r"<w:(?:dataBinding|label|tabIndex|equation|comboBox|date|docPartObj|docPartList|dropDownList"
                            r"|picture|richText|text|citation|group|bibliography)[ />]|<w1[45]:|</w:sdtPr>")
_CHECKED = re.compile(r'<w14:checked w14:val="[^"]*"/>')
_DATE = re.compile(r"<w:date(?: [^>]*?)?(/?)>")
_RUN_START = re.compile(r"(<w:r(?: [^>]*)?>)(<w:rPr>)?")
_PLACEHOLDER_STYLE = '<w:rStyle w:val="PlaceholderText"/>'
_PLACEHOLDER_COLOR = '<w:color w:val="808080"/>'
_RUN_PROPS = re.compile(r"<w:rPr>.*?</w:rPr>")
_COLOR_AT = re.compile(r"<w:(?:spacing|w|kern|position|sz|szCs|highlight|u|effect|bdr|shd|fitText|vertAlign|rtl|cs|em"
                       r"|lang|eastAsianLayout|specVanish|oMath)[ />]|</w:rPr>")  # w:color's place in w:rPr
_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def text_of(content_xml: str) -> str:
    """The text a reader sees in a piece of WordprocessingML (line breaks as newlines)."""
    out = []
    for match in _TEXT.finditer(content_xml):
        text, empty = match.group(1), match.group(2)
        out.append(html.unescape(text) if text is not None else {"br": "\n", "cr": "\n", "tab": "\t"}.get(empty, ""))
    return "".join(out)


def sync(xml: str, placeholders: dict[str, str]) -> str:
    """The document XML with every control's state set from its text; placeholders: tag → placeholder text."""
    pieces = xml.split(_OPEN)
    out = [pieces[0]]
    for number, piece in enumerate(pieces[1:], start=1):
        end = piece.find(_CLOSE)
        if end < 0 or _REPEATING in piece[:piece.find(_PROPS_END)]:  # a repeating section or item: holds rows
            props_end = piece.find(_PROPS_END)
            out.append(_OPEN + _ID.sub(f'<w:id w:val="{number}"/>', piece[:props_end], count=1) + piece[props_end:])
            continue
        out.append(_OPEN + _sync_control(piece[:end], number, placeholders) + piece[end:])
    return "".join(out)


def _sync_control(inner: str, number: int, placeholders: dict[str, str]) -> str:
    """One control's XML between <w:sdt> and </w:sdt>, its state set from its text."""
    split = inner.find(_PROPS_END) + len(_PROPS_END)
    props, rest = inner[:split], inner[split:]
    props = _ID.sub(f'<w:id w:val="{number}"/>', props, count=1)
    start, end = rest.find(_CONTENT_START), rest.find(_CONTENT_END)
    has_content = start >= 0 and end >= 0
    content = rest[start + len(_CONTENT_START):end] if has_content else ""
    text = text_of(content)
    if "<w14:checkbox>" in props:
        checked = '<w14:checked w14:val="1"/>' if text.strip() == CHECKED else '<w14:checked w14:val="0"/>'
        return _CHECKED.sub(checked, props) + rest
    tag = _TAG.search(props)
    shown = tag is not None and placeholders.get(html.unescape(tag.group(1))) == text
    if "<w:showingPlcHdr" in props:
        props = _SHOWING.sub("", props)
    if shown:
        at = _AFTER_SHOWING.search(props).start()
        props = props[:at] + "<w:showingPlcHdr/>" + props[at:]
    if "<w:date" in props:
        props = _DATE.sub(lambda m: _date_element(m.group(1), None if shown else text), props, count=1)
    if not has_content:
        return props + rest
    start += len(_CONTENT_START)
    return props + rest[:start] + _restyle_runs(content, shown) + rest[end:]


def _restyle_runs(runs: str, shown: bool) -> str:
    if _PLACEHOLDER_STYLE in runs:
        runs = runs.replace(_PLACEHOLDER_STYLE, "").replace(_PLACEHOLDER_COLOR, "")
        runs = runs.replace("<w:rPr></w:rPr>", "").replace("<w:rPr/>", "")
    if not shown:
        return runs
    runs = _RUN_START.sub(lambda m: f"{m.group(1)}<w:rPr>{_PLACEHOLDER_STYLE}" + ("" if m.group(2) else "</w:rPr>"), runs)
    # the grey is also given directly: LibreOffice ignores the character style in plain-text controls
    return _RUN_PROPS.sub(_grey, runs)


def _grey(match: re.Match) -> str:
    props = match.group(0)
    at = _COLOR_AT.search(props, len("<w:rPr>")).start()
    return props[:at] + _PLACEHOLDER_COLOR + props[at:]


def unwrap(xml: str) -> str:
    """The document XML with every content control replaced by its content (the blank to write by hand);
    repeating sections (which hold table rows) and the controls in them alike."""
    return _CONTROL_MARKUP.sub("", xml)


def _date_element(self_closing: str, text: str | None) -> str:
    match = _CN_DATE.fullmatch(text.strip()) if text else None
    if not match:
        return f"<w:date{self_closing}>"
    year, month, day = (int(g) for g in match.groups())
    return f'<w:date w:fullDate="{year:04d}-{month:02d}-{day:02d}T00:00:00Z"{self_closing}>'
