"""The staff search index, built once at build time from the pages MkDocs wrote.

What a reader searches is what the pages show, so the entries are read from the
built HTML: one entry per unit a reader wants to land on (an article, an outline
item, a flow step, a group of form fields, the page itself for its title and
opening text). Page furniture (download links, editor notes, the flattened
original text, field ids) is left out; placeholder pages give their title only;
the home page, the changelog and the editor guide are not indexed at all.

Text is segmented with jieba into the finest dictionary parts plus every
compound that was split (分管领导 → 分管, 领导, 分管领导), and every (term, entry)
pair gets its BM25 weight here. The browser (assets/javascripts/search-engine.js,
the one query engine, also run by the tests under Node) only adds up weights.

Everything is written as script files under search/ (a script tag loads from
file:// where fetch cannot): core.js with the vocabulary, the documents and the
synonyms; p-N.js, the postings of the terms whose hash falls into shard N;
t-N.js, the text of a run of entries for snippets. The page loads core.js once,
at page load (and every file, when the whole index is small: core's "preload"); a
query loads one shard per term and then, in one go, the text of the entries it
checks for the exact query and of those it shows.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from backrefs import bre

from . import urls
from .forms.definitions import document_id
from .text import tokenizer as jieba_tokenizer

SEARCH_DIR = "search"
CORE_FILE = "core.js"
RECEIVER = "HandbookSearch.receive"  # defined by assets/javascripts/search-engine.js
FORMAT_VERSION = 1
FORM_CATEGORY = "表格"
PENDING_STATUS = "待录入"

# BM25 (Robertson/Spärck Jones) with the usual constants; a word in the entry's title counts TITLE_WEIGHT times
K1, B = 1.2, 0.75
TITLE_WEIGHT = 3.0
WEIGHT_SCALE = 100  # weights are stored as integers: round(weight * WEIGHT_SCALE)
SHARD_BYTES = 48 * 1024  # target size of one posting shard
# Target size of one text chunk: a query reads the chunks of the entries it shows and checks, each
# in a different chunk at scale, so a small chunk means fewer bytes for the same number of files
TEXT_BYTES = 16 * 1024
MAX_SHARDS = 1024
# An index this small (the real handbook's is about 150 KB) is read whole once the page has loaded, so the
# first query reads no file; a larger one is read as queries need it
PRELOAD_BYTES = 512 * 1024

HAN = bre.compile(r"\p{script: Han}+")  # the JS engine uses /\p{Script=Han}+/u: the same runs
WORD = re.compile(r"[0-9a-z]+", re.IGNORECASE)


# --- segmentation ----------------------------------------------------------------------------

def split_word(word: str) -> list[str]:
    """The most probable split of a word into smaller dictionary words, or [word] if there is none.

    jieba's own path search (maximum sum of log word frequencies over its word
    graph) with the edge for the whole word removed. A split into single
    characters only is no split: 室务会 stays whole, 分管领导 → 分管 + 领导.
    """
    if len(word) < 3:
        return [word]
    tokenizer = jieba_tokenizer()  # the process's one jieba dictionary (text.py)
    graph = tokenizer.get_DAG(word)
    graph[0] = [end for end in graph[0] if end != len(word) - 1] or [0]
    log_total = math.log(tokenizer.total)
    route: dict[int, tuple[float, int]] = {len(word): (0.0, 0)}
    for start in range(len(word) - 1, -1, -1):
        route[start] = max((math.log(tokenizer.FREQ.get(word[start:end + 1]) or 1) - log_total
                            + route[end + 1][0], end) for end in graph[start])
    pieces, start = [], 0
    while start < len(word):
        end = route[start][1] + 1
        pieces.append(word[start:end])
        start = end
    return pieces if any(len(p) > 1 for p in pieces) else [word]


@lru_cache(maxsize=None)
def word_terms(word: str) -> tuple[str, ...]:
    """A jieba word as index terms: its finest parts, and every word on the way that was split (itself included)."""
    pieces = split_word(word)
    if len(pieces) == 1:
        return (word,)
    terms: tuple[str, ...] = (word,)
    for piece in pieces:
        terms += word_terms(piece)
    return terms


def terms(text: str) -> list[str]:
    """Every index term of a text, in order, with repeats (jieba on each run of Han characters)."""
    return list(_terms(text))


@lru_cache(maxsize=200_000)  # the preview rebuilds the index after every save: unchanged entries cost nothing
def _terms(text: str) -> tuple[str, ...]:
    found: list[str] = []
    position = 0
    for run in HAN.finditer(text):
        found += [w.lower() for w in WORD.findall(text[position:run.start()])]
        for word in jieba_tokenizer().cut(run.group(0)):
            found += word_terms(word)
        position = run.end()
    found += [w.lower() for w in WORD.findall(text[position:])]
    return tuple(found)


# --- what a page offers a reader -------------------------------------------------------------

@dataclass
class Page:
    """A page that is searched, with what the filters and messages need to know about it."""

    name: str  # site path, e.g. shiwuhui-rules.html
    title: str
    category: str
    status: str  # 现行 / 试行 / 废止 / 待录入
    source_page: int | None  # page in the printed compendium
    pending: bool  # text not entered yet: the title is all there is


@dataclass
class Entry:
    page: str
    anchor: str | None  # element id on the page; None for the page itself
    title: str = ""
    text: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return clean("".join(self.text))


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def searched_pages(handbook) -> list[Page]:
    """The rules, flows and forms a staff member searches (the changelog and the editor guide are not among them).

    A compendium entry that is a form has its one page at the form (urls.form_entry_pages): its own
    address only leads there, so it is not searched twice."""
    form_ids = {loaded.form.id for loaded in handbook.forms}
    merged = urls.form_entry_pages([s.doc for s in handbook.structures], form_ids)
    pages = []
    status, category = {}, {}
    for structure in handbook.structures:
        doc = structure.doc
        status[doc.id], category[doc.id] = doc.status, doc.category
        if doc.id in merged:
            continue
        pending = doc.kind == "pending"
        pages.append(Page(urls.document(doc.id), doc.title, doc.category, PENDING_STATUS if pending else doc.status,
                          doc.source_page, pending))
    for loaded in handbook.forms:
        form = loaded.form
        entry = document_id(form) or ""
        pages.append(Page(urls.form(form.id), form.title, category.get(entry, FORM_CATEGORY),
                          status.get(entry, "现行"), None, False))
    return pages


# Blocks that are page furniture for a reader looking for a rule
SKIPPED_CLASSES = {
    "headerlink", "admonition", "related", "flowchart-downloads", "form-download", "form-batch", "form-rules",
    "form-preview", "source-text", "source-text-intro", "corrections", "corrections-intro", "form-corrections",
    "doc-parent", "flow-next", "flow-ref", "form-note",
}
SKIPPED_TAGS = {"code", "svg", "script", "style", "figure", "template"}
# Headings that start an entry of their own with their text as its title; other headings
# (办理步骤, 栏目说明, 原件文字 …) only mark where the next entry begins
CONTENT_HEADINGS = {"chapter", "article", "outline", "section"}
VOID_TAGS = {"br", "img", "hr", "input", "col", "meta", "link", "wbr", "source"}


class _EntryParser(HTMLParser):
    """Cut a page's article into entries at the elements a result may point to."""

    def __init__(self, page: str, pending: bool):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.pending = pending
        self.entries: list[Entry] = []
        self.stack: list[tuple[str, bool, str]] = []  # tag, skipped, role
        self.current = Entry(page, None)
        self.in_title = False
        self.in_article = False  # inside an article (条): its items belong to it
        self.row: list[str] | None = None  # cells of a form-field table row
        self.cell: list[str] | None = None
        self.field_anchor: str | None = None
        self.field_groups: dict[str, Entry] = {}

    @property
    def skipping(self) -> bool:
        return any(skipped for _, skipped, _ in self.stack)

    def start(self, anchor: str | None, title_tag: bool = False) -> None:
        self.entries.append(self.current)
        self.current = Entry(self.page, anchor)
        self.in_title = title_tag

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        skipped = (tag in SKIPPED_TAGS or bool(classes & SKIPPED_CLASSES) or "data-search-exclude" in attributes
                   or "form-subfields" in classes)
        role = ""
        ident = attributes.get("id")
        if not self.skipping and not skipped:
            if tag == "h1":
                role = "title"
                self.in_title = True
            elif re.fullmatch(r"h[2-6]", tag) and ident:
                role = "heading"
                content = bool(classes & CONTENT_HEADINGS)
                self.in_article = "article" in classes
                self.start(ident, title_tag=content)
                if not content:
                    skipped = True  # furniture heading: its words are not the entry's
                    self.field_anchor = ident
            elif tag == "p" and ident and "item" in classes and not self.in_article:
                self.start(ident)
            elif tag == "li" and ident:
                self.start(ident)
            elif tag == "tr" and self.field_anchor and self.in_form_fields():
                self.row = []
            elif tag in ("td", "th") and self.row is not None:
                self.cell = []
            elif ("item-title" in classes or "num" in classes) and not self.in_article:
                role = "item-title"
                self.in_title = True
        if tag not in VOID_TAGS:
            self.stack.append((tag, skipped, role))

    def in_form_fields(self) -> bool:
        return any(t == "div" for t, _, _ in self.stack) and self.current.anchor == self.field_anchor

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            return
        while self.stack:
            name, _, role = self.stack.pop()
            if role in ("title", "heading", "item-title"):
                self.in_title = False
            if name == tag:
                break
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(clean("".join(self.cell)))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.add_field(self.row)
            self.row = None

    def add_field(self, cells: list[str]) -> None:
        """A row of a form's field table: fields are grouped under their top-level field (借阅文件 › 文号)."""
        if len(cells) < 5 or not cells[0]:
            return
        group, _, sub = cells[0].partition(" › ")
        entry = self.field_groups.get(group)
        if entry is None:
            entry = self.field_groups[group] = Entry(self.page, self.field_anchor, title=group)
            self.entries.append(entry)
        entry.text.append(f"{sub}：{cells[4]}" if sub else cells[4])

    def handle_data(self, data):
        if self.skipping or not self.stack:
            return
        if self.cell is not None:
            if not any(t == "th" for t, _, _ in self.stack):
                self.cell.append(data)
            return
        if self.in_title:
            self.current.title += data
        elif not self.pending:
            self.current.text.append(data)

    def close(self):
        super().close()
        self.entries.append(self.current)


