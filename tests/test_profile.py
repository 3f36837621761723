"""The public edition carries nothing internal; the internal edition is marked 内部资料.

A throwaway copy of the real project gets two public documents and canary
sentences planted in internal ones (rules text, editor's note, revision history,
a flowchart, a form). Both editions are built through the real command line;
every byte of every output file of the public edition, compressed members
included, is scanned for the canaries, and the same scan must find them in the
internal edition (so the scan itself is proven to work).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree

from handbook import cli
from handbook.profile import select
from handbook.render.compendium import compendium_filename
from handbook.refs import Ref
from handbook.render.pages import PageContext
from handbook.sources import load_handbook

PUBLIC = ("document-management", "drafting-procedure-flow")
# (file, text replaced, where the canary goes); the canary token is ASCII so no
# segmenter or escaper can split it, the Chinese part is found after normalising.
PLANTS = [
    ("regulations/drafting-rules.yaml", "为进一步提高工作标准，", "preamble of an internal document"),
    ("regulations/drafting-rules.yaml", "note: “二、文稿起草工作程序”在原件中是流程图，", "editor's note"),
    ("regulations/incoming-document-flow.yaml", "label: 秘书一室签收登记", "flowchart box"),
    ("forms/lending-slip.yaml", "purpose: 借阅涉密公文时填写。", "internal form"),
    # cited by the public drafting-procedure-flow: the citation must not carry it
    ("regulations/drafting-rules.yaml", "title: X区委办公室综合文稿工作规则", "title of a cited internal document"),
]
# the key of an internal article the public flowchart cites ([[drafting-rules#…]]): renamed to a canary
KEY_PLANT = ("drafting-procedure", ["regulations/drafting-rules.yaml", "regulations/drafting-procedure-flow.yaml"])
HISTORY_PLANT = "drafting-rules.yaml"  # a revision history entry appears in the changelog


def canary(n: int, salt: str = "q") -> str:
    return f"zx{salt}canary{n}k7"


def sentence(n: int, salt: str = "q") -> str:
    return f"金丝雀内部校验句第{n}号{canary(n, salt)}不得公开。"


def plant(project: Path, salt: str) -> list[str]:
    """Put canaries into internal sources (replacing earlier ones); returns the canary tokens."""
    planted = re.compile(r"金丝雀内部校验句第\d+号zx\w+?canary\d+k7不得公开。")
    for name in {name for name, _, _ in PLANTS}:
        path = project / name
        path.write_text(planted.sub("", path.read_text(encoding="utf-8")), encoding="utf-8")
    for n, (name, anchor, _) in enumerate(PLANTS):
        path = project / name
        text = path.read_text(encoding="utf-8")
        assert anchor in text, (name, anchor)
        path.write_text(text.replace(anchor, anchor + sentence(n, salt), 1), encoding="utf-8")
    n = len(PLANTS)
    path = project / "regulations" / HISTORY_PLANT
    text = re.sub(r"\nhistory:\n.*", "", path.read_text(encoding="utf-8"), flags=re.S)
    path.write_text(text + f"\nhistory:\n  - date: 2024-03-01\n    change: {sentence(n, salt)}\n", encoding="utf-8")
    key, files = KEY_PLANT
    for name in files:
        path = project / name
        text = re.sub(rf"(?<=key: )(?:{key}|zx[a-z]+canary\d+k7)\b", canary(n + 1, salt), path.read_text(encoding="utf-8"))
        text = re.sub(rf"(?<=#)(?:{key}|zx[a-z]+canary\d+k7)(?=]])", canary(n + 1, salt), text)
        path.write_text(text, encoding="utf-8")
    return [canary(i, salt) for i in range(n + 2)]


def publish(project: Path, doc_id: str) -> None:
    path = project / "regulations" / f"{doc_id}.yaml"
    text = path.read_text(encoding="utf-8")
    assert "visibility:" not in text
    text, count = re.subn(rf"^id: {doc_id}$", f"id: {doc_id}\nvisibility: public", text, count=1, flags=re.M)
    assert count == 1
    path.write_text(text, encoding="utf-8")


def build(project: Path, out: Path, profile: str) -> None:
    """The real build command (python3 build.py build --profile … --out …) run on the copy."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "ROOT", project)
        assert cli.main(["build", "--profile", profile, "--out", str(out)]) == 0


# --- reading every byte of an output tree -------------------------------------------------------

def members(name: str, data: bytes):
    """The file and, recursively, every member of a zip (DOCX, …) or gzip stream inside it."""
    yield name, data
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                yield from members(f"{name}!{info.filename}", archive.read(info))
    elif data[:2] == b"\x1f\x8b":
        yield from members(f"{name}!gunzip", gzip.decompress(data))


