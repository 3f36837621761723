"""Documents as plain text lines, with derived numbering and references resolved to their words.

The one walk of a document as printed: document_pairs gives each line with what it is (an
element of the body, or TITLE / IMPRINT / TEXT), so the compendium styles the very lines that
plain text, diff and the faithfulness tests read.
"""

from __future__ import annotations

from typing import Callable

from ..refs import Index, Ref, plain_text
from ..structure import Element, Structure

Words = Callable[[Ref], str] | None
TITLE, IMPRINT, TEXT = "title", "imprint", "text"  # lines that are no element: title, imprint, free paragraphs
Role = Element | str


def element_pairs(element: Element, words: Words = None) -> list[tuple[Element, str]]:
    """One line per paragraph, with the element it prints: the label joined to the title and text."""
    def t(text: str | None) -> str:
        return plain_text(text or "", words)

    if element.kind == "article":
        first = element.leading_clause
        pairs = [(element, f"{element.label} {t(first.text)}")]
        for item in first.children:
            pairs += element_pairs(item, words)
        for clause in element.further_clauses:
            pairs += element_pairs(clause, words)
        return pairs
    if element.kind in ("chapter", "section"):
        line = f"{element.label} {element.title}"
    elif element.kind in ("clause", "paragraph"):
        line = t(element.text)
    elif element.kind == "heading":
        line = element.title or ""
    else:
        line = element.label + t(element.title) + t(element.text)
    pairs = [(element, line)]
    for child in element.children:
        pairs += element_pairs(child, words)
    return pairs


def element_lines(element: Element, words: Words = None) -> list[str]:
    return [line for _, line in element_pairs(element, words)]


def document_pairs(structure: Structure, index: Index | None = None) -> list[tuple[Role, str]]:
    """Every line of the document as printed, with what it is."""
    doc = structure.doc
    words = (lambda ref: index.words(ref, doc.id)) if index else None
    pairs: list[tuple[Role, str]] = [(TITLE, doc.title)]
    if doc.imprint:
        pairs.append((IMPRINT, doc.imprint))
    pairs += [(TEXT, plain_text(p, words)) for p in doc.preamble]
    for element in structure.body:
        pairs += element_pairs(element, words)
    pairs += [(TEXT, plain_text(p, words)) for p in doc.closing]
    if doc.flattened_text:
        pairs.append((TEXT, doc.flattened_text))
    return pairs


def document_lines(structure: Structure, index: Index | None = None) -> list[str]:
    return [line for _, line in document_pairs(structure, index)]


def document_text(structure: Structure, index: Index | None = None) -> str:
    return "\n".join(document_lines(structure, index))
