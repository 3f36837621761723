"""Documents as Markdown pages for the handbook site.

Structure (chapters, articles, outline headings) becomes Markdown headings so the
table of contents, permalinks and search sections follow it; running text is
written as escaped HTML so nothing an editor types is ever interpreted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from .. import model, urls
from ..refs import Index, Ref, formal_citation, split
from ..kinds import kind_of
from ..sources import Handbook
from ..structure import Element, Structure

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def md_escape(text: str) -> str:
    """Text safe inside a Markdown heading or link label: nothing in it is markup."""
    text = str(escape(text))  # & < > " ' as entities
    return _MD_SPECIAL.sub(r"\\\1", text)


def one_line(text: str) -> str:
    # YAML block scalars may wrap long Chinese lines; Chinese joins lines without spaces
    return re.sub(r"\s*\n\s*", "", text.strip())


@dataclass(frozen=True)
class Related:
    """A flowchart or form that belongs to a rule, shown beside it."""

    kind: str  # 流程图 / 表格
    title: str
    href: str


@dataclass
class PageExtras:
    """What the pages show besides the regulations themselves."""

    related: dict[tuple[str, str | None], list[Related]] = field(default_factory=dict)  # (doc id, anchor) → items
    flowcharts: dict[str, str] = field(default_factory=dict)  # flow id → diagram, downloads and steps (Markdown)
    compendium_href: str | None = None  # the printed compendium in downloads/


@dataclass
class PageContext:
    """What a page renderer needs to resolve references from one document."""

    index: Index
    doc_id: str
    related: dict[tuple[str, str | None], list[Related]] = field(default_factory=dict)
    doc_title: str = ""

    def cite_attr(self, element: Element) -> Markup:
        """The element's formal citation as a data-cite attribute, for the page's 「复制引用」 action."""
        if not self.doc_title:
            return Markup("")
        return Markup(' data-cite="{}"').format(formal_citation(self.doc_title, element))

    def cite_md_attr(self, element: Element) -> str:
        """The same for a Markdown heading (attr_list), which cannot carry every character."""
        cite = formal_citation(self.doc_title, element) if self.doc_title else ""
        return f' data-cite="{cite}"' if cite and not set(cite) & set('"{}\\') else ""

    def related_html(self, element: Element | None) -> str:
        """Links to the flowcharts and forms that belong to an element (or, for None, to the whole document)."""
        anchors = element.anchors if element else [None]
        items = [r for a in anchors for r in self.related.get((self.doc_id, a), [])]
        if not items:
            return ""
        links = "；".join(f'{escape(r.kind)}：<a href="{escape(r.href)}">{escape(r.title)}</a>' for r in items)
        return f'<p class="related">{links}</p>\n'

    def href(self, ref: Ref) -> str | None:
        target = self.index.resolve(ref, self.doc_id)
        if target is None or not self.index.is_published(target.doc_id):
            return None
        if target.doc_id == self.doc_id:
            return f"#{target.anchor}" if target.anchor else ""
        return target.url

    def html(self, text: str | None) -> Markup:
        """Escaped HTML of running text, with references as links."""
        out = []
        for part in split(one_line(text or "")):
            if isinstance(part, Ref):
                words = escape(self.index.words(part, self.doc_id))
                href = self.href(part)
                out.append(Markup(f'<a class="ref" href="{escape(href)}">{words}</a>') if href else words)
            else:
                out.append(escape(part))
        return Markup("").join(out)


def _anchor_spans(element: Element, skip: str | None = None) -> Markup:
    return Markup("").join(Markup(f'<span class="anchor" id="{a}"></span>') for a in element.anchors if a != skip)


def _heading(level: int, text: str, element: Element, classes: str = "", extra: str = "") -> str:
    """A Markdown heading whose id is the element's key (or position); other anchors ride inside it."""
    attrs = f"#{element.id}" + (f" .{classes}" if classes else "") + extra
    return f"{'#' * level} {_anchor_spans(element, skip=element.id)}{text} {{ {attrs} }}\n"


