"""The handbook's search index: one entry per article, Chinese words findable by their parts.

This file is a MkDocs hook (mkdocs.yml `hooks:`). It replaces the entries of the
index Material's search plugin writes (site/search/search_index.json) and keeps
Material's configuration and its browser-side worker.

Why: Material segments Chinese with `jieba.cut` and its worker matches a query
only as a *prefix* of an indexed word, so 领导 never finds 分管领导 and 管理
never finds 财务管理. Here the visible text is split into the finest dictionary
parts (分管​领导), so any part matches and is highlighted in the result snippet,
and every word that was split is added whole to a hidden field (`compounds`),
so the compound keeps matching and scores higher than its parts alone.

Material also only starts a search entry at a heading. Articles of a regulation
are paragraphs, not headings, so elements with the class `hb-unit` and an id
start their own entry here; its title is its first `.hb-label` (第十六条).
"""

from __future__ import annotations

import html
import json
import logging
import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import jieba
from backrefs import bre
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

ZWSP = "\u200b"
COMPOUNDS_FIELD = "compounds"
UNIT_CLASS = "hb-unit"
TITLE_CLASSES = {"hb-label", "hb-title"}
SKIP_CLASSES = {"hb-permalink", "hb-anchor", "headerlink"}
SKIP_TAGS = {"script", "style", "object", "template"}
KEEP_TAGS = {"p", "li", "ol", "ul", "code", "pre", "sub", "sup"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
             "source", "track", "wbr"}
HEADINGS = {f"h{n}" for n in range(1, 7)}
HAN = bre.compile(r"\p{script: Han}+")

jieba.setLogLevel(logging.WARNING)  # keep "Building prefix dict …" out of the build log
log = logging.getLogger("mkdocs.hooks.handbook.search")


# --- Chinese segmentation -------------------------------------------------------------------

def split_word(word: str) -> list[str]:
    """The most probable split of a dictionary word into smaller dictionary words, or [word].

    jieba's own path search (maximum sum of log frequencies over its word graph),
    with the edge for the whole word removed. Splits into single characters only
    are rejected: 室务会 stays whole, 分管领导 becomes 分管 + 领导.
    """
    if len(word) < 3:
        return [word]
    tokenizer = jieba.dt
    tokenizer.check_initialized()
    dag = tokenizer.get_DAG(word)
    dag[0] = [end for end in dag[0] if end != len(word) - 1] or [0]
    route: dict[int, tuple[float, int]] = {len(word): (0.0, 0)}
    log_total = math.log(tokenizer.total)
    for start in range(len(word) - 1, -1, -1):
        route[start] = max((math.log(tokenizer.FREQ.get(word[start:end + 1]) or 1) - log_total
                            + route[end + 1][0], end) for end in dag[start])
    pieces, start = [], 0
    while start < len(word):
        end = route[start][1] + 1
        pieces.append(word[start:end])
        start = end
    return pieces if any(len(p) > 1 for p in pieces) else [word]


def word_parts(word: str, compounds: list[str]) -> list[str]:
    """The finest parts of a word; every word that was split is appended to compounds."""
    pieces = split_word(word)
    if len(pieces) == 1:
        return pieces
    compounds.append(word)
    return [part for piece in pieces for part in word_parts(piece, compounds)]


def segment(text: str) -> tuple[str, list[str]]:
    """Text with every Han run cut into parts joined by U+200B, and the compounds that were split.

    Like Material, only runs of Han characters are touched and U+200B (part of the
    search separator) marks the boundaries, so the visible text is unchanged.
    """
    compounds: list[str] = []

    def cut(match) -> str:
        parts = [p for word in jieba.cut(match.group(0)) for p in word_parts(word, compounds)]
        return ZWSP + ZWSP.join(parts) + ZWSP

    segmented = HAN.sub(cut, text).strip(ZWSP)
    return segmented, compounds


# --- page HTML → search entries ------------------------------------------------------------

@dataclass
class Section:
    anchor: str | None
    unit: bool = False  # opened by an element with class hb-unit: its label is its title
    title: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    skip: bool = False
    title: bool = False  # its text is the title of the current section
    outer: Section | None = None  # for a unit: the section to return to when it closes