def article_html(html: str) -> str:
    """The page's own content: Material's <article> without the theme's header, navigation and footer."""
    start = html.find('<article class="md-content__inner md-typeset">')
    end = html.rfind("</article>")
    return html[start:end] if start >= 0 and end > start else ""


def page_entries(page: Page, html: str) -> list[Entry]:
    parser = _EntryParser(page.name, page.pending)
    parser.feed(article_html(html))
    parser.close()
    entries = []
    for entry in parser.entries:
        entry.title = clean(entry.title)
        if entry.anchor is None:
            entry.title = page.title  # the page entry: the document's full title
        if entry.title or entry.body:
            entries.append(entry)
    if not any(e.anchor is None for e in entries):
        entries.insert(0, Entry(page.name, None, page.title))
    entries.sort(key=lambda e: e.anchor is not None)  # the page entry first
    return entries


# --- the index -------------------------------------------------------------------------------

def term_hash(term: str) -> int:
    """FNV-1a over the term's code points; search-engine.js computes the same to find a term's shard."""
    value = 0x811C9DC5
    for char in term:
        value ^= ord(char)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def weights(entries: list[Entry]) -> dict[str, list[tuple[int, int]]]:
    """term → [(entry number, BM25 weight as an integer)], entries in order."""
    counted = []
    for entry in entries:
        title, body = Counter(terms(entry.title)), Counter(terms(entry.body))
        counted.append((title, body, sum(title.values()) + sum(body.values())))
    total = len(counted) or 1
    average = sum(length for _, _, length in counted) / total or 1.0
    frequency: Counter = Counter()
    for title, body, _ in counted:
        frequency.update(set(title) | set(body))
    postings: dict[str, list[tuple[int, int]]] = {}
    for number, (title, body, length) in enumerate(counted):
        norm = K1 * (1 - B + B * length / average)
        for term in set(title) | set(body):
            tf = body[term] + TITLE_WEIGHT * title[term]
            df = frequency[term]
            idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
            weight = idf * tf * (K1 + 1) / (tf + norm)
            postings.setdefault(term, []).append((number, max(1, round(weight * WEIGHT_SCALE))))
    return postings