def _permalink(element: Element) -> Markup:
    return Markup(f'<a class="headerlink item-link" href="#{element.id}" title="永久链接" aria-label="永久链接"></a>')


def _block(tag_class: str, element: Element, inner: Markup, attrs: Markup = Markup("")) -> str:
    return (f'<p class="{tag_class}" id="{element.id}"{attrs}>'
            f'{_anchor_spans(element, element.id)}{inner}{_permalink(element)}</p>\n')


def render_items(items: list[Element], ctx: PageContext, depth: int) -> list[str]:
    blocks = []
    for element in items:
        if element.kind == "paragraph":
            blocks.append(f'<p class="para depth-{depth}">{ctx.html(element.text)}</p>\n')
            continue
        if element.kind == "heading":
            blocks.append(_block(f"subheading depth-{depth}", element, Markup(escape(element.title or ""))))
            blocks += render_items(element.children, ctx, depth)
            continue
        body = Markup(f'<span class="item-title">{ctx.html(element.title)}</span>') if element.title else Markup("")
        body += ctx.html(element.text)
        inner = Markup(f'<span class="num">{escape(element.label)}</span><span class="item-body">{body}</span>')
        blocks.append(_block(f"item depth-{depth}", element, inner, ctx.cite_attr(element)))
        blocks.append(ctx.related_html(element))
        blocks += render_items(element.children, ctx, depth + 1)
    return blocks


def render_article(element: Element, ctx: PageContext, level: int) -> list[str]:
    first = element.leading_clause
    blocks = [_heading(level, md_escape(element.label), element, "article"),
              f'<p class="art-text"{ctx.cite_attr(element)}>{ctx.html(first.text)}</p>\n']
    blocks += render_items(first.children, ctx, 1)
    for clause in element.further_clauses:
        blocks.append(_block("clause", clause, ctx.html(clause.text)))
        blocks += render_items(clause.children, ctx, 1)
    blocks.append(ctx.related_html(element))
    return blocks


def render_rules(structure: Structure, ctx: PageContext) -> list[str]:
    blocks: list[str] = []
    for element in structure.body:
        if element.kind == "article":
            blocks += render_article(element, ctx, 2)
            continue
        blocks.append(_heading(2, md_escape(f"{element.label} {element.title}"), element, "chapter"))
        for child in element.children:
            if child.kind == "section":
                blocks.append(_heading(3, md_escape(f"{child.label} {child.title}"), child, "section"))
                for article in child.children:
                    blocks += render_article(article, ctx, 4)
            else:
                blocks += render_article(child, ctx, 3)
    return blocks


def render_outline(elements: list[Element], ctx: PageContext, level: int = 2) -> list[str]:
    """Titled items at the top two levels become headings; everything else is running text."""
    blocks: list[str] = []
    for element in elements:
        if element.kind == "heading" and level <= 3:
            blocks.append(_heading(level, md_escape(element.title or ""), element, "outline", ctx.cite_md_attr(element)))
            blocks.append(ctx.related_html(element))
            continue
        if element.kind == "item" and element.title and level <= 3:
            blocks.append(_heading(level, md_escape(element.label) + md_escape(one_line(element.title)),
                                   element, "outline", ctx.cite_md_attr(element)))
            if element.text:
                blocks.append(f'<p class="item-text">{ctx.html(element.text)}</p>\n')
            blocks.append(ctx.related_html(element))
            blocks += render_outline(element.children, ctx, level + 1)
            continue
        blocks += render_items([element], ctx, max(level - 2, 0))
    return blocks


OUTLINE_KINDS = {"item", "paragraph", "heading"}  # what render_outline draws; rules bodies: chapters, articles


