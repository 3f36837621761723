"""Offline guarantee: nothing in the built site makes a browser fetch from another host.

Every HTML, CSS, JS and JSON file of the built site is scanned for URLs a browser
would fetch: src/srcset/href of resources, url() and @import in CSS (also inline
styles), script-loaded URLs in JavaScript, and markup inside the search index,
which the search dialog inserts into the page. Links a reader clicks (<a href>)
are navigation, not fetches; the handbook has none to other hosts either.

Allowed, each with the condition that keeps it from ever being requested checked
below: the URLs in Material's bundle for Mermaid, for repository facts
(GitHub/GitLab) and for the ResizeObserver polyfill.
"""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import material
import pytest

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "assets" / "vendor"

# Attributes whose URL the browser loads by itself (per tag, or for any tag with None).
FETCHING_ATTRIBUTES = {
    "src": None, "srcset": None, "poster": None, "background": None, "data": {"object"},
    "href": {"link", "use", "image", "feimage", "base", "script"}, "xlink:href": None,
    "manifest": {"html"}, "ping": None, "imagesrcset": {"link"},
}
NAVIGATING_ATTRIBUTES = {"href": {"a", "area"}, "action": {"form"}, "formaction": None}

# URLs at the start of a string literal in Material's bundle, and why they are never requested.
ALLOWED_IN_SCRIPTS = {
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js":
        "loaded only to draw a pre.mermaid diagram; no page has one",
    "https://unpkg.com/resize-observer-polyfill":
        "loaded only when the browser lacks ResizeObserver; every page loads the vendored polyfill first",
    "https://api.github.com/repos/${e}/${t}": "repository facts, only with repo_url; no page shows a repository",
    "https://api.github.com/users/${e}": "repository facts, only with repo_url; no page shows a repository",
    "https://${e}/api/v4/projects/${encodeURIComponent(t)}":
        "GitLab repository facts, only with repo_url; no page shows a repository",
}

CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.S)
# a string literal that starts with an absolute or protocol-relative URL: what code can load
SCRIPT_URL = re.compile(r"""["'`]((?:[a-z][a-z0-9+.-]*:)?//(?:\$\{[^}]*\}|[A-Za-z0-9.-]+\.[A-Za-z]{2,})[^"'`\s]*)""")
TAG_WITH_ATTRIBUTES = re.compile(r"<[A-Za-z][A-Za-z0-9]*\s+[^>]*>")


def is_external(url: str) -> bool:
    """True for a URL that names another host (http:, https:, //host, ftp:, ws: …)."""
    url = url.strip()
    if not url:
        return False
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme in {"http", "https", "ftp", "ws", "wss"}


