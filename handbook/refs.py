"""Resolving cross-references: the index of every document and keyed element of an edition.

The syntax itself (what [[…]] means) is in ref_syntax.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import urls
from .ref_syntax import REF, Ref, plain_text, refs_in, split  # noqa: F401  (the syntax, re-exported for the renderers)
from .structure import Element, Structure


WITHHELD = "〔内部文件〕"  # shown for a reference to a document the edition leaves out


@dataclass(frozen=True)
class Target:
    """What a reference points at: a document page, optionally an anchor in it."""

    doc_id: str
    anchor: str | None
    label: str  # words shown when the author gave none
    page: str  # the Markdown page that holds the target (Index.page_of)

    @property
    def url(self) -> str:
        """The target's URL relative to the site root (the page, and the anchor if any)."""
        return urls.with_anchor(urls.page_url(self.page), self.anchor)


class Index:
    """Every document and keyed element, for resolving references."""

    def __init__(self, structures: list[Structure], excluded: frozenset[str] = frozenset(),
                 pages: dict[str, str] | None = None):
        self.structures = {s.doc.id: s for s in structures}
        self.pages = dict(pages or {})  # documents shown on another page (urls.form_entry_pages)
        self.excluded = excluded  # documents the edition being built leaves out: cited by words, never linked
        self._keys = {s.doc.id: s.keyed() for s in structures}

    def is_published(self, doc_id: str) -> bool:
        return doc_id not in self.excluded

    def page_of(self, doc_id: str) -> str:
        return self.pages.get(doc_id) or urls.document_page(doc_id)

    def resolve(self, ref: Ref, here: str) -> Target | None:
        """The target of ref written in document `here`, or None when nothing matches."""
        doc_id, _, key = ref.target.partition("#")
        if not key and doc_id in self._keys.get(here, {}):
            doc_id, key = here, doc_id
        structure = self.structures.get(doc_id)
        if structure is None:
            return None
        if doc_id in self.excluded:  # its title and numbering are its own text: none of it may show
            if key and key not in self._keys[doc_id]:
                return None
            return Target(doc_id, None, WITHHELD, self.page_of(doc_id))
        title = f"《{structure.doc.title}》"
        if not key:
            return Target(doc_id, None, title, self.page_of(doc_id))
        element = self._keys[doc_id].get(key)
        if element is None:
            return None
        label = _cite(element)
        if doc_id != here:
            label = formal_citation(structure.doc.title, element)
        return Target(doc_id, element.id, label, self.page_of(doc_id))

    def words(self, ref: Ref, here: str) -> str:
        if ref.words:
            return ref.words
        target = self.resolve(ref, here)
        return target.label if target else ref.target


def formal_citation(doc_title: str, element: Element) -> str:
    """How another document cites an element: 《中共X区委员会办公室室务会会议议事决策规则》第十六条."""
    return f"《{doc_title}》{_cite(element)}"


def _cite(element: Element) -> str:
    if element.kind == "heading" or (element.kind == "item" and not element.citation):
        return element.title or element.label
    return element.citation
