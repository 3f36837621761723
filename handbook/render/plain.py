"""Documents as plain text lines, with derived numbering and references resolved to their words."""

from __future__ import annotations

from typing import Callable

from ..refs import Index, Ref, plain_text
from ..structure import Element, Structure

Words = Callable[[Ref], str] | None


def element_lines(element: Element, words: Words = None) -> list[str]:
    """One line per paragraph: the label joined to the title and text, as printed."""
    def t(text: str | None) -> str:
        return plain_text(text or "", words)

    if element.kind == "article":
        first, *rest = element.children
        lines = [f"{element.label} {t(first.text)}"]
        for item in first.children:
            lines += element_lines(item, words)
        for clause in rest:
            lines += element_lines(clause, words)
        return lines
    if element.kind in ("chapter", "section"):
        lines = [f"{element.label} {element.title}"]
    elif element.kind in ("clause", "paragraph"):
        lines = [t(element.text)]
    elif element.kind == "heading":
        lines = [element.title or ""]
    else:
        lines = [element.label + t(element.title) + t(element.text)]
    for child in element.children:
        lines += element_lines(child, words)
    return lines


def document_lines(structure: Structure, index: Index | None = None) -> list[str]:
    doc = structure.doc
    words = (lambda ref: index.words(ref, doc.id)) if index else None
    lines = [doc.title]
    if doc.imprint:
        lines.append(doc.imprint)
    lines += [plain_text(p, words) for p in doc.preamble]
    for element in structure.body:
        lines += element_lines(element, words)
    lines += [plain_text(p, words) for p in doc.closing]
    source_text = getattr(doc, "source_text", None)
    if source_text:
        lines.append(source_text)
    return lines


def document_text(structure: Structure, index: Index | None = None) -> str:
    return "\n".join(document_lines(structure, index))
