"""Cross-references written inside regulation text.

Syntax, chosen to sit unobtrusively in Chinese prose:

    [[quorum]]                      an element of this document by key → 第十六条
    [[zhuren-rules]]                another document → 《区委办公室主任办公会议规则》
    [[zhuren-rules#topics]]         an element of another document → 《…》第十四条
    [[zhuren-rules|主任办公会议]]    any of the above, shown with the author's own words

A reference renders as the derived number (or the given words) and links to the
element's stable anchor. A reference that cannot be resolved is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:  # only for annotations: importing structure here is circular (structure → model → flow → refs)
    from .structure import Element, Structure

REF = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]")


@dataclass(frozen=True)
class Ref:
    target: str
    words: str | None


@dataclass(frozen=True)
class Target:
    """What a reference points at: a document page, optionally an anchor in it."""

    doc_id: str
    anchor: str | None
    label: str  # words shown when the author gave none
    page: str  # the site page (relative to the site root) that holds the target


def split(text: str) -> Iterator[str | Ref]:
    """Text as alternating plain strings and references."""
    pos = 0
    for match in REF.finditer(text):
        if match.start() > pos:
            yield text[pos:match.start()]
        yield Ref(match.group(1).strip(), match.group(2))
        pos = match.end()
    if pos < len(text):
        yield text[pos:]


def refs_in(text: str) -> list[Ref]:
    return [part for part in split(text) if isinstance(part, Ref)]


class Index:
    """Every document and keyed element, for resolving references."""

    def __init__(self, structures: list[Structure], pages: dict[str, str] | None = None,
                 excluded: frozenset[str] = frozenset()):
        self.structures = {s.doc.id: s for s in structures}
        self.pages = pages or {}
        self.excluded = excluded  # documents the edition being built leaves out: cited by words, never linked
        self._keys = {s.doc.id: s.keyed() for s in structures}

    def is_published(self, doc_id: str) -> bool:
        return doc_id not in self.excluded

    def page_of(self, doc_id: str) -> str:
        return self.pages.get(doc_id, f"{doc_id}.md")

    def resolve(self, ref: Ref, here: str) -> Target | None:
        """The target of ref written in document `here`, or None when nothing matches."""
        doc_id, _, key = ref.target.partition("#")
        if not key and doc_id in self._keys.get(here, {}):
            doc_id, key = here, doc_id
        structure = self.structures.get(doc_id)
        if structure is None:
            return None
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


def plain_text(text: str, words: Callable[[Ref], str] | None = None) -> str:
    """The text as a reader sees it: each reference replaced by its words."""
    out = []
    for part in split(text):
        if isinstance(part, Ref):
            out.append(words(part) if words else (part.words or part.target))
        else:
            out.append(part)
    return "".join(out)
