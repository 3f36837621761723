"""The numbered view of a document: every element with its derived label and anchors.

Renderers (pages, compendium, plain text) and references all read this view, so
a number is computed in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import model
from .numbering import bare, chapter_label, format_number, section_label


# Every kind of element a body is built of, with the word for one (in diff's report). A new one also
# needs its line in render/plain.element_pairs, its page block in render/pages.py and its print style
# in render/compendium._block (ARCHITECTURE.md, “A new document kind”).
ELEMENT_KINDS = {"chapter": "章", "section": "节", "article": "条", "clause": "款", "item": "项",
                 "paragraph": "段落", "heading": "小标题"}


@dataclass
class Element:
    kind: str  # one of ELEMENT_KINDS
    label: str  # derived number as printed: 第十六条, （一）, 1. ; "" when unnumbered
    anchor: str  # positional anchor: art-16, art-9-item-2, s-2-1 …
    citation: str  # how a reference names it: 第九条第（二）项
    loc: tuple  # path of the element in the YAML data (for messages)
    key: str | None = None
    title: str | None = None
    text: str | None = None
    children: list[Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.kind not in ELEMENT_KINDS:
            raise ValueError(f"unknown element kind {self.kind!r}: add it to structure.ELEMENT_KINDS (see ARCHITECTURE.md)")

    @property
    def anchors(self) -> list[str]:
        """Anchor ids: the key first (stable across renumbering), then the positional one."""
        return [self.key, self.anchor] if self.key else [self.anchor]

    @property
    def id(self) -> str:
        return self.anchors[0]

    @property
    def leading_clause(self) -> Element | None:
        """An article's first clause: printed on the article's own line, after its number (第九条 …),
        so it has no line, no number and no anchor of its own. None for any other element."""
        return self.children[0] if self.kind == "article" and self.children else None

    @property
    def further_clauses(self) -> list[Element]:
        """An article's clauses after the leading one, each a paragraph of its own."""
        return self.children[1:] if self.kind == "article" else []

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Structure:
    """A document with its numbered body."""

    doc: model.DocumentBase
    body: list[Element]

    def walk(self):
        for element in self.body:
            yield from element.walk()

    def with_parents(self):
        """Every element with the element it belongs to (None at the top), in document order."""
        def visit(element: Element, parent: Element | None):
            yield element, parent
            for child in element.children:
                yield from visit(child, element)

        for top in self.body:
            yield from visit(top, None)

    def keyed(self) -> dict[str, Element]:
        return {e.key: e for e in self.walk() if e.key}


def landing(element: Element, parent: Element | None) -> Element | None:
    """The element whose anchor a link to `element` lands on: itself, or its parent for an article's
    leading clause and for an unnumbered paragraph (neither has an anchor);
    None for a paragraph at the top of a document (the page itself)."""
    if element.kind == "paragraph" or (parent is not None and parent.leading_clause is element):
        return parent
    return element


def outline_body(doc: model.OutlineDocument) -> list[Element]:
    """一、（一）1.（1）: the levels numbered by the document's style chain."""
    chain = doc.level_styles()
    return _nodes(doc.body, ("body",), chain[0], chain, "s", "")


def rules_body(doc: model.RulesDocument) -> list[Element]:
    """章—节—条—款—项—目, articles numbered continuously across chapters and sections."""
    counter = _ArticleCounter(doc.article_style)
    if doc.articles:
        return [counter.article(a, ("articles", i)) for i, a in enumerate(doc.articles)]
    chapters = []
    for c, chapter in enumerate(doc.chapters, start=1):
        loc = ("chapters", c - 1)
        label = chapter_label(c)
        element = Element("chapter", label, f"ch-{c}", label, loc, chapter.key, chapter.title)
        if chapter.sections:
            for s, section in enumerate(chapter.sections, start=1):
                sloc = loc + ("sections", s - 1)
                slabel = section_label(s)
                selement = Element("section", slabel, f"ch-{c}-sec-{s}", label + slabel, sloc,
                                   section.key, section.title)
                selement.children = [counter.article(a, sloc + ("articles", i))
                                     for i, a in enumerate(section.articles)]
                element.children.append(selement)
        else:
            element.children = [counter.article(a, loc + ("articles", i)) for i, a in enumerate(chapter.articles)]
        chapters.append(element)
    return chapters


class _ArticleCounter:
    """Articles are numbered continuously across chapters and sections."""

    def __init__(self, style: str):
        self.style = style
        self.n = 0

    def article(self, article: model.Article, loc: tuple) -> Element:
        self.n += 1
        label = format_number(self.style, self.n)
        citation = label if self.style == "第一条" else f"第{bare(self.style, self.n)}条"
        anchor = f"art-{self.n}"
        element = Element("article", label, anchor, citation, loc, article.key)
        clauses = article.all_clauses()
        for k, clause in enumerate(clauses, start=1):
            cloc = loc + ("clauses", k - 1) if article.clauses else loc
            ccitation = f"{citation}第{_cn(k)}款" if len(clauses) > 1 else citation
            items = _nodes(clause.items, cloc + ("items",), "（一）", _DESCENT,
                           f"{anchor}-item" if len(clauses) == 1 else f"{anchor}-c{k}-item", ccitation + "第")
            element.children.append(Element("clause", "", f"{anchor}-c{k}", ccitation, cloc, None, None,
                                            clause.text, items))
        return element


def _cn(n: int) -> str:
    from .numbering import chinese_numeral
    return chinese_numeral(n)


_UNIT = {"（一）": "项", "1.": "目", "1、": "目", "（1）": "目", "①": "目"}
# The usual descent of official numbering; 1、 sits where 1. does.
_DESCENT = ["一、", "（一）", "1.", "（1）", "①"]


def child_style(style: str, chain: list[str]) -> str:
    """Default numbering of the items under an item numbered in `style`."""
    if style in chain[:-1]:
        return chain[chain.index(style) + 1]
    position = _DESCENT.index("1." if style == "1、" else style)
    return _DESCENT[min(position + 1, len(_DESCENT) - 1)]


def _nodes(nodes: list[model.Node], loc: tuple, style: str, chain: list[str], prefix: str,
           cite_prefix: str) -> list[Element]:
    """Number one list of nodes; numbering restarts (optionally in a new style) after a heading (h)."""
    out: list[Element] = []
    n = 0
    after_heading = False
    for i, node in enumerate(nodes):
        nloc = loc + (i,)
        if node.kind == "paragraph":
            out.append(Element("paragraph", "", f"{prefix}-p{i + 1}", "", nloc, text=node.p))
            continue
        if node.kind == "heading":
            n, after_heading = 0, True
            style = node.style or style
            out.append(Element("heading", "", f"{prefix}-h{i + 1}", node.h or "", nloc, node.key, node.h))
            continue
        n += 1
        label = format_number(style, n)
        # after a heading numbers repeat, so positions keep anchors unique
        anchor = f"{prefix}-{i + 1}" if after_heading else f"{prefix}-{n}"
        citation = _citation(cite_prefix, style, n)
        children = _nodes(node.items, nloc + ("items",), node.style or child_style(style, chain), chain, anchor,
                          citation + ("第" if cite_prefix.endswith("第") else ""))
        out.append(Element("item", label, anchor, citation, nloc, node.key, node.title, node.text, children))
    return out


def _citation(prefix: str, style: str, n: int) -> str:
    if prefix.endswith("第"):  # inside an article: 第九条第（二）项第1目
        unit = _UNIT.get(style, "项")
        return f"{prefix}{bare(style, n)}{unit}"
    return prefix + bare(style, n)