class PageParser(HTMLParser):
    """Divide a page's HTML into search sections: the page, each heading with an id, each unit.

    Text is kept as Material keeps it: escaped, whitespace collapsed, with the
    block tags p/li/ol/ul (and code, pre, sub, sup) so snippets show whole paragraphs.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = [Section(None)]
        self.current = self.sections[0]
        self.stack: list[_Open] = []

    def parse(self, markup: str) -> list[Section]:
        self.feed(markup)
        self.close()
        return self.sections

    @property
    def skipping(self) -> bool:
        return any(el.skip for el in self.stack)

    @property
    def in_title(self) -> bool:
        return any(el.title for el in self.stack)

    def _target(self) -> list[str]:
        return self.current.title if self.in_title else self.current.text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            return
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        el = _Open(tag)
        self.stack.append(el)
        if self.skipping or tag in SKIP_TAGS or classes & SKIP_CLASSES or "data-search-exclude" in attributes:
            el.skip = True
            return
        ident = attributes.get("id")
        if tag in HEADINGS:
            self._heading(tag, ident, el)
        elif UNIT_CLASS in classes and ident:
            el.outer = self.current
            self.current = Section(ident, unit=True)
            self.sections.append(self.current)
        elif (classes & TITLE_CLASSES and self.current.unit and not self.in_title
              and not _has_text(self.current.text)):
            el.title = True
        if tag in KEEP_TAGS:
            self._target().append(f"<{tag}>")

    def _heading(self, tag: str, ident: str | None, el: _Open) -> None:
        page = self.sections[0]
        if tag == "h1" and len(self.sections) == 1 and not page.title:
            el.title = True  # the page's own title
        elif ident:
            self.current = Section(ident)
            self.sections.append(self.current)
            el.title = True

    def handle_endtag(self, tag: str) -> None:
        if not any(el.tag == tag for el in self.stack):
            return
        while self.stack:
            el = self.stack.pop()
            self._close(el)
            if el.tag == tag:
                return

    def _close(self, el: _Open) -> None:
        if not el.skip and el.tag in KEEP_TAGS:
            target = self.current.title if el.title or self.in_title else self.current.text
            opening = f"<{el.tag}>"
            if opening in target:
                start = len(target) - 1 - target[::-1].index(opening)
                if all(part.isspace() for part in target[start + 1:]):
                    del target[start:]  # drop empty elements, as Material does
                else:
                    target.append(f"</{el.tag}>")
        if el.outer is not None:
            self.current = el.outer

    def handle_data(self, text: str) -> None:
        if self.skipping:
            return
        if "pre" not in (el.tag for el in self.stack):
            text = " " if text.isspace() else text.replace("\n", " ")
        target = self._target()
        if text.isspace():
            if target and not target[-1].isspace():
                target.append(text)
            return
        if target is self.current.text and self.current.unit and not _has_text(target):
            text = text.lstrip(" \u3000")  # the space between 第十六条 and its text
        target.append(html.escape(text, quote=False))


def _has_text(parts: list[str]) -> bool:
    return any(not p.startswith("<") and not p.isspace() for p in parts)


def page_entries(markup: str, url: str, page_title: str, meta: dict | None = None) -> list[dict]:
    """Search entries of one page: the page itself first, then its headings and units in order."""
    meta = meta or {}
    entries = []
    for section in PageParser().parse(markup):
        title = "".join(section.title).strip() or page_title
        title, title_compounds = segment(title)
        text, text_compounds = segment("".join(section.text).strip())
        entry = {"location": f"{url}#{section.anchor}" if section.anchor else url, "title": title, "text": text}
        compounds = list(dict.fromkeys(title_compounds + text_compounds))
        if compounds:
            entry[COMPOUNDS_FIELD] = ZWSP.join(compounds)
        entry.update(_page_extras(meta))
        entries.append(entry)
    return entries


def _page_extras(meta: dict) -> dict:
    """Tags and boost from a page's front matter, carried over as Material does."""
    extras: dict = {}
    tags = meta.get("tags")
    if isinstance(tags, list):
        extras["tags"] = [str(t) for t in tags if t and isinstance(t, (str, int, float, bool))]
    search = meta.get("search") or {}
    if "boost" in search:
        extras["boost"] = search["boost"]
    return extras


# --- Material's search worker ----------------------------------------------------------------

# Material's query segmenter (src/.../search/query/segment/index.ts) tries every slice
# query[i:j] against the index with `j < query.length`, so a word ending at the last
# character of the query is never seen: 干部任免 becomes 干部* and 任免 is dropped.
WORKER_SLICE_LOOP = re.compile(r"for\(let (\w+)=(\w+)\+1;\1<(\w+)\.length;\1\+\+\)\3\.slice\(\2,\1\)in ")


def patch_worker(site_dir: Path) -> Path:
    """Let the worker's query segmenter consider words that end the query (`<` → `<=`)."""
    workers = sorted((site_dir / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    if len(workers) != 1:
        raise PluginError(f"搜索：应有一个 Material 搜索 worker 脚本，实际找到 {len(workers)} 个")
    worker = workers[0]
    source = worker.read_text(encoding="utf-8")
    patched, count = WORKER_SLICE_LOOP.subn(
        lambda m: m.group(0).replace(f"{m.group(1)}<{m.group(3)}", f"{m.group(1)}<={m.group(3)}"), source)
    if count != 1:
        raise PluginError(f"搜索：在 {worker.name} 中没有找到要修正的分词循环（Material 版本变了？），"
                          "请检查 handbook/search.py 的 WORKER_SLICE_LOOP")
    worker.write_text(patched, encoding="utf-8")
    return worker


# --- MkDocs hook events ----------------------------------------------------------------------

_pages: list[str] = []  # page URLs of this build, in build order
_entries: dict[str, list[dict]] = {}  # page URL → its entries (kept across `serve` rebuilds)


def on_files(files, config):
    _pages[:] = [f.url for f in files.documentation_pages()]
    return files


def on_page_content(markup, page, config, files):
    meta = page.meta or {}
    if (meta.get("search") or {}).get("exclude"):
        _entries.pop(page.url, None)
    else:
        _entries[page.url] = page_entries(markup, page.url, str(meta.get("title") or page.title or ""), meta)
    return markup


@event_priority(-50)  # after Material's search plugin writes the index, before `offline` inlines it
def on_post_build(config):
    site_dir = Path(config.site_dir)
    index_file = site_dir / "search" / "search_index.json"
    if not index_file.is_file():
        raise PluginError("搜索：Material 没有生成 search/search_index.json（search 插件未启用？）")
    index = json.loads(index_file.read_text(encoding="utf-8"))
    index["config"]["fields"][COMPOUNDS_FIELD] = {"boost": 1.0}
    index["docs"] = [entry for url in _pages for entry in _entries.get(url, [])]
    index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    patch_worker(site_dir)
