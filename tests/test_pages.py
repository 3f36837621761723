"""Rendered pages: a golden Markdown page, escaping, anchors, and links that resolve."""

import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from handbook.outputs.pages import generate_pages
from handbook.pipeline import build_site
from handbook.sources import load_handbook

GOLDEN = Path(__file__).resolve().parent / "golden"


def pages_of(project: Path) -> dict[str, str]:
    handbook, problems = load_handbook(project)
    assert handbook is not None, problems
    return generate_pages(handbook, project)


@pytest.mark.parametrize("page", ["alpha.md", "beta.md", "index.md"])
def test_golden_markdown(mini_project, page):
    text = pages_of(mini_project)[page]
    golden = GOLDEN / page
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


class Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def parse(path: Path) -> Ids:
    parser = Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture
def mini_site(mini_project):
    build_site(mini_project, mini_project / "site")
    return mini_project / "site"


def test_every_element_has_its_anchors(mini_site):
    ids = parse(mini_site / "alpha.html").ids
    assert {"ch-1", "ch-2", "scope", "ch-2-sec-1", "ch-2-sec-2"} <= ids
    assert {f"art-{n}" for n in range(1, 5)} <= ids
    assert {"quorum", "art-3-item-1", "art-3-item-2", "art-3-item-2-1", "art-4-c2", "art-4-c2-item-2"} <= ids
    assert {"s-1", "s-2", "method", "s-2-1", "s-2-1-2", "s-2-2-1"} <= parse(mini_site / "beta.html").ids


def test_references_render_as_numbers_and_resolve(mini_site):
    html = (mini_site / "alpha.html").read_text(encoding="utf-8")
    assert '依照<a class="ref" href="#quorum">第二条</a>处理' in html
    assert '<a class="ref" href="beta.html#method">《X区委办公室乙规则》二（一）</a>' in html
    for page in sorted(set(mini_site.glob("*.html")) - {mini_site / "404.html"}):  # 404 uses absolute links
        for href in parse(page).links:
            if href.startswith(("http", "mailto:")) or href in ("#", ""):
                continue
            target, _, anchor = href.partition("#")
            target_page = (page.parent / target) if target else page
            if target_page.suffix != ".html" or not target_page.exists():
                assert not target.endswith(".html"), f"{page.name}: {href} 指向不存在的页面"
                continue
            if anchor:
                assert anchor in parse(target_page).ids, f"{page.name}: {href} 的锚点不存在"


def test_text_is_never_markup(mini_project):
    path = mini_project / "regulations" / "alpha.yaml"
    hostile = "<script>alert(1)</script> **粗体** [链接](http://example.com) {{ x }} {% if %} & <b>"
    path.write_text(path.read_text(encoding="utf-8").replace("本规则适用于测试会议。", hostile)
                    .replace("title: 总则", "title: 总则 <i>*斜*</i> {#x}"), encoding="utf-8")
    build_site(mini_project, mini_project / "site")
    html = (mini_project / "site" / "alpha.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **粗体** [链接](http://example.com) {{ x }} {% if %} &amp; &lt;b&gt;" in html
    assert "总则 &lt;i&gt;*斜*&lt;/i&gt; {#x}" in html
    assert 'href="http://example.com"' not in html


@pytest.mark.parametrize("page, articles, chapters", [("shiwuhui-rules.html", 39, 9), ("zhuren-meeting-rules.html", 25, 6)])
def test_documents_1_and_2_have_an_anchor_for_every_chapter_and_article(built_site, page, articles, chapters):
    ids = parse(built_site / page).ids
    assert {f"art-{n}" for n in range(1, articles + 1)} <= ids
    assert {f"ch-{n}" for n in range(1, chapters + 1)} <= ids
    assert f"art-{articles + 1}" not in ids


def test_keyed_articles_carry_both_anchors(built_site):
    html = (built_site / "shiwuhui-rules.html").read_text(encoding="utf-8")
    assert '<h3 class="article" id="quorum"><span class="anchor" id="art-16"></span>第十六条' in html
    assert '<h3 class="article" id="cadre-appointment"><span class="anchor" id="art-9"></span>第九条' in html