def script(name: str, data) -> str:
    return f"{RECEIVER}({json.dumps(name)},{json.dumps(data, ensure_ascii=False, separators=(',', ':'))});\n"


def chunk_ranges(sizes: list[int], target: int) -> list[int]:
    """Start numbers of consecutive runs whose sizes add up to about `target`."""
    starts, filled = [], target
    for number, size in enumerate(sizes):
        if filled + size > target and (not starts or filled > 0):
            starts.append(number)
            filled = 0
        filled += size
    return starts or [0]


def build_index(pages: list[Page], html_of, synonyms: dict[str, list[str]] | None = None) -> dict[str, str]:
    """The files of search/ (name → script text) for these pages; html_of(page name) gives a page's HTML."""
    entries: list[Entry] = []
    docs = []
    categories: list[str] = []
    for page in pages:
        found = page_entries(page, html_of(page.name))
        if page.category not in categories:
            categories.append(page.category)
        docs.append([page.name, page.title, categories.index(page.category), page.status,
                     page.source_page, len(entries)])
        entries += found
    postings = weights(entries)
    posting_bytes = sum(len(t.encode()) + 8 * len(p) for t, p in postings.items())
    shard_count = min(MAX_SHARDS, max(1, 2 ** math.ceil(math.log2(max(1, posting_bytes / SHARD_BYTES)))))
    shards: list[dict[str, list[int]]] = [{} for _ in range(shard_count)]
    for term in sorted(postings):
        flat, previous = [], 0
        for number, weight in postings[term]:
            flat += [number - previous, weight]
            previous = number
        shards[term_hash(term) % shard_count][term] = flat
    rows = [[e.anchor, e.title, e.body] for e in entries]
    starts = chunk_ranges([len(json.dumps(r, ensure_ascii=False).encode()) for r in rows], TEXT_BYTES)
    files = {}
    for number, shard in enumerate(shards):
        files[f"p-{number}.js"] = script(f"p-{number}", shard)
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(rows)
        files[f"t-{number}.js"] = script(f"t-{number}", rows[start:end])
    vocabulary = sorted(postings)
    core = {
        "version": FORMAT_VERSION,
        "entries": len(entries),
        "shards": shard_count,
        "chunks": starts,
        "categories": categories,
        "docs": docs,
        "vocabulary": "\n".join(vocabulary),
        "synonyms": {word: [t for t in targets if t] for word, targets in sorted((synonyms or {}).items())},
        "preload": sum(len(text.encode()) for text in files.values()) <= PRELOAD_BYTES,
    }
    files[CORE_FILE] = script("core", core)
    return files


# The preview (MkDocs serve, in its own process) indexes each rebuild from this list, written by `serve`
PREVIEW_PAGES = "search-pages.json"


def write_preview_pages(handbook, build_dir: Path, synonyms: dict[str, list[str]]) -> None:
    data = {"pages": [vars(p) for p in searched_pages(handbook)], "synonyms": synonyms}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    path = build_dir / PREVIEW_PAGES
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def index_preview(build_dir: Path, site_dir: Path) -> None:
    path = build_dir / PREVIEW_PAGES
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        index_site([Page(**p) for p in data["pages"]], site_dir, data["synonyms"])


def site_index(pages: list[Page], site_dir: Path, synonyms: dict[str, list[str]] | None) -> dict[str, str]:
    """The files of search/ (name → script text) for these pages of the site MkDocs wrote into site_dir."""
    def html_of(name: str) -> str:
        path = site_dir / name
        return path.read_text(encoding="utf-8") if path.is_file() else ""

    return build_index(pages, html_of, synonyms)


def index_site(pages: list[Page], site_dir: Path, synonyms: dict[str, list[str]] | None) -> dict[str, str]:
    files = site_index(pages, site_dir, synonyms)
    folder = site_dir / SEARCH_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return files
