"""Render a form's committed docxtpl template, blank or filled, as DOCX bytes.

Two ways, same result (a test compares them):

* render_docxtpl(): plain docxtpl — load the package, render, save. About 60 ms a
  document; kept as the reference.
* Renderer: does docxtpl's preparation of the template once (read the package,
  patch the XML, compile the Jinja template), then per record renders only the
  body XML and zips it with the other parts, which never change.

Both run Jinja with autoescape and StrictUndefined, set control state with
controls.sync() and write a deterministic zip.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.sandbox
from lxml import etree

from . import controls
from .data import DateRange, Signature, cn_date, format_number
from .layout import BLANK_TABLE_ROWS, CHECKED, UNCHECKED, build
from .model import Form
from ..zipfiles import deflate, read_parts, write_zip, zip_entries

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

DOCUMENT_PART = "word/document.xml"
DOCUMENT_LEVEL = 3  # deflate level per record: a tenth of level 6's time for a fifth more bytes (5 KB vs 4 KB)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_BODY = re.compile(r"<w:body\b.*</w:body>", re.DOTALL)


def jinja_env() -> jinja2.Environment:
    """The environment every template is rendered in: escaped values, undefined names are errors.

    Sandboxed: a template is a file staff may edit in Word, so it must not reach Python's internals.
    """
    return jinja2.sandbox.SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)


def display(value: Any) -> str | None:
    """A value as printed on the form; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return CHECKED if value else UNCHECKED
    if isinstance(value, dt.date):
        return cn_date(value)
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)


BLANK, HANDWRITTEN = "blank", "handwritten"  # the two blanks: fill in Word/WPS, or print and write by hand


def empty_texts(form: Form, values: dict[str, Any] | None, blank: str = BLANK) -> dict[str, str]:
    """What each control (by tag) shows when its value is empty.

    The blank to fill in Word shows the placeholders (grey, never printed on a filled
    form); the blank to write by hand and a filled form show only what belongs on
    paper: nothing, a dash where the definition says so, or the 年 月 日 of a date.
    """
    layout = build(form)
    if values is not None:
        return layout.empties()
    return layout.guides() if blank == HANDWRITTEN else layout.placeholders()


def template_context(form: Form, values: dict[str, Any] | None, placeholders: dict[str, str] | None = None,
                     reserved: dict[str, str] | None = None) -> dict[str, Any]:
    """Template variables: every field's printed value, or its empty text (empty_texts()) when empty.

    values None gives the blank form. A table without rows shows its reserved rows
    (min_rows), so there is room to write by hand; `reserved` is what their cells show: on a
    filled form, as on the blank to write by hand (a column's dash says a row's value was left
    empty, not that nobody filled the row); on a blank, its own empty texts.
    """
    placeholders = placeholders if placeholders is not None else empty_texts(form, values)
    if reserved is None:
        reserved = empty_texts(form, None, HANDWRITTEN) if values is not None else placeholders
    values = values or {}

    def shown(tag: str, value: Any) -> str:
        return display(value) or placeholders[tag]

    context: dict[str, Any] = {}
    for field in form.fields:
        value = values.get(field.id)
        fid = field.id
        if field.type == "daterange":
            value = value or DateRange(None, None)
            context[fid] = {"start": shown(f"{fid}.start", value.start), "end": shown(f"{fid}.end", value.end)}
            if field.count_days:
                context[fid]["days"] = shown(f"{fid}.days", value.days)
        elif field.type == "signature":
            value = value or Signature()
            context[fid] = {"signer": shown(f"{fid}.signer", value.signer), "date": shown(f"{fid}.date", value.date)}
            if field.opinion:
                context[fid]["opinion"] = shown(f"{fid}.opinion", value.opinion)
        elif field.type == "table":
            rows = list(value or [])
            if rows:
                context[fid] = [{c.id: shown(f"{fid}.{c.id}", row.get(c.id)) for c in field.columns or []} for row in rows]
            else:
                count = field.min_rows if field.min_rows is not None else BLANK_TABLE_ROWS
                context[fid] = [{c.id: reserved[f"{fid}.{c.id}"] for c in field.columns or []}] * count
        elif field.type == "checkbox":
            context[fid] = CHECKED if value else UNCHECKED
        else:
            context[fid] = shown(fid, value)
    return context