def readings(data: bytes) -> list[str]:
    """The bytes as text, and as a reader sees it once escapes, tags and word breaks are undone."""
    text = data.decode("utf-8", errors="ignore")
    unescaped = html.unescape(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text))
    plain = re.sub(r"[\s\u200b]+", "", re.sub(r"<[^>]*>", "", unescaped))
    return [text, unescaped, plain]


def findings(site: Path, needles: list[str]) -> dict[str, list[str]]:
    """Which needles occur where in the tree (file!member)."""
    found: dict[str, list[str]] = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        for name, data in members(path.relative_to(site).as_posix(), path.read_bytes()):
            views = readings(data)
            for needle in needles:
                if needle.encode() in data or any(needle in view for view in views):
                    found.setdefault(needle, []).append(name)
    return found


def tree_hashes(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.nav: list[str] = []
        self.classes: list[str] = []
        self._nav_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.classes += (attrs.get("class") or "").split()
        if tag == "nav" and "md-nav--primary" in (attrs.get("class") or ""):
            self._nav_depth = 1
        elif tag == "nav" and self._nav_depth:
            self._nav_depth += 1
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
            if self._nav_depth:
                self.nav.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1


def links(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def page_of(href: str) -> str:
    return href.split("#")[0].split("?")[0].removeprefix("./")


# --- the editions ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def editions(tmp_path_factory, project_copy):
    project = project_copy(tmp_path_factory.mktemp("canary") / "project")
    for doc_id in PUBLIC:
        publish(project, doc_id)
    needles = plant(project, "q")
    outs = tmp_path_factory.mktemp("out")
    build(project, outs / "public", "public")
    build(project, outs / "internal", "internal")
    handbook, problems = load_handbook(project)
    assert handbook is not None, problems
    return {"project": project, "public": outs / "public", "internal": outs / "internal",
            "needles": needles, "handbook": handbook, "outs": outs,
            "found": {edition: findings(outs / edition, needles) for edition in ("public", "internal")}}


PLACES = [place for _, _, place in PLANTS] + ["revision history", "key of a cited internal article"]


@pytest.mark.parametrize("place", PLACES)
def test_the_scan_finds_the_canary_in_the_internal_edition(editions, place):
    """Proves each planted canary reaches the output and that the scan below can see it."""
    needle = editions["needles"][PLACES.index(place)]
    assert needle in editions["found"]["internal"], f"内部版中找不到金丝雀（{place}）"


def test_the_scan_reads_the_search_index(editions):
    found = editions["found"]["internal"]
    assert any(w.startswith("search/") for where in found.values() for w in where)


def test_no_byte_of_the_public_edition_carries_internal_text(editions):
    public = editions["public"]
    files = [p for p in public.rglob("*") if p.is_file()]
    assert len(files) > 10
    assert editions["found"]["public"] == {}


def test_public_edition_holds_only_public_pages(editions):
    public, handbook = editions["public"], editions["handbook"]
    withheld = {s.doc.id for s in handbook.structures} - set(PUBLIC)
    stems = {p.stem for p in public.rglob("*") if p.is_file()}
    assert set(PUBLIC) <= stems
    assert not stems & withheld, f"公开版中出现了内部文件的输出：{sorted(stems & withheld)}"


def test_navigation_search_sitemap_and_404_name_no_internal_page(editions):
    public, handbook = editions["public"], editions["handbook"]
    withheld = {f"{s.doc.id}.html" for s in handbook.structures} - {f"{d}.html" for d in PUBLIC}
    nav = {page_of(h) for h in links(public / "index.html").nav}
    assert {f"{d}.html" for d in PUBLIC} <= nav
    assert not nav & withheld
    assert not {page_of(h) for h in links(public / "404.html").hrefs} & withheld
    core = (public / "search" / "core.js").read_text(encoding="utf-8")
    located = {doc[0] for doc in json.loads(core[core.index(",") + 1:core.rindex(")")])["docs"]}
    assert {f"{d}.html" for d in PUBLIC} <= located
    assert not located & withheld
    scripts = "".join(p.read_text(encoding="utf-8") for p in (public / "search").glob("*.js"))
    assert not {name for name in withheld if name in scripts}
    sitemap = (public / "sitemap.xml").read_bytes()
    assert gzip.decompress((public / "sitemap.xml.gz").read_bytes()) == sitemap
    assert not {name for name in withheld if name.encode() in sitemap}


def test_every_link_of_the_public_edition_resolves(editions):
    """A reference to an internal document must not become a link to a page that is not there."""
    public = editions["public"]
    for page in sorted(public.rglob("*.html")):
        for href in links(page).hrefs:
            if re.match(r"^[a-z]+:", href) or href.startswith("#"):
                continue
            target = page_of(href)
            if target and page.name != "404.html":  # 404 links from the site root
                assert (page.parent / target).exists(), f"{page.name}: 链接 {href} 指向不存在的文件"


def test_reference_to_an_internal_document_keeps_its_words_without_a_link(editions):
    page = (editions["public"] / "document-management.html").read_text(encoding="utf-8")
    assert "涉密公文借阅单" in page
    assert "secret-document-lending-slip.html" not in page
    internal = (editions["internal"] / "document-management.html").read_text(encoding="utf-8")
    assert 'href="form-lending-slip.html"' in internal  # the entry's one page: its form page


def test_internal_edition_is_marked_in_the_header_and_public_is_not(editions):
    for page in ("index.html", "document-management.html", "404.html"):
        internal = links(editions["internal"] / page)
        assert "hb-classification" in internal.classes, page
        assert "内部资料" in (editions["internal"] / page).read_text(encoding="utf-8")
        assert "hb-classification" not in links(editions["public"] / page).classes, page


def cover_mark(docx: Path) -> str:
    """The text of the compendium cover's classification line (paragraph style CoverMark)."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(docx) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    marks = [p for p in root.iter(f"{w}p") if p.find(f"{w}pPr/{w}pStyle[@{w}val='CoverMark']") is not None]
    assert len(marks) == 1, docx
    return "".join(marks[0].itertext())


def test_the_compendium_download_is_marked_in_the_internal_edition_only(editions):
    name = compendium_filename(editions["handbook"].compendium)
    assert cover_mark(editions["internal"] / "downloads" / name) == "内部资料"
    assert cover_mark(editions["public"] / "downloads" / name) == ""


def test_only_public_forms_are_offered_for_download(editions):
    forms = {path.stem for path in (editions["project"] / "forms").glob("*.yaml")}
    internal = {p.stem for p in (editions["internal"] / "downloads").glob("*.docx")}
    public = {p.stem for p in (editions["public"] / "downloads").glob("*.docx")}
    assert forms and forms <= internal
    assert not public & forms, "公开版不应提供内部表格的下载"
    assert not [p for p in editions["public"].rglob("*") if any(form in p.name for form in forms)]


def test_internal_text_changes_do_not_change_a_byte_of_the_public_edition(editions):
    """Differential check, which also covers what a scan cannot read (rasterised PNG text)."""
    project, outs = editions["project"], editions["outs"]
    plant(project, "w")
    try:
        build(project, outs / "public-again", "public")
    finally:
        plant(project, "q")
    assert tree_hashes(outs / "public-again") == tree_hashes(editions["public"])


def test_select_keeps_words_of_withheld_documents_but_no_link(mini_project):
    publish(mini_project, "alpha")
    handbook, problems = load_handbook(mini_project)
    assert handbook is not None, problems
    public, internal = select(handbook, "public"), select(handbook, "internal")
    assert [s.doc.id for s in internal.structures] == ["alpha", "beta"] and not internal.withheld
    assert [s.doc.id for s in public.structures] == ["alpha"] and public.withheld == {"beta"}
    assert (internal.mark, public.mark) == ("内部资料", None)
    assert [c.name for c, _ in public.by_category()] == ["议事决策"]  # no empty 其他 section
    ref = Ref("beta#method", None)
    assert PageContext(internal.index, "alpha").href(ref) == "beta.html#method"
    assert PageContext(public.index, "alpha").href(ref) is None
    assert internal.index.words(ref, "alpha") == "《X区委办公室乙规则》二（一）"
    assert public.index.words(ref, "alpha") == "〔内部文件〕"  # neither its title nor its numbering
    assert str(PageContext(public.index, "alpha").html("见[[beta#method]]。")) == "见〔内部文件〕。"
    assert str(PageContext(public.index, "alpha").html("见[[beta|乙规则]]。")) == "见乙规则。"  # the citing text's own words
    with pytest.raises(ValueError):
        select(handbook, "secret")


def test_internal_build_refuses_to_overwrite_a_public_edition(editions, capsys):
    project, public = editions["project"], editions["public"]
    before = tree_hashes(public)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "ROOT", project)
        assert cli.main(["build", "--out", str(public)]) == 1
    assert "公开版" in capsys.readouterr().err
    assert tree_hashes(public) == before