def render_body(structure: Structure, ctx: PageContext) -> str:
    if structure.body and structure.body[0].kind in ("chapter", "article"):
        blocks = render_rules(structure, ctx)
    elif all(element.kind in OUTLINE_KINDS for element in structure.body):
        blocks = render_outline(structure.body, ctx)
    else:  # a body of a new element kind: its page block is missing here (ARCHITECTURE.md)
        raise ValueError(f"no page rendering for the body of {structure.doc.id} ({structure.body[0].kind})")
    return "\n".join(b for b in blocks if b.strip())


def _environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is Markdown; values are escaped explicitly with |md or |html
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = md_escape
    env.filters["reader_note"] = _reader_note
    env.filters["html"] = escape
    env.globals["urls"] = urls  # templates link through the URL owner too
    return env


def _reader_note(note: str) -> str:
    """The editor's note as staff read it, the same as in print: no ids, no how-it-was-extracted."""
    from .compendium import reader_note

    return reader_note(note)


def nav_title(doc: model.DocumentBase) -> str:
    """Title for navigation: the short title, or the full title without the issuing office."""
    if doc.short_title:
        return doc.short_title
    return re.sub(r"^(中共)?X区委(员会)?(办公室)?", "", doc.title) or doc.title


class PageRenderer:
    """Renders the Markdown of every page of the handbook from templates/pages/."""

    def __init__(self, handbook: Handbook, templates: Path, extras: PageExtras | None = None):
        self.handbook = handbook
        self.env = _environment(templates)
        self.extras = extras or PageExtras()

    def document(self, structure: Structure) -> str:
        doc = structure.doc
        ctx = PageContext(self.handbook.index, doc.id, self.extras.related, doc.title)
        kind = kind_of(doc)
        template = self.env.get_template(kind.page_template)
        return template.render(
            doc=doc,
            nav_title=nav_title(doc),
            category=self._category(doc),
            body=render_body(structure, ctx) if kind.body else "",
            flowchart=self.extras.flowcharts.get(doc.id, ""),
            related=ctx.related_html(None),
            compendium_href=self.extras.compendium_href,
            parent=self._parent(doc),
            preamble=[ctx.html(p) for p in doc.preamble],
            closing=[ctx.html(p) for p in doc.closing],
            compendium=self.handbook.compendium,
        )

    def merge_entry(self, structure: Structure, form_page: str, form_corrections=()) -> str:
        """A form page with its compendium entry: the entry's info line after the title, its notes,
        original text, history and corrections (those the form page does not already list) at the end."""
        listed = {(c.original, c.corrected) for c in form_corrections}
        doc = structure.doc.model_copy(
            update={"corrections": [c for c in structure.doc.corrections if (c.original, c.corrected) not in listed]})
        context = dict(doc=doc, compendium=self.handbook.compendium, compendium_href=self.extras.compendium_href,
                       parent="", related="")
        head = self.env.get_template("_form_entry_head.md.j2").render(**context)
        tail = self.env.get_template("_form_entry_tail.md.j2").render(**context)
        title, _, rest = form_page.partition("\n")
        return f"{title}\n\n{head}\n{rest.rstrip()}\n\n{tail}"

    def redirect(self, structure: Structure, page: str) -> str:
        """The entry's former address: leads to its page, and is neither searched nor in the menu."""
        href = urls.page_url(page)
        return self.env.get_template("redirect.md.j2").render(doc=structure.doc, href=href)

    def _parent(self, doc: model.DocumentBase) -> str:
        """A link to the document a drawing belongs to (flows outside the contents)."""
        parent = getattr(doc, "parent", None)
        if not parent:
            return ""
        return str(PageContext(self.handbook.index, doc.id).html(f"[[{parent}]]"))

    def home(self) -> str:
        return self.env.get_template("index.md.j2").render(
            compendium=self.handbook.compendium,
            groups=self.handbook.by_category(),
            nav_title=nav_title,
            page_of=self.handbook.index.page_of,
            forms=[f.form for f in self.handbook.forms],
            compendium_href=self.extras.compendium_href,
        )

    def _category(self, doc: model.DocumentBase) -> model.Category | None:
        return next((c for c in self.handbook.compendium.categories if c.name == doc.category), None)