class Renderer:
    """A form's template prepared once; render() per record."""

    def __init__(self, form: Form, template: Path | bytes):
        self.form = form
        self.layout = build(form)
        self.placeholders = self.layout.placeholders()
        self.empties = {BLANK: self.placeholders, HANDWRITTEN: self.layout.guides(), None: self.layout.empties()}
        data = template.read_bytes() if isinstance(template, Path) else template
        parts = read_parts(data)
        # the other parts never change: compress them once
        self.entries = [None if name == DOCUMENT_PART else deflate(name, blob) for name, blob in parts]
        document = dict(parts)[DOCUMENT_PART].decode("utf-8")
        self._head, self._tail, body = _split_body(document)
        patched = _docxtpl().patch_xml(body)
        # render_xml_part() puts each paragraph on its own line before rendering; do the same
        self.template = jinja_env().from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", patched))

    def render(self, values: dict[str, Any] | None, blank: str = BLANK) -> bytes:
        """The DOCX for one record (values from data.check_record), or for None the blank form:
        BLANK with content controls to fill in Word/WPS, HANDWRITTEN with empty cells and no controls."""
        kind = blank if values is None else None
        reserved = self.empties[HANDWRITTEN if kind is None else kind]  # the rows of a table without rows
        body = self.template.render(template_context(self.form, values, self.empties[kind], reserved))
        # undo the line breaks added before compiling (values cannot contain "<": they are escaped)
        body = resolve_listing(body.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>"))
        document = finish(self._head + body + self._tail, self.placeholders if kind == BLANK else {},
                          controls_kept=kind != HANDWRITTEN)
        return zip_entries([deflate(DOCUMENT_PART, document, DOCUMENT_LEVEL) if entry is None else entry
                            for entry in self.entries])


def finish(document: str, placeholders: dict[str, str], controls_kept: bool = True) -> bytes:
    """The rendered document XML with each control's state set from its text (placeholders: only
    for the blank form, where they show), or with the controls taken out, their text left in place."""
    synced = controls.sync(document, placeholders)
    return (synced if controls_kept else controls.unwrap(synced)).encode("utf-8")


def resolve_listing(xml: str) -> str:
    """docxtpl's handling of tabs and line breaks in values, applied only to the paragraphs that have them.

    docxtpl rewrites every paragraph of the document with regular expressions, which
    costs more than the rest of a render; values are the only source of these characters
    (\a and \f never get through validation). Paragraphs do not nest, so the one holding
    a character starts at the last <w:p> before it.
    """
    out = []
    done = cursor = 0
    while True:
        found = [i for i in (xml.find("\n", cursor), xml.find("\t", cursor)) if i >= 0]
        if not found:
            break
        position = min(found)
        start = _paragraph_start(xml, done, position)
        end = xml.find("</w:p>", position)
        if start < 0 or end < 0 or xml.find("</w:p>", start, position) >= 0:  # outside paragraphs: docxtpl leaves it
            cursor = position + 1
            continue
        end += len("</w:p>")
        out += [xml[done:start], _docxtpl().resolve_listing(xml[start:end])]
        done = cursor = end
    out.append(xml[done:])
    return "".join(out)


def _paragraph_start(xml: str, lower: int, position: int) -> int:
    """Where the paragraph holding position starts: the last <w:p> or <w:p …> (not <w:pPr>) before it."""
    start = xml.rfind("<w:p", lower, position)
    while start >= 0 and xml[start + 4] not in " >":
        start = xml.rfind("<w:p", lower, start)
    return start


def render_docxtpl(form: Form, template: Path, values: dict[str, Any] | None) -> bytes:
    """The same document through docxtpl's own render and save (the slow reference)."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(template)
    tpl.render_properties = lambda *args, **kwargs: None  # the title is the form's text, not a template
    tpl.render(template_context(form, values), jinja_env=jinja_env(), autoescape=True)
    buffer = io.BytesIO()
    tpl.save(buffer)
    parts = read_parts(buffer.getvalue())
    document = finish(dict(parts)[DOCUMENT_PART].decode("utf-8"), build(form).placeholders() if values is None else {})
    return write_zip([(name, document if name == DOCUMENT_PART else blob) for name, blob in parts])


def _split_body(document: str) -> tuple[str, str, str]:
    """The document XML around its body, and the body as docxtpl sees it (serialised by lxml)."""
    match = _BODY.search(document)
    if match is None:
        raise ValueError("模板中没有 w:body")
    body = etree.tostring(etree.fromstring(document.encode("utf-8")).find(f"{{{W}}}body"), encoding="unicode")
    return document[:match.start()], document[match.end():], body


@functools.cache
def _docxtpl() -> DocxTemplate:
    """A DocxTemplate used only for its XML helpers (patch_xml, resolve_listing), which need no document."""
    from docxtpl import DocxTemplate  # with python-docx, 0.03 s to import: not in a build whose forms are cached

    return DocxTemplate(None)
