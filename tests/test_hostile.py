"""Hostile input: whatever an editor or a data file throws at the build, it ends cleanly.

Property-based: over a thousand generated and mutated regulation files and form
records go through the loader and through `fill`. Each must end in a valid
result or in Chinese problems at file:line:column — never a traceback, a hang or
a half-written file. Text that looks like HTML, Markdown or Jinja is shown as
text in the site and in DOCX; ids and file names cannot leave the output folder;
YAML bombs fail fast; the preview server listens on this machine only.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import json
import re
import signal
import socket
import subprocess
import sys
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from handbook import cli, kinds
from handbook.errors import Problem
from handbook.forms import cli as forms_cli
from handbook.forms.example import example_csv, example_yaml
from handbook.forms.output import file_name, fill_batch, fill_one, find_form
from handbook.load import MAX_DEPTH, MAX_FILE_BYTES, parse_yaml, validate
from handbook.model import COMPENDIUM, DOCUMENT, KINDS, Compendium
from handbook.refs import Index
from handbook.render.compendium import build_compendium, compendium_filename
from handbook.render.pages import PageContext, render_body
from handbook.pipeline import build_site
from handbook.sources import load_handbook

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much, HealthCheck.large_base_example])
CASE_SECONDS = 10  # far more than any case needs on a loaded 2-core machine
CJK = re.compile(r"[\u4e00-\u9fff]")
FORM_IDS = ("meeting-notice", "leave-approval", "lending-slip")
HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "**粗体**", "[链接](http://example.com)",
    "{{ 7*7 }}", "{% if true %}注入{% endif %}", "{#注释#}", "&amp;&lt;", "]]>", "<![CDATA[x]]>",
    "[[../../etc/passwd]]", "[[alpha]]", "[[", "]]", "|", "\u202e反转", "../..", "C:\\Windows", "%s%n",
    "!!python/object/apply:os.system ['true']", "${HOME}", "'", '"', "\\", "\t", "第一条", "- ", ": ", "#",
    "A" * 3000,
]
NASTY_YAML = [
    "!!python/object/apply:os.system ['true']", "!!python/name:os.system", "!!binary aGk=", "!!set {a, b}",
    "&a ", "*a", "<<: *a", "&x [*x]", "\t", "{", "[", "}", "]", "'", '"', "%YAML 1.1\n", "---\n", "...\n",
    "? ", ": ", "- ", "|\n", ">-\n", "\x00", "\ufeff", "\x85", "2019-02-30", "1e9999", ".nan", "0x1F", "~",
    "[[", "]]", "{{ x }}", "<script>", "id: ../x\n", "id: index\n", "kind: flow\n", "\n" + "  " * 60 + "x",
]


class Hang(BaseException):
    """A case that ran too long (a BaseException, so no `except Exception` in the code can hide it)."""


@contextlib.contextmanager
def time_limit(seconds: float = CASE_SECONDS):
    def expire(signum, frame):
        raise Hang(f"超过 {seconds} 秒仍未结束")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


ENGLISH_PHRASE = re.compile(r"[A-Za-z]{2,}(?:[ ,'-]+[A-Za-z]{2,}){2,}")  # e.g. "special characters are not allowed"
QUOTED = re.compile(r"「[^」]*」|“[^”]*”|《[^》]*》|'[^']*'")  # the editor's own words and allowed values, quoted


def assert_clean(problems: list[Problem]) -> None:
    """Problems a person can act on: Chinese, with a position, no Python internals or untranslated English."""
    assert problems
    for problem in problems:
        assert isinstance(problem, Problem)
        assert CJK.search(problem.message), f"不是中文说明：{problem}"
        assert not ENGLISH_PHRASE.search(QUOTED.sub("", problem.message)), f"说明中有未翻译的英文：{problem}"
        assert problem.line >= 1 and problem.column >= 1, problem
        for leak in ("Traceback", "Error(", "<class ", "Input should", "Field required", "object at 0x"):
            assert leak not in str(problem), f"说明中夹带程序内部信息：{problem}"


# --- strategies ---------------------------------------------------------------------------------

text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30),
                 st.text(alphabet="第一条章节（）、。；：[]|#-<>{}%&*!'\"\\ \nabc01", max_size=30))
scalars = st.one_of(text, st.integers(-10**20, 10**20), st.floats(), st.booleans(), st.none(),
                    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(text, st.sampled_from(sorted(
        {"id", "key", "text", "title", "items", "clauses", "articles", "sections", "chapters", "body", "p", "h",
         "style", "kind", "nodes", "edges", "label", "link", "from", "to", "lane", "parent", "visibility"}))),
        inner, max_size=4)), max_leaves=12)


def corpus_files() -> list[Path]:
    return sorted((ROOT / "regulations").glob("*.yaml")) + sorted((FIXTURES / "mini" / "regulations").glob("*.yaml"))


CORPUS = {path.name: path.read_bytes() for path in corpus_files()}


def paths_in(tree, here=()):
    """Every place in a data tree: (path, value)."""
    yield here, tree
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from paths_in(value, here + (key,))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            yield from paths_in(value, here + (i,))


def set_at(tree, path, value):
    if not path:
        return value
    node = tree
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return tree


@st.composite
def mutated_tree(draw, tree):
    """The data with one to four changes: a value replaced, a key dropped or added, a list shortened…"""
    tree = copy.deepcopy(tree)
    for _ in range(draw(st.integers(1, 4))):
        places = list(paths_in(tree))
        path, value = places[draw(st.integers(0, len(places) - 1))]
        operation = draw(st.sampled_from(["replace", "drop", "add", "wrap", "empty", "duplicate"]))
        if operation == "replace" or not path:
            tree = set_at(tree, path, draw(values))
        elif operation == "drop":
            parent = tree
            for part in path[:-1]:
                parent = parent[part]
            del parent[path[-1]]
        elif operation == "add" and isinstance(value, dict):
            value[draw(text)] = draw(values)
        elif operation == "wrap":
            tree = set_at(tree, path, [value])
        elif operation == "empty":
            tree = set_at(tree, path, type(value)() if isinstance(value, (list, dict, str)) else None)
        elif operation == "duplicate" and isinstance(value, list) and value:
            value.append(copy.deepcopy(value[draw(st.integers(0, len(value) - 1))]))
    return tree


@st.composite
def mutated_bytes(draw, data: bytes):
    """The file with one to three textual accidents: insertions, deletions, swapped or re-indented lines, bad bytes."""
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        operation = draw(st.sampled_from(["insert", "delete", "line", "indent", "truncate", "byte"]))
        if operation == "insert":
            snippet = draw(st.one_of(st.sampled_from(NASTY_YAML), text)).encode("utf-8", "surrogatepass")
            data = data[:at] + snippet + data[at:]
        elif operation == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 200)):]
        elif operation == "truncate":
            data = data[:at]
        elif operation == "byte":
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
        else:
            lines = data.split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if operation == "line":
                lines.insert(i, lines[j])
            else:
                lines[i] = b" " * draw(st.integers(0, 9)) + lines[i].lstrip()
            data = b"\n".join(lines)
    return data


def dump(data) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")


@st.composite
def regulation_files(draw) -> bytes:
    """A regulation file: generated from scratch, a real one with its data changed, or a real one damaged as text."""
    how = draw(st.sampled_from(["generated", "tree", "text"]))
    if how == "generated":
        doc = {"id": draw(st.one_of(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True), text)),
               "title": draw(text), "issuer": draw(text), "category": draw(text),
               "kind": draw(st.one_of(st.sampled_from(KINDS), text))}
        doc.update(draw(st.dictionaries(st.sampled_from(["chapters", "articles", "body", "nodes", "edges", "note",
                                                         "preamble", "seq", "status", "visibility", "history"]),
                                        values, max_size=4)))
        return dump(doc)
    name = draw(st.sampled_from(sorted(CORPUS)))
    if how == "tree":
        return dump(draw(mutated_tree(yaml.safe_load(CORPUS[name]))))
    return draw(mutated_bytes(CORPUS[name]))


# --- the loader -----------------------------------------------------------------------------------

def load_one(path: Path) -> list[Problem]:
    """Parse, validate and (when valid) number and render one regulation file; the problems found."""
    source, problems = parse_yaml(path, path.parent)
    if problems:
        return problems
    doc, problems = validate(source, DOCUMENT)
    if doc is None:
        return problems
    built = kinds.build_structure(doc)
    render_body(built, PageContext(Index([built]), doc.id))
    return []


@FUZZ
@given(data=regulation_files())
def test_any_regulation_file_loads_or_is_explained_in_chinese(tmp_path_factory, data):
    path = tmp_path_factory.getbasetemp() / "fuzz-regulation.yaml"
    path.write_bytes(data)
    with time_limit():
        problems = load_one(path)
    event("有问题" if problems else "有效")
    if problems:
        assert_clean(problems)


@FUZZ
@given(data=regulation_files())
def test_any_compendium_file_loads_or_is_explained_in_chinese(tmp_path_factory, data):
    path = tmp_path_factory.getbasetemp() / "fuzz-compendium.yaml"
    path.write_bytes(data)
    with time_limit():
        source, problems = parse_yaml(path, path.parent)
        if not problems:
            _, problems = validate(source, COMPENDIUM)
    if problems:
        assert_clean(problems)


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory, project_copy) -> Path:
    return project_copy(tmp_path_factory.mktemp("fuzz") / "project", FIXTURES / "mini" / "regulations")


@settings(FUZZ, max_examples=150)
@given(data=regulation_files(), name=st.sampled_from(["alpha.yaml", "beta.yaml", "gamma.yaml", "compendium.yaml"]))
def test_the_whole_handbook_loads_or_is_explained_in_chinese(fuzz_project, data, name):
    """load_handbook runs every cross-check and lint on the damaged project."""
    path = fuzz_project / "regulations" / name
    original = path.read_bytes() if path.exists() else None
    path.write_bytes(data)
    try:
        with time_limit():
            handbook, problems = load_handbook(fuzz_project)
    finally:
        path.unlink() if original is None else path.write_bytes(original)
    event("有错误" if handbook is None else "有效")
    if handbook is None:
        assert_clean([p for p in problems if p.severity == "error"])
    for problem in problems:
        assert CJK.search(problem.message), problem


# --- fill -----------------------------------------------------------------------------------------

FORMS = {form_id: find_form(ROOT, form_id).form for form_id in FORM_IDS}


def example_record(form) -> dict:
    return yaml.safe_load(example_yaml(form))


@st.composite
def form_data(draw) -> tuple[str, str, bytes]:
    """(form id, file suffix, data): one record or a list, YAML or CSV, changed as data or damaged as text."""
    form_id = draw(st.sampled_from(FORM_IDS))
    form = FORMS[form_id]
    how = draw(st.sampled_from(["tree", "tree", "list", "yaml-text", "csv-text"]))
    if how == "tree":
        return form_id, ".yaml", dump(draw(mutated_tree(example_record(form))))
    if how == "list":
        records = [draw(mutated_tree(example_record(form))) for _ in range(draw(st.integers(1, 3)))]
        return form_id, ".yaml", dump(records)
    if how == "yaml-text":
        return form_id, ".yaml", draw(mutated_bytes(example_yaml(form).encode("utf-8")))
    return form_id, ".csv", draw(mutated_bytes(example_csv(form).encode("utf-8")))


def assert_docx(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        etree.fromstring(archive.read("word/document.xml"))


def no_temporary_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(".tmp-")] if folder.exists() else True


@settings(FUZZ, max_examples=350)
@given(case=form_data())
def test_any_form_data_fills_or_is_explained_in_chinese(tmp_path_factory, case):
    form_id, suffix, data = case
    form = FORMS[form_id]
    work = tmp_path_factory.mktemp("fill", numbered=True)
    source = work / f"data{suffix}"
    source.write_bytes(data)
    out_dir = work / "out"
    with time_limit():
        result = fill_batch(ROOT, form, source, out_dir)
    event(f"生成 {min(len(result.written), 1)} 份以上，{'有' if result.problems else '无'}问题")
    if result.problems:
        assert_clean(result.problems)
    assert result.total == len(result.written) + result.bad_records
    for path in result.written:
        assert path.parent == out_dir and path.suffix == ".docx"
        assert_docx(path)
    assert no_temporary_files(out_dir)
    if len(result.written) == 0:
        assert not out_dir.exists() or not any(out_dir.iterdir())


@settings(FUZZ, max_examples=60)
@given(case=form_data())
def test_the_fill_command_answers_in_chinese_or_writes_one_whole_file(tmp_path_factory, case):
    form_id, suffix, data = case
    work = tmp_path_factory.mktemp("fillcli", numbered=True)
    source = work / f"data{suffix}"
    source.write_bytes(data)
    out = work / "out.docx"
    stdout, stderr = io.StringIO(), io.StringIO()
    with time_limit(), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = forms_cli.main([form_id, "--data", str(source), "-o", str(out)])
    assert code in (0, 1), stderr.getvalue()
    event(f"退出码 {code}")
    if code == 0:
        assert_docx(out)
    else:
        assert not out.exists(), "出错时不应留下输出文件"
        assert stderr.getvalue().strip()
        for line in stderr.getvalue().strip().splitlines():
            assert CJK.search(line), line
    assert "Traceback" not in stderr.getvalue()
    assert no_temporary_files(work)


# --- ids and file names -------------------------------------------------------------------------------

MINIMAL = {"title": "测试", "issuer": "机关", "category": "其他", "kind": "pending"}
BAD_IDS = ["../etc", "..", ".", "a/b", "a\\b", "/abs", "a/../b", "con", "nul", "prn", "aux", "com1", "lpt1", "com9",
           "lpt0", "index", "404", "search", "assets", "downloads", "sitemap", "Alpha", "ａｂ", "a b", "a.b", " a",
           "a\n", "", "-a", "a" * 65, "%2e%2e", "a:b"]


def document_problems(tmp_path: Path, doc_id) -> list[Problem]:
    path = tmp_path / "doc.yaml"
    path.write_bytes(dump(dict(MINIMAL, id=doc_id)))
    source, problems = parse_yaml(path, tmp_path)
    return problems or validate(source, DOCUMENT)[1]


@pytest.mark.parametrize("doc_id", BAD_IDS)
def test_unsafe_or_reserved_ids_are_rejected_in_chinese(tmp_path, doc_id):
    problems = document_problems(tmp_path, doc_id)
    assert_clean(problems)
    assert any("id" in p.message for p in problems), problems


@settings(FUZZ, max_examples=200)
@given(doc_id=st.one_of(text, st.from_regex(r"[a-z0-9./\\-]{1,12}", fullmatch=True)))
def test_an_accepted_id_names_a_file_inside_the_site(tmp_path_factory, doc_id):
    problems = document_problems(tmp_path_factory.getbasetemp(), doc_id)
    if problems:
        assert_clean(problems)
        return
    site = tmp_path_factory.getbasetemp() / "site"
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", doc_id)
    assert (site / f"{doc_id}.html").resolve().parent == site.resolve()


@settings(FUZZ, max_examples=200)
@given(pattern=st.sampled_from(["{n:04d}-{unit}", "{unit}", "{borrower}-{unit}", "{n}"]),
       unit=text, borrower=text, number=st.integers(1, 10**6))
def test_batch_file_names_stay_in_the_output_folder(tmp_path_factory, pattern, unit, borrower, number):
    out_dir = tmp_path_factory.getbasetemp() / "batch"
    name = file_name(pattern, number, {"unit": unit, "borrower": borrower})
    assert name.endswith(".docx") and "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.startswith(".") and len(name) <= 90
    assert (out_dir / name).resolve().parent == out_dir.resolve()


@settings(FUZZ, max_examples=100)
@given(title=text, edition=text)
def test_the_compendium_file_name_stays_in_the_downloads_folder(tmp_path_factory, title, edition):
    compendium = Compendium.model_construct(title=title, edition=edition)
    name = compendium_filename(compendium)
    folder = tmp_path_factory.getbasetemp() / "downloads"
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert (folder / name).resolve().parent == folder.resolve()


def test_a_batch_named_after_hostile_values_writes_only_inside_its_folder(tmp_path):
    form = FORMS["lending-slip"]
    records = []
    for unit in ["../../escaped", "/etc/passwd", "..", "CON", "a\\..\\b", "x" * 300, ".hidden", "<>:|?*"]:
        record = example_record(form)
        record["unit"] = unit
        records.append(record)
    data = tmp_path / "records.yaml"
    data.write_bytes(dump(records))
    out_dir = tmp_path / "deep" / "out"
    before = {p for p in tmp_path.rglob("*")}
    result = fill_batch(ROOT, form, data, out_dir, "{unit}")
    assert result.problems == [] and len(result.written) == len(records)
    assert all(p.parent == out_dir for p in result.written)
    assert {p for p in tmp_path.rglob("*")} - before == {out_dir.parent, out_dir, *result.written}


# --- markup stays text -----------------------------------------------------------------------------------

PAYLOAD = ("<script>alert(1)</script><img src=x onerror=alert(2)> **粗** [链](http://example.com) {{ 7*7 }} {% raw %}|x"
           " {{ 7*191 }} {{ cycler.__init__.__globals__.os.popen(\"id\").read() }}")
SHORT = "<b>粗</b>{{ 6*7 }}"  # for places that must stay short (titles, headings)
TITLE_BREAKOUT = "</title><script>alert(3)</script>"  # the theme puts short titles into <title> and the navigation


def hostile_mini_project(project: Path) -> None:
    """Markup in every kind of text the pages show: titles, notes, headings, items, history, corrections."""
    alpha = project / "regulations" / "alpha.yaml"
    text = alpha.read_text(encoding="utf-8")
    for old, new in [
        ("title: 中共X区委员会办公室测试会议规则", f"title: '中共X区委员会办公室测试会议规则{SHORT}'"),
        ("short_title: 测试会议规则", f"short_title: '测试{TITLE_BREAKOUT}{SHORT}'"),
        ("imprint: （X年X月X日印）", f"imprint: '{PAYLOAD}'"),
        ("  - 为规范测试会议，制定本规则。", f"  - '{PAYLOAD}'"),
        ("      - 本规则适用于测试会议。", f"      - '{PAYLOAD}'"),
        ("              - title: 干部任免：", f"              - title: '{SHORT}'"),
        ("  - title: 议事范围", f"  - title: '议事范围{SHORT}'"),
        ("    reason: 提取时丢失“〇”", f"    reason: '{PAYLOAD}'"),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    text += f"note: '{PAYLOAD}'\nhistory:\n  - date: 2024-01-02\n    number: '{SHORT}'\n    change: '{PAYLOAD}'\n"
    alpha.write_text(text, encoding="utf-8")
    beta = project / "regulations" / "beta.yaml"
    text = beta.read_text(encoding="utf-8")
    text = text.replace("  - h: 附则", f"  - h: '附则{SHORT}'").replace("      - 坚持集体领导。", f"      - '{PAYLOAD}'")
    beta.write_text(text.replace("category: 其他", "category: 其他<i>类</i>"), encoding="utf-8")
    compendium = project / "regulations" / "compendium.yaml"
    text = compendium.read_text(encoding="utf-8").replace("title: 测试汇编", f"title: '测试汇编{SHORT}'")
    text = text.replace("  - name: 其他", "  - name: 其他<i>类</i>")
    compendium.write_text(text + f"note: '{PAYLOAD}'\n", encoding="utf-8")


class Elements(HTMLParser):
    """Tags with their attributes, the text a reader sees, and the code of inline scripts."""

    def __init__(self, page: Path):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(page.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)

    @property
    def shown(self) -> str:
        return "".join(self.text)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, project_copy):
    project = project_copy(tmp_path_factory.mktemp("hostile") / "project", FIXTURES / "mini" / "regulations")
    hostile_mini_project(project)
    outside = {p for p in project.parent.parent.rglob("*") if project not in p.parents and p != project}
    build_site(project, project / "site")
    after = {p for p in project.parent.parent.rglob("*") if project not in p.parents and p != project}
    assert after == outside, "构建在项目目录之外写了文件"
    return project


def test_markup_in_yaml_is_text_on_every_page(hostile_site):
    site = hostile_site / "site"
    for page in sorted(site.glob("*.html")):
        parsed = Elements(page)
        for tag, attrs in parsed.tags:
            assert not [name for name in attrs if name.startswith("on")], (page.name, tag, attrs)  # onerror=…
            assert "example.com" not in (attrs.get("href") or "") + (attrs.get("src") or ""), page.name
            assert tag not in ("img", "b", "i"), (page.name, tag, attrs)
        assert not [code for code in parsed.scripts if "alert(" in code], page.name
    alpha = Elements(site / "alpha.html").shown
    assert alpha.count(PAYLOAD) >= 5, "正文、前言、印发行、编者注、勘误中的文字应原样显示"
    assert f"议事范围{SHORT}" in alpha and f"测试{TITLE_BREAKOUT}{SHORT}" in alpha  # heading; navigation and <title>
    assert "其他<i>类</i>" in alpha
    assert "42" not in alpha and "49" not in alpha
    for page in sorted(site.rglob("*.html")):
        shown = page.read_text(encoding="utf-8")
        assert "1337" not in shown and "uid=" not in shown and str(hostile_site) not in shown, page.name
    beta = Elements(site / "beta.html").shown
    assert PAYLOAD in beta and f"附则{SHORT}" in beta
    assert PAYLOAD in Elements(site / "changelog.html").shown
    home = Elements(site / "index.html").shown
    assert PAYLOAD in home and f"测试汇编{SHORT}" in home


def test_markup_in_yaml_is_text_in_the_search_index(hostile_site):
    # the index holds the text a reader sees (markup typed in YAML stays text); the engine escapes it when shown
    rows = []
    for path in sorted((hostile_site / "site" / "search").glob("t-*.js")):
        text = path.read_text(encoding="utf-8")
        rows += json.loads(text[text.index(",") + 1:text.rindex(")")])
    joined = " ".join(f"{title} {body}" for _, title, body in rows)
    assert "<script" in joined
    engine = (hostile_site / "site" / "assets" / "javascripts" / "search-engine.js").read_text(encoding="utf-8")
    assert "escapeHtml(text.slice(at))" in engine


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    return "".join(root.xpath("//w:t/text()", namespaces=ns))


def external_targets(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        rels = [name for name in archive.namelist() if name.endswith(".rels")]
        return [t for name in rels for t in re.findall(rb'TargetMode="External"[^>]*', archive.read(name))]


def test_markup_in_yaml_is_text_in_the_compendium_docx(hostile_site, tmp_path):
    handbook, problems = load_handbook(hostile_site)
    assert handbook is not None, problems
    path = build_compendium(handbook.compendium, handbook.structures, handbook.index, tmp_path / "c.docx")
    shown = docx_text(path)
    assert PAYLOAD in shown and f"议事范围{SHORT}" in shown
    assert external_targets(path) == []
    assert "1337" not in shown and "uid=" not in shown


def test_markup_in_form_data_is_text_in_the_filled_docx(tmp_path):
    form = FORMS["meeting-notice"]
    record = example_record(form)
    record["meeting_name"] = "<script>alert(1)</script>{{ 7*7 }}"
    record["requirements"] = PAYLOAD
    record["place"] = "{{ form }}{% for x in range(9) %}x{% endfor %}"
    record["agenda"] = "一、<w:t>注入</w:t>\n二、]]></w:t></w:r>"
    data = tmp_path / "data.yaml"
    data.write_bytes(dump(record))
    out = tmp_path / "filled.docx"
    assert fill_one(ROOT, form, data, out) == []
    shown = docx_text(out)
    assert PAYLOAD in shown and "<script>alert(1)</script>{{ 7*7 }}" in shown
    assert "{{ form }}{% for x in range(9) %}x{% endfor %}" in shown
    assert "<w:t>注入</w:t>" in shown and "]]></w:t></w:r>" in shown
    assert external_targets(out) == []


def test_markup_in_a_flowchart_is_text_in_the_svg(tmp_path):
    from handbook.flow import FlowDocument
    from handbook.render.flowcharts import render_all

    doc = FlowDocument.model_validate({
        "id": "hostile-flow", "kind": "flow", "title": f"流程{SHORT}", "issuer": "机关", "category": "其他",
        "nodes": [{"id": "a", "label": "<script>alert(1)</script>", "kind": "start"},
                  {"id": "b", "label": '"} x: {shape: image; icon: http://example.com/x.png} {', "kind": "end"}],
        "edges": [{"from": "a", "to": "b", "label": "{{ 7*7 }}"}]})
    with time_limit(120):
        rendered = render_all([doc], tmp_path / "out", cache_dir=tmp_path / "cache")
    root = etree.fromstring(rendered[doc.id].svg_path.read_bytes())
    assert not root.xpath("//*[local-name()='script']")
    assert not [v for v in root.xpath("//@*") if "example.com" in v]
    shown = "".join(root.itertext())
    assert "<script>alert(1)</script>" in shown and "{{ 7*7 }}" in shown


# --- YAML limits ------------------------------------------------------------------------------------------

def timed_problems(tmp_path: Path, data: bytes) -> tuple[list[Problem], float]:
    path = tmp_path / "limit.yaml"
    path.write_bytes(data)
    started = time.process_time()  # CPU seconds: an expanding bomb burns CPU, a loaded machine only stretches wall time
    with time_limit():
        problems = load_one(path)
    return problems, time.process_time() - started


@pytest.mark.parametrize("name, data", [
    ("billion laughs", ("a: &a [" + ", ".join(["x"] * 10) + "]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(12))).encode()),
    ("recursive alias", b"id: &x [*x]\n"),
    ("deep block nesting", "".join("  " * i + "k:\n" for i in range(MAX_DEPTH + 20)).encode() + b"  " * 70 + b"v\n"),
    ("deep flow nesting", b"id: " + b"[" * 50_000 + b"]" * 50_000 + b"\n"),
    ("deep mapping nesting", b"id: " + b"{a: " * 5_000 + b"x" + b"}" * 5_000 + b"\n"),
    ("too big", b"id: x\nnote: '" + b"a" * (MAX_FILE_BYTES + 1) + b"'\n"),
])
def test_yaml_bombs_fail_fast_in_chinese(tmp_path, name, data):
    problems, seconds = timed_problems(tmp_path, data)
    assert_clean(problems)
    assert seconds < 3, f"{name}: {seconds:.1f} CPU 秒"


def test_form_data_bombs_fail_fast_in_chinese(tmp_path):
    form = FORMS["meeting-notice"]
    bomb = ("a: &a [" + ", ".join(["x"] * 10) + "]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(12)))
    for name, data in [("bomb.yaml", bomb.encode()), ("deep.yaml", b"[" * 50_000),
                       ("big.yaml", b"meeting_name: '" + b"a" * (MAX_FILE_BYTES + 1) + b"'\n")]:
        path = tmp_path / name
        path.write_bytes(data)
        started = time.process_time()  # CPU seconds, as in timed_problems
        with time_limit():
            problems = fill_one(ROOT, form, path, tmp_path / "out.docx")
        assert_clean(problems)
        assert time.process_time() - started < 3, name
        assert not (tmp_path / "out.docx").exists()


def test_python_tags_never_run(tmp_path):
    marker = tmp_path / "pwned"
    for tag in ("!!python/object/apply:os.system", "!!python/object/apply:subprocess.call"):
        data = f"id: x\nnote: {tag} [['touch', '{marker}']]\n".encode()
        assert_clean(timed_problems(tmp_path, data)[0])
    assert not marker.exists()


# --- the preview server ---------------------------------------------------------------------------------

def test_serve_defaults_to_this_machine_only():
    assert cli.build_parser().parse_args(["serve"]).host == "127.0.0.1"
    assert cli.build_parser().parse_args(["serve", "--host", "0.0.0.0"]).host == "0.0.0.0"


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on port (Linux /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_serve_listens_on_loopback_only(mini_project):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = ("import sys; from pathlib import Path; from handbook import cli; cli.ROOT = Path(sys.argv[1]); "
              "sys.exit(cli.main(['serve', '--port', sys.argv[2]]))")
    process = subprocess.Popen([sys.executable, "-c", script, str(mini_project), str(port)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not listening_addresses(port) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        addresses = listening_addresses(port)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    assert addresses == {"0100007F"}, f"应只监听 127.0.0.1，实际：{addresses}"


# --- round two: special files, template payloads in form definitions, ids naming generated pages ---------

def _special(kind: str, path: Path, outside: Path) -> None:
    import os

    if kind == "symlink to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "symlink to /dev/urandom":
        path.symlink_to("/dev/urandom")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()  # the socket file stays
    elif kind == "folder":
        path.mkdir()
    elif kind == "dangling symlink":
        path.symlink_to(path.parent / "nowhere.yaml")
    elif kind == "symlink loop":
        path.symlink_to(path)
    elif kind == "symlink outside the project":
        outside.write_text("id: outside\n", encoding="utf-8")
        path.symlink_to(outside)
    elif kind == "unreadable bytes":
        path.write_bytes(b"\xff\xfe\x00" * 100)


SPECIAL = ["symlink to /dev/zero", "symlink to /dev/urandom", "fifo", "socket", "folder", "dangling symlink",
           "symlink loop", "symlink outside the project", "unreadable bytes"]


@pytest.mark.parametrize("folder", ["regulations", "forms"])
@pytest.mark.parametrize("kind", SPECIAL)
def test_special_files_in_the_sources_are_refused_at_once(tmp_path, project_copy, folder, kind):
    project = project_copy(tmp_path / "project", FIXTURES / "mini" / "regulations")
    (project / folder).mkdir(exist_ok=True)
    _special(kind, project / folder / "x.yaml", tmp_path / "outside.yaml")
    with time_limit(20):
        handbook, problems = load_handbook(project)
    assert handbook is None
    mine = [p for p in problems if p.path == f"{folder}/x.yaml"]
    assert len(mine) == 1, problems
    assert_clean(mine)


JINJA = st.one_of(
    st.sampled_from(["{{ 7*191 }}", "{{ cycler.__init__.__globals__.os.popen('id').read() }}", "{% for x in range(5) %}循环{% endfor %}",
                     "{%tr for r in x %}", "{{", "{%", "{#", "}}", "%}", "{{ '{' }}", "{% raw %}", "{% endraw %}",
                     "{{ self }}", "{{ config }}", "{{ lipsum.__globals__ }}", "{%p if 1 %}", "{{r x }}"]),
    st.text(alphabet="{}%#'\" 7*19pr", min_size=1, max_size=12))


@st.composite
def form_with_payload(draw):
    form_id = draw(st.sampled_from(FORM_IDS))
    tree = yaml.safe_load((ROOT / "forms" / f"{form_id}.yaml").read_text(encoding="utf-8"))
    texts = [path for path, value in paths_in(tree) if isinstance(value, str) and path[-1:] not in (("id",), ("type",))]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(texts))
        original = tree
        for part in path:
            original = original[part]
        set_at(tree, path, draw(st.sampled_from(["", original])) + draw(JINJA))
    return form_id, tree


@settings(FUZZ, max_examples=80)
@given(case=form_with_payload())
def test_jinja_in_a_form_definition_is_never_evaluated(tmp_path_factory, case):
    from handbook.forms.definitions import load_form
    from handbook.forms.render import Renderer
    from handbook.forms.templates import write_template

    form_id, tree = case
    work = tmp_path_factory.mktemp("formdef", numbered=True)
    path = work / "forms" / f"{form_id}.yaml"
    path.parent.mkdir()
    path.write_bytes(dump(tree))
    with time_limit():
        loaded, problems = load_form(path, work)
        if loaded is None:
            assert_clean(problems)
            return
        write_template(loaded.form, work / "t.docx")
        blob = Renderer(loaded.form, work / "t.docx").render(None)
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    etree.fromstring(xml.encode("utf-8"))
    assert "1337" not in xml and "uid=" not in xml and "循环循环" not in xml and str(ROOT) not in xml


@settings(FUZZ, max_examples=60)
@given(doc_id=st.one_of(st.sampled_from(["form-lending-slip", "form-meeting-notice", "form-leave-approval", "changelog",
                                         "editor-guide", "form-", "form-x", "forms", "flows", "sitemap", "search"]),
                        st.from_regex(r"(form-)?[a-z][a-z0-9-]{0,12}", fullmatch=True)))
def test_an_id_naming_a_generated_page_is_an_error_at_the_id(fuzz_project, doc_id):
    from handbook import urls
    from handbook.model import RESERVED_IDS

    path = fuzz_project / "regulations" / f"{doc_id}.yaml"
    if path.exists():
        return
    path.write_bytes(dump({"id": doc_id, **MINIMAL, "category": "其他"}))
    try:
        with time_limit():
            handbook, problems = load_handbook(fuzz_project)
    finally:
        path.unlink()
    taken = urls.generated_names([], [p.stem for p in (fuzz_project / "forms").glob("*.yaml")], [])
    collides = urls.document(doc_id) in taken or doc_id in taken or doc_id in RESERVED_IDS
    at_id = [p for p in problems if p.path == f"regulations/{doc_id}.yaml" and p.severity == "error"
             and "保留名称" in p.message]
    assert bool(at_id) == collides, (doc_id, problems)
    if at_id:
        assert_clean(at_id)
        assert (at_id[0].line, at_id[0].column) == (1, 5)