def srcset_urls(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


def css_urls(css: str) -> list[str]:
    return [m.group(2) if m.group(2) is not None else m.group(4) for m in CSS_URL.finditer(css)]


def script_urls(code: str) -> list[str]:
    return SCRIPT_URL.findall(code)


class PageScan(HTMLParser):
    """Fetched and navigated URLs of one HTML page, with inline CSS and scripts scanned too."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fetched: list[str] = []
        self.navigated: list[str] = []
        self.scripts: list[str] = []  # src of every <script>, in document order
        self.classes: list[tuple[str, set[str]]] = []
        self.components: list[str] = []
        self._inline: str | None = None  # "style" or "script" while inside one

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.classes.append((tag, set(attributes.get("class", "").split())))
        if "data-md-component" in attributes:
            self.components.append(attributes["data-md-component"])
        for name, value in attributes.items():
            if _applies(FETCHING_ATTRIBUTES, name, tag):
                self.fetched += srcset_urls(value) if name.endswith("srcset") else [value]
            elif _applies(NAVIGATING_ATTRIBUTES, name, tag):
                self.navigated.append(value)
        self.fetched += css_urls(attributes.get("style", ""))
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.navigated.append(attributes.get("content", "").partition("url=")[2])
        if tag == "script":
            self.scripts.append(attributes.get("src", ""))
        if tag in ("style", "script"):
            self._inline = tag

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._inline = None

    def handle_data(self, data):
        if self._inline == "style":
            self.fetched += css_urls(data)
        elif self._inline == "script":
            self.fetched += script_urls(data)


def _applies(table: dict, attribute: str, tag: str) -> bool:
    return attribute in table and (table[attribute] is None or tag in table[attribute])


def scan_page(path: Path) -> PageScan:
    scan = PageScan()
    scan.feed(path.read_text(encoding="utf-8"))
    scan.close()
    return scan


def json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


def site_files(site: Path, *suffixes: str) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in suffixes)


@pytest.fixture(scope="module")
def pages(built_site) -> dict[str, PageScan]:
    return {p.relative_to(built_site).as_posix(): scan_page(p) for p in site_files(built_site, ".html")}


# --- the scanner itself -------------------------------------------------------------------------

def test_scanner_finds_every_kind_of_fetch(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<html manifest="https://m.example/app.appcache"><head>'
        '<link rel="preconnect" href="https://fonts.gstatic.com">'
        '<link rel="dns-prefetch" href="//cdn.example">'
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<style>@import "https://x.example/a.css"; body{background:url(https://x.example/b.png)}</style>'
        '<script src="https://unpkg.com/iframe-worker/shim"></script>'
        '<script>importScripts("https://x.example/w.js"); fetch(`//api.example/v1`)</script>'
        '</head><body><img src="a.png" srcset="b.png 1x, https://x.example/c.png 2x">'
        '<div style="background-image:url(\'//x.example/d.png\')"></div>'
        '<svg><use xlink:href="https://x.example/sprite.svg#i"></use></svg>'
        '<video poster="https://x.example/p.jpg"></video><object data="https://x.example/o.swf"></object>'
        '<iframe src="https://x.example/frame"></iframe>'
        '<a href="https://www.gov.cn/">政府网</a><a href="shiwuhui-rules.html#quorum">第十六条</a>'
        '<img src="data:image/png;base64,AAAA"></body></html>',
        encoding="utf-8",
    )
    scan = scan_page(page)
    external = sorted(u for u in scan.fetched if is_external(u))
    assert external == sorted([
        "https://m.example/app.appcache", "https://fonts.gstatic.com", "//cdn.example",
        "https://fonts.googleapis.com/css?family=Roboto", "https://x.example/a.css", "https://x.example/b.png",
        "https://unpkg.com/iframe-worker/shim", "https://x.example/w.js", "//api.example/v1",
        "https://x.example/c.png", "//x.example/d.png", "https://x.example/sprite.svg#i",
        "https://x.example/p.jpg", "https://x.example/o.swf", "https://x.example/frame",
    ])
    assert [u for u in scan.navigated if is_external(u)] == ["https://www.gov.cn/"]


def test_script_scan_sees_loaded_urls_but_not_comments():
    code = ('/*! see https://github.com/x/y */ var a="https://unpkg.com/mermaid@11/m.js";'
            'let u=`https://${host}/api`; console.warn(`Invalid query – see https://bit.ly/2s3ChXG`);'
            'e.createElementNS("http://www.w3.org/2000/svg","svg"); var r=/\\/\\//;')
    assert script_urls(code) == ["https://unpkg.com/mermaid@11/m.js", "https://${host}/api",
                                 "http://www.w3.org/2000/svg"]


# --- the built site -----------------------------------------------------------------------------

def test_html_fetches_nothing_from_another_host(pages):
    offending = {(page, url) for page, scan in pages.items() for url in scan.fetched if is_external(url)}
    assert not offending


def test_html_links_to_no_other_host(pages):
    offending = {(page, url) for page, scan in pages.items() for url in scan.navigated if is_external(url)}
    assert not offending


def test_css_fetches_nothing_from_another_host(built_site):
    offending = [(p.name, url) for p in site_files(built_site, ".css")
                 for url in css_urls(p.read_text(encoding="utf-8")) if is_external(url)]
    assert not offending


def test_handbook_css_uses_no_web_fonts():
    css = re.sub(r"/\*.*?\*/", "", (ROOT / "assets" / "stylesheets" / "handbook.css").read_text(encoding="utf-8"), flags=re.S)
    assert "@font-face" not in css
    assert "url(" not in css


def test_scripts_load_nothing_from_another_host(built_site):
    found = {(p.relative_to(built_site).as_posix(), url) for p in site_files(built_site, ".js")
             for url in script_urls(p.read_text(encoding="utf-8")) if is_external(url)}
    unexplained = {(path, url) for path, url in found
                   if not (url in ALLOWED_IN_SCRIPTS and re.fullmatch(r"assets/javascripts/bundle\.\w+\.min\.js", path))}
    assert not unexplained
    assert "https://unpkg.com/iframe-worker/shim" not in {url for _, url in found}


def test_search_index_names_no_other_host(built_site):
    files = sorted((built_site / "search").glob("*.js"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text[text.index(",") + 1:text.rindex(")")])
        assert not [s for s in json_strings(data) if "url(" in s or is_external(s)], path


def test_json_files_name_no_other_host(built_site):
    for path in site_files(built_site, ".json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert not [s for s in json_strings(data) if is_external(s)], path


# --- the conditions behind ALLOWED_IN_SCRIPTS ---------------------------------------------------

def test_every_page_loads_the_vendored_polyfill_before_material(pages):
    for page, scan in pages.items():
        scripts = [src for src in scan.scripts if src]
        polyfill = [i for i, src in enumerate(scripts) if src.endswith("vendor/resize-observer-polyfill/ResizeObserver.global.js")]
        bundle = [i for i, src in enumerate(scripts) if re.search(r"assets/javascripts/bundle\.\w+\.min\.js$", src)]
        assert polyfill and bundle and polyfill[0] < bundle[0], page


def test_no_page_has_a_mermaid_diagram_or_a_repository(pages):
    for page, scan in pages.items():
        assert not [tag for tag, classes in scan.classes if tag == "pre" and "mermaid" in classes], page
        assert "source" not in scan.components, page


# --- search from file:// ------------------------------------------------------------------------

def test_every_page_loads_the_search_scripts_from_the_site(pages, built_site):
    for page, scan in pages.items():
        for name in ("search-engine.js", "search-ui.js"):
            found = [src for src in scan.scripts if src and src.endswith(f"assets/javascripts/{name}")]
            assert len(found) == 1, (page, name)
            base = built_site if found[0].startswith("/") else (built_site / page).parent  # 404.html is root-relative
            assert (base / found[0].lstrip("/")).resolve().is_file(), page


@pytest.mark.parametrize("package,file", [("resize-observer-polyfill", "ResizeObserver.global.js")])
def test_vendored_scripts_are_the_recorded_npm_files(package, file, built_site):
    folder = VENDOR / package
    notes = (folder / "VENDORED.txt").read_text(encoding="utf-8")
    recorded = re.search(rf"`{re.escape(file)}` sha256: `([0-9a-f]{{64}})`", notes).group(1)
    assert hashlib.sha256((folder / file).read_bytes()).hexdigest() == recorded
    assert "MIT License" in (folder / "LICENSE").read_text(encoding="utf-8") or \
        "Permission is hereby granted, free of charge" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert (built_site / "assets" / "vendor" / package / file).read_bytes() == (folder / file).read_bytes()
    assert (built_site / "assets" / "vendor" / package / "LICENSE").is_file()


# --- theme overrides stay in step with the installed Material -----------------------------------

def test_header_override_is_materials_header_plus_the_mark_the_download_link_and_our_search():
    ours = (ROOT / "overrides" / "partials" / "header.html").read_text(encoding="utf-8").splitlines()
    theirs = (Path(material.__file__).parent / "templates" / "partials" / "header.html").read_text(
        encoding="utf-8").splitlines()
    # Material's search block (only with its search plugin) gives way to the handbook's search box
    start = theirs.index('    {% if "material/search" in config.plugins %}')
    end = theirs.index("    {% endif %}", theirs.index("      {% endif %}", start)) + 1
    theirs = theirs[:start] + theirs[end:]
    ours_start = next(i for i, line in enumerate(ours) if "The handbook's own search" in line)
    ours_end = ours.index('    {% include "partials/handbook-search.html" %}') + 1
    assert any('for="__search"' in line for line in ours[ours_start:ours_end])
    ours = ours[:ours_start] + ours[ours_end:]
    added = [line for line in ours if line not in theirs]
    assert added == ['    {% include "partials/classification.html" %}',
                     '    {% include "partials/compendium-download.html" %}']
    assert [line for line in ours if line not in added] == theirs
