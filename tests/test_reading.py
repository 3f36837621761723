"""What staff read on the built site: pages that speak to staff, one page per entry, search text,
and links that work wherever the site is put (a subfolder, file://)."""

from __future__ import annotations

import json

import pytest
import re
from html.parser import HTMLParser
from pathlib import Path

from handbook.refs import Ref, formal_citation
from handbook.render.navigation import navigation

GUIDE = "editor_guide.html"
# What only editors and developers need: file paths, commands, YAML, ids
DEVELOPER_TALK = [
    (re.compile(r"regulations/|forms/|templates/|\.ya?ml\b|\.j2\b"), "文件路径"),
    (re.compile(r"build\.py|python3?\s|--[a-z]"), "命令"),
    (re.compile(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+\b"), "文件或表格的 id"),
    (re.compile(r"\b(?:id|kind|source_text|history|visibility)\s*:"), "YAML"),
]


class PageText(HTMLParser):
    """The text a reader sees in the article of a page (no scripts, no attributes)."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # inside <article>
        self.skip = 0  # inside <script> / <style>
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        elif tag in ("script", "style", "svg"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        elif tag in ("script", "style", "svg"):
            self.skip -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def article_text(path: Path) -> str:
    parser = PageText()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def test_only_the_editor_guide_talks_to_developers(built_site):
    found = []
    for page in sorted(built_site.glob("*.html")):
        if page.name == GUIDE:
            continue
        text = article_text(page)
        for pattern, what in DEVELOPER_TALK:
            for match in pattern.finditer(text):
                found.append(f"{page.name}: {what}「{match.group(0)}」…{text[max(match.start() - 15, 0):match.end() + 15]}…")
    assert not found, "\n".join(found)


def test_the_checks_see_developer_talk(built_site):
    """The check above must be able to fail: the editor guide is full of what it looks for."""
    text = article_text(built_site / GUIDE)
    assert all(pattern.search(text) for pattern, _ in DEVELOPER_TALK[:2])


def test_placeholder_pages_say_what_where_and_whom_to_ask(built_site, handbook):
    pending = [s.doc for s in handbook.structures if s.doc.kind == "pending"]
    assert pending
    for doc in pending:
        text = article_text(built_site / f"{doc.id}.html")
        notice = text[text.index("正文待录入"):]
        assert f"《{doc.title}》" in notice and f"“{doc.category}”类" in notice, doc.id
        if doc.source_page:
            assert f"{handbook.compendium.edition} 年版印刷汇编的第 {doc.source_page} 页" in notice, doc.id
        assert f"请向本文件的制发单位（{doc.issuer}）查阅" in notice, doc.id


def test_one_page_per_entry_in_menu_and_search(built_site, handbook):
    titles = []

    def walk(items):
        for item in items:
            for title, target in item.items():
                if isinstance(target, list):
                    walk(target)
                else:
                    titles.append((title, target))

    walk(navigation(handbook))
    pages = [target for _, target in titles]
    assert len(pages) == len(set(pages)), "菜单中有页面出现两次"
    names = [title for title, _ in titles]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert ("涉密文件借阅单", "form-lending-slip.md") in titles


def test_form_entry_redirect_is_not_searched(built_site):
    # the entry's old address (a page that leads to the form page) is not searched
    search = [p.read_text(encoding="utf-8") for p in sorted((built_site / "search").rglob("*")) if p.is_file()]
    assert search and not [text for text in search if "secret-document-lending-slip" in text]


def test_references_to_a_form_entry_lead_to_its_form_page(built_site):
    html = (built_site / "document-management.html").read_text(encoding="utf-8")
    assert 'href="form-lending-slip.html"' in html
    assert 'href="secret-document-lending-slip.html"' not in html
    entry = (built_site / "secret-document-lending-slip.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=form-lending-slip.html">' in entry


def test_imprint_date_is_not_search_text(built_site):
    # the search's text shards (t-*.js) hold what results show; the imprint date is not among it
    shards = [p.read_text(encoding="utf-8") for p in sorted((built_site / "search").glob("t-*.js"))]
    assert shards and any("室务会会议应当有半数以上" in text for text in shards)
    assert not [text for text in shards if "X年X月X日印" in text]
    assert "（X年X月X日印）" in (built_site / "shiwuhui-rules.html").read_text(encoding="utf-8")


def test_no_absolute_link_anywhere(built_site):
    """Every page works under a subfolder and from file://: no href/src/url() starting with /."""
    absolute = re.compile(r"""(?:href|src|action)\s*=\s*["']/(?!/)|url\(\s*["']?/(?!/)""")
    found = [f"{path.relative_to(built_site)}: {m.group(0)}"
             for path in sorted(built_site.rglob("*")) if path.suffix in (".html", ".css")
             for m in absolute.finditer(path.read_text(encoding="utf-8", errors="replace"))]
    assert not found, found[:10]


def test_citation_on_the_page_is_the_one_references_use(built_site, handbook):
    structure = next(s for s in handbook.structures if s.doc.id == "shiwuhui-rules")
    quorum = structure.keyed()["quorum"]
    cite = formal_citation(structure.doc.title, quorum)
    assert cite == "《中共X区委员会办公室室务会会议议事决策规则》第十六条"
    html = (built_site / "shiwuhui-rules.html").read_text(encoding="utf-8")
    assert f'<p class="art-text" data-cite="{cite}">' in html
    # the words another document's reference shows are the same citation
    assert handbook.index.words(Ref("shiwuhui-rules#quorum", None), "document-management") == cite
