"""Shared helpers for the form tests: the real forms, rendering, and reading DOCX XML."""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from pathlib import Path

from lxml import etree

from handbook.forms.data import check_record, example_record
from handbook.forms.definitions import load_forms
from handbook.forms.model import Form
from handbook.forms.render import Renderer
from handbook.forms.templates import template_path

ROOT = Path(__file__).resolve().parent.parent
FORM_IDS = ("lending-slip", "leave-approval", "meeting-notice")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
NS = {"w": W, "w14": W14}


@lru_cache(maxsize=None)
def forms() -> dict[str, Form]:
    loaded, problems = load_forms(ROOT)
    assert problems == [], "\n".join(map(str, problems))
    return {item.form.id: item.form for item in loaded}


def form(form_id: str) -> Form:
    return forms()[form_id]


@lru_cache(maxsize=None)
def renderer(form_id: str) -> Renderer:
    return Renderer(form(form_id), template_path(ROOT, form_id))


def example_values(form_id: str) -> dict:
    values, errors = check_record(form(form_id), example_record(form(form_id)))
    assert errors == []
    return values


def part(docx: bytes, name: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return etree.fromstring(archive.read(name))


W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


def is_container(sdt: etree._Element) -> bool:
    """A repeating section or one of its items: it holds table rows, not a value."""
    props = sdt.find("w:sdtPr", NS)
    return props.find(f"{{{W15}}}repeatingSection") is not None or props.find(f"{{{W15}}}repeatingSectionItem") is not None


def controls(docx: bytes) -> list[etree._Element]:
    """The value controls (fields) of a document, in order."""
    return [sdt for sdt in part(docx).iter(f"{{{W}}}sdt") if not is_container(sdt)]


def sections(docx: bytes) -> list[etree._Element]:
    """The repeating sections (one per multi-row table)."""
    return [sdt for sdt in part(docx).iter(f"{{{W}}}sdt")
            if sdt.find(f"w:sdtPr/{{{W15}}}repeatingSection", NS) is not None]


def tag_of(sdt: etree._Element) -> str:
    return sdt.find("w:sdtPr/w:tag", NS).get(f"{{{W}}}val")


def text_of(sdt: etree._Element) -> str:
    """The control's text as Word shows it: w:t joined, w:br as a newline."""
    out = []
    for node in sdt.find("w:sdtContent", NS).iter(f"{{{W}}}t", f"{{{W}}}br"):
        out.append("\n" if node.tag == f"{{{W}}}br" else node.text or "")
    return "".join(out)


def texts_by_tag(docx: bytes) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for sdt in controls(docx):
        out.setdefault(tag_of(sdt), []).append(text_of(sdt))
    return out


def canonical_document(docx: bytes) -> bytes:
    """The document part in canonical XML, so two serialisations of the same document compare equal."""
    return etree.tostring(part(docx), method="c14n")


def parts_except_document(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "word/document.xml"}
