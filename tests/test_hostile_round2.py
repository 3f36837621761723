"""Hostile and careless input, round two (issue 18) and text that stays text in YAML (issue 14 item 3).

Each test reproduces one reported attack and asserts the fixed behaviour on real outputs.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from handbook import model
from handbook.load import parse_yaml, validate

ROOT = Path(__file__).resolve().parent.parent


def load_doc(path: Path, text: str, root: Path | None = None):
    path.write_text(text, encoding="utf-8")
    source, problems = parse_yaml(path, root or path.parent)
    assert not problems, problems
    return validate(source, model.DOCUMENT)


# --- text stays text (issue 14 item 3) -----------------------------------------------------------

RULES = """\
id: alpha
title: {title}
short_title: {short}
issuer: 中共X区委员会办公室
category: 议事决策
seq: 1
kind: rules
chapters:
  - title: 总则
    articles:
      - {article}
      - text: {text}
"""


@pytest.mark.parametrize("typed", ["0017", "1e3", "yes", "2019-10", "1:20", "2019-10-23", "0x1F", "on", "010", ".inf",
                                   "2019-02-30", "12_000", "="])
def test_text_fields_keep_the_characters_typed(tmp_path, typed):
    doc, problems = load_doc(tmp_path / "alpha.yaml", RULES.format(title=typed, short=typed, article=typed, text=typed))
    assert not problems, problems
    assert doc.title == typed and doc.short_title == typed
    articles = doc.chapters[0].articles
    assert [articles[0].text, articles[1].text] == [typed, typed]


def test_number_fields_read_leading_zeros_as_decimal_not_octal(tmp_path):
    doc, problems = load_doc(tmp_path / "alpha.yaml", RULES.format(title="规则", short="规则", article="x", text="y")
                             .replace("seq: 1", "seq: 017"))
    assert not problems
    assert doc.seq == 17  # YAML 1.1 reads 017 as 15


@pytest.mark.parametrize("tagged", ["!!binary aGk=", "!!str 0017", "!!int 3", "!!python/name:os.system", "!!timestamp 2019-10-23"])
def test_explicit_tags_are_refused_at_their_position(tmp_path, tagged):
    path = tmp_path / "alpha.yaml"
    path.write_text(RULES.format(title="规则", short="规则", article="x", text=tagged), encoding="utf-8")
    source, problems = parse_yaml(path, tmp_path)
    assert [(p.line, p.column) for p in problems] == [(12, 15)]
    assert "不支持 YAML 标签" in problems[0].message


def test_fill_data_keeps_leading_zeros_and_yes_as_typed(tmp_path):
    from handbook.forms.data import check_record
    from handbook.forms.definitions import load_forms_or_raise
    from handbook.forms.records import read_records

    form = next(f.form for f in load_forms_or_raise(ROOT) if f.form.id == "meeting-notice")
    text_fields = [f for f in form.fields if f.type == "text"]
    assert text_fields
    data = tmp_path / "data.yaml"
    data.write_text("".join(f"{f.id}: {v}\n" for f, v in zip(text_fields, ["0017", "yes", "1:20", "2019-10"] * 9)),
                    encoding="utf-8")
    records = read_records(data, form)
    assert not records.problems
    values, errors = check_record(form, records.entries[0].data)
    expected = dict(zip([f.id for f in text_fields], ["0017", "yes", "1:20", "2019-10"] * 9))
    assert {k: values[k] for k in expected} == expected


# --- item 4: special files -----------------------------------------------------------------------

def test_a_symlink_to_a_device_is_refused_without_reading_it(tmp_path):
    (tmp_path / "x.yaml").symlink_to("/dev/zero")
    source, problems = parse_yaml(tmp_path / "x.yaml", tmp_path)
    assert len(problems) == 1 and "项目之外" in problems[0].message
    source, problems = parse_yaml(tmp_path / "x.yaml")  # even with no project to compare with: not a regular file
    assert len(problems) == 1 and "不是普通文件" in problems[0].message


def test_a_fifo_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "x.yaml")
    source, problems = parse_yaml(tmp_path / "x.yaml", tmp_path)
    assert len(problems) == 1 and "不是普通文件" in problems[0].message


def test_a_socket_and_a_folder_are_refused(tmp_path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "s.yaml"))
    try:
        _, problems = parse_yaml(tmp_path / "s.yaml", tmp_path)
        assert "不是普通文件" in problems[0].message
    finally:
        server.close()
    (tmp_path / "d.yaml").mkdir()
    _, problems = parse_yaml(tmp_path / "d.yaml", tmp_path)
    assert "文件夹" in problems[0].message and "Is a directory" not in str(problems[0])


def test_the_size_limit_counts_bytes_read(tmp_path, monkeypatch):
    import handbook.load as load

    monkeypatch.setattr(load, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.yaml"
    path.write_text("title: " + "字" * 1000, encoding="utf-8")
    _, problems = load.parse_yaml(path, tmp_path)
    assert "文件过大" in problems[0].message


def test_a_symlink_inside_the_project_is_followed(tmp_path):
    (tmp_path / "real.yaml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    source, problems = parse_yaml(tmp_path / "link.yaml", tmp_path)
    assert not problems and source.data == {"a": 1}


def test_files_with_other_yaml_suffixes_are_named_in_a_warning(mini_project):
    from handbook.sources import load_handbook

    folder = mini_project / "regulations"
    text = (folder / "beta.yaml").read_text(encoding="utf-8")
    for name in ("x.yml", "X.YAML", "x.yaml.bak", "x.yaml~"):
        (folder / name).write_text(text, encoding="utf-8")
    handbook, problems = load_handbook(mini_project)
    assert handbook is not None
    warned = {p.path.rpartition("/")[2] for p in problems if p.severity == "warning" and "不会被读取" in p.message}
    assert warned == {"x.yml", "X.YAML", "x.yaml.bak", "x.yaml~"}


# --- item 1: template injection ------------------------------------------------------------------

def payloads(marker: Path) -> list[str]:
    return ["{{ 7*191 }}", f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}",
            "{% for x in range(3) %}循环{% endfor %}", "{# 注释 #}", "{{", "{%tr endfor %}", "{'{'}"]


def _strings(tree, here=()):
    if isinstance(tree, str):
        yield here
    elif isinstance(tree, dict):
        for key, value in tree.items():
            yield from _strings(value, here + (key,))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            yield from _strings(value, here + (i,))


def _set(tree, path, value):
    for part in path[:-1]:
        tree = tree[part]
    tree[path[-1]] = value


def _docx_texts(blob: bytes) -> str:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return "".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml"))


@pytest.mark.parametrize("form_id", ["meeting-notice", "leave-approval", "lending-slip"])
def test_jinja_in_every_form_field_is_printed_not_run(tmp_path, form_id):
    """Every text of a form definition that the loader accepts a payload in: the regenerated template prints it."""
    import copy

    import yaml

    from handbook.forms.data import check_record, example_record
    from handbook.forms.definitions import load_form
    from handbook.forms.render import Renderer, render_docxtpl
    from handbook.forms.templates import write_template

    marker = tmp_path / "pwned"
    original = yaml.safe_load((ROOT / "forms" / f"{form_id}.yaml").read_text(encoding="utf-8"))
    folder = tmp_path / "forms"
    folder.mkdir()
    path = folder / f"{form_id}.yaml"
    tree = copy.deepcopy(original)
    accepted = 0
    for n, loc in enumerate(_strings(original)):
        if loc[-1:] in (("id",), ("type",)) or loc == ("id",):
            continue
        trial = copy.deepcopy(tree)
        payload = payloads(marker)[n % 7] + f"·{n}"
        _set(trial, loc, payload)
        path.write_text(yaml.safe_dump(trial, allow_unicode=True), encoding="utf-8")
        loaded, problems = load_form(path, tmp_path)
        if loaded is not None and not [p for p in problems if p.severity == "error"]:
            tree, accepted = trial, accepted + 1
    assert accepted >= 10, accepted
    path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    loaded, _ = load_form(path, tmp_path)
    template = tmp_path / "t.docx"
    write_template(loaded.form, template)
    renderer = Renderer(loaded.form, template)
    values, errors = check_record(loaded.form, example_record(loaded.form))
    assert not errors
    outputs = [renderer.render(None), renderer.render(values), render_docxtpl(loaded.form, template, values)]
    for blob in outputs:
        text = _docx_texts(blob)
        assert "1337" not in text and "循环循环" not in text
        assert str(ROOT) not in text and os.getcwd() not in text
        assert "{{ 7*191 }}" in text.replace("&#x27;", "'")
    assert not marker.exists(), "模板中的数据被当作代码执行了"


def test_a_sandboxed_template_cannot_reach_python(tmp_path):
    import jinja2

    from handbook.forms.render import jinja_env

    with pytest.raises(jinja2.exceptions.SecurityError):
        jinja_env().from_string("{{ cycler.__init__.__globals__.os.popen('id').read() }}").render(
            cycler=jinja2.utils.Cycler(1))


# --- item 3: ids that collide with generated names --------------------------------------------------

@pytest.mark.parametrize("doc_id", ["form-lending-slip", "form-meeting-notice", "changelog", "sitemap"])
def test_a_document_named_like_a_generated_page_is_an_error_at_its_id(tmp_path, project_copy, doc_id):
    from handbook.sources import load_handbook

    project = project_copy(tmp_path / "p")
    beta = (ROOT / "tests" / "fixtures" / "mini" / "regulations" / "beta.yaml").read_text(encoding="utf-8")
    beta = beta.replace("id: beta", f"id: {doc_id}").replace("seq: 2\n", "")
    (project / "regulations" / f"{doc_id}.yaml").write_text(beta, encoding="utf-8")
    handbook, problems = load_handbook(project)
    assert handbook is None
    errors = [p for p in problems if p.severity == "error" and "保留名称" in p.message]
    assert len(errors) == 1, problems
    assert errors[0].path == f"regulations/{doc_id}.yaml" and (errors[0].line, errors[0].column) == (1, 5)
    assert doc_id in errors[0].message


def test_the_static_reserved_ids_cover_every_fixed_generated_name():
    """The model refuses the fixed names early; urls.py says what they are (an id cannot hold _ or .)."""
    from handbook import urls
    from handbook.model import RESERVED_IDS

    stems = {name.split(".")[0] for name in urls.fixed_names()} - {"editor_guide", "handbook"}
    assert stems <= RESERVED_IDS, stems - RESERVED_IDS


def test_every_generated_top_level_name_is_reserved(handbook):
    """The pages a build really generates are all in urls.generated_names or are a document's own."""
    from handbook import urls
    from handbook.outputs.pages import generate_pages

    own = {urls.document(s.doc.id) for s in handbook.structures}
    pages = {urls.page_url(name) for name in generate_pages(handbook, ROOT)}
    taken = urls.generated_names([], [f.form.id for f in handbook.forms], [], handbook.compendium)
    assert pages - own <= taken, pages - own - taken


# --- item 5: every failure a user can cause is one Chinese message and exit 1 ------------------

def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and "Error:" not in text and "[Errno" not in text, text


def test_build_folder_that_is_a_file_is_one_chinese_message(mini_project, monkeypatch, capsys):
    from handbook import cli

    monkeypatch.setattr(cli, "ROOT", mini_project)
    (mini_project / "build").write_text("不是文件夹", encoding="utf-8")
    assert cli.main(["--out", str(mini_project / "site")]) == 1
    err = capsys.readouterr().err
    _no_traceback(err)
    assert "「build" in err and "构建失败" in err


def test_an_output_folder_inside_a_file_is_one_chinese_message(mini_project, monkeypatch, capsys):
    from handbook import cli

    monkeypatch.setattr(cli, "ROOT", mini_project)
    (mini_project / "plain").write_text("x", encoding="utf-8")
    assert cli.main(["--out", str(mini_project / "plain" / "site")]) == 1
    err = capsys.readouterr().err
    _no_traceback(err)
    assert "plain" in err and "构建失败" in err


def test_a_full_disk_while_writing_the_sources_is_one_chinese_message(mini_project, monkeypatch, capsys):
    import errno

    from handbook import cli, site

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(mini_project / "build" / "docs" / "alpha.md"))

    monkeypatch.setattr(cli, "ROOT", mini_project)
    monkeypatch.setattr(site, "write_tree", full)
    assert cli.main(["--out", str(mini_project / "site")]) == 1
    err = capsys.readouterr().err
    _no_traceback(err)
    assert "磁盘空间已满" in err and "build/docs/alpha.md" in err


@pytest.mark.parametrize("output, expected", [
    ("Traceback (most recent call last):\n  File \"x\", line 1\nOSError: [Errno 28] No space left on device: '/s/x.html'",
     "磁盘空间已满"),
    ("PermissionError: [Errno 13] Permission denied: '/s/.site.tmp-1/index.html'", "没有权限"),
    ("OSError: [Errno 30] Read-only file system: '/s/x'", "只读"),
    ("WARNING -  Doc file 'a.md' contains a link 'b.md', but the target is not found among documentation files.\n"
     "Aborted with 1 warnings in strict mode!", "指向不存在的页面"),
    ("Traceback (most recent call last):\n  File \"x\"\nTypeError: unsupported thing", "MkDocs 构建失败"),
])
def test_mkdocs_failures_are_translated(output, expected):
    from handbook.site import mkdocs_problem

    problem = mkdocs_problem(output, Path("/s/site"))
    assert expected in problem.message
    assert "Traceback" not in str(problem) and "Errno" not in str(problem) and "Permission denied" not in str(problem)


# --- items 6 and 8: concurrent builds, file modes under any umask --------------------------------

BUILD = "import sys; from pathlib import Path; from handbook.pipeline import build_site; build_site(Path(sys.argv[1]), Path(sys.argv[1]) / 'site')"


@pytest.fixture(scope="module")
def concurrent_builds(tmp_path_factory, project_copy):
    """Three builds of one project started 0.2 s apart on an empty build/, all under umask 077."""
    import subprocess
    import sys
    import time

    project = project_copy(tmp_path_factory.mktemp("concurrent") / "p", ROOT / "tests" / "fixtures" / "mini" / "regulations")
    runs = []
    for _ in range(3):
        runs.append(subprocess.Popen([sys.executable, "-c", BUILD, str(project)], cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.umask(0o077)))
        time.sleep(0.2)
    results = [(run.wait(timeout=600), *run.communicate()) for run in runs]
    return project, results


def test_concurrent_builds_wait_for_each_other_and_all_succeed(concurrent_builds):
    project, results = concurrent_builds
    for code, out, err in results:
        assert code == 0, err
        assert "Traceback" not in err
    assert any("另一个构建正在使用" in err for _, _, err in results)
    assert (project / "site" / "alpha.html").is_file()
    assert not [p for p in project.iterdir() if p.name.startswith(".site.")], "构建留下了临时目录"


def test_site_files_are_world_readable_whatever_the_umask(concurrent_builds):
    project, _ = concurrent_builds
    site = project / "site"
    modes = {oct(p.stat().st_mode & 0o777) for p in site.rglob("*") if p.is_file()}
    folders = {oct(p.stat().st_mode & 0o777) for p in [site, *site.rglob("*")] if p.is_dir()}
    assert modes == {"0o644"} and folders == {"0o755"}, (modes, folders)


@pytest.mark.parametrize("host, port, expected", [
    ("127.0.0.1", 99999, "端口 99999 无效"),
    ("127.0.0.1", 0, "端口 0 无效"),
    ("256.1.1.1", 8000, "监听地址「256.1.1.1」无效"),
    ("10.255.255.254", 8000, "不是本机的地址"),
])
def test_serve_refuses_a_bad_address_with_its_own_hint(mini_project, capsys, host, port, expected):
    from handbook.serve import serve

    assert serve(mini_project, host, port) == 1
    captured = capsys.readouterr()
    assert expected in captured.err and "占用" not in captured.err
    assert "预览地址" not in captured.out + captured.err
    _no_traceback(captured.err)


def test_serve_on_a_port_in_use_says_so_before_starting(mini_project, capsys):
    from handbook.serve import serve

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert serve(mini_project, "127.0.0.1", port) == 1
    captured = capsys.readouterr()
    assert f"端口 {port} 已被占用" in captured.err and f"--port {port + 1}" in captured.err
    assert "预览地址" not in captured.out + captured.err


def test_serve_answers_bad_paths_and_its_server_dies_with_it(mini_project):
    import signal
    import time
    import urllib.error
    import urllib.request

    from support.preview_probe import Preview, wait_for

    with Preview(mini_project) as preview:
        wait_for(preview.url("alpha.html"), lambda page: "本规则适用于测试会议" in page, 120)
        codes = {}
        for path in ("index.html%00.png", "%00", "a%01b.html", "..%2f..%2fetc%2fpasswd", "x" * 300 + ".html"):
            try:
                with urllib.request.urlopen(preview.url(path), timeout=10) as response:
                    codes[path] = response.status
            except urllib.error.HTTPError as error:
                codes[path] = error.code
        assert codes["index.html%00.png"] == 400 and codes["%00"] == 400 and codes["a%01b.html"] == 400
        assert codes["..%2f..%2fetc%2fpasswd"] == 404 and codes["x" * 300 + ".html"] == 404
        deadline = time.monotonic() + 10
        while "预览地址" not in preview.output() and time.monotonic() < deadline:
            time.sleep(0.1)
        output = preview.output()
        assert "Traceback" not in output and "500" not in output, output
        assert output.count("预览地址") == 1
        os.kill(preview.process.pid, signal.SIGKILL)  # serve only, not its process group
        preview.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", preview.port), timeout=1).close()
            except OSError:
                break
            time.sleep(0.2)
        else:
            pytest.fail("serve 被 kill -9 后，MkDocs 子进程仍在监听")


# --- item 7: the public edition cites internal documents without their titles ----------------

def test_a_public_forms_required_by_names_internal_flows_neutrally(handbook):
    from handbook.render.form_pages import form_page_markdown
    from handbook.profile import select

    public = select(handbook, "public")
    form = next(f.form for f in handbook.forms if f.form.id == "meeting-notice")
    flows = [s.doc for s in handbook.structures if s.doc.id in ("teleconference-flow", "secretary-topic-meeting-flow")]
    assert len(flows) == 2 and all(doc.id in public.withheld for doc in flows)
    page = form_page_markdown(form, public.index)
    assert page.count("〔内部文件〕") == 2
    for doc in flows:
        assert doc.title not in page and (doc.short_title or doc.title) not in page and doc.id not in page
    internal = form_page_markdown(form, select(handbook, "internal").index)
    assert all(doc.title in internal for doc in flows)  # the same page in the internal edition names them


# --- item 8: smaller things ----------------------------------------------------------------------

def test_library_english_is_translated(tmp_path):
    from handbook.forms.records import read_records
    from handbook.forms.definitions import load_forms_or_raise

    form = next(f.form for f in load_forms_or_raise(ROOT) if f.form.id == "lending-slip")
    shown = []
    folder = tmp_path / "data.yaml"
    folder.mkdir()  # a folder where the data file should be
    shown += read_records(folder, form).problems
    huge = tmp_path / "huge.csv"
    huge.write_text("unit\n\"" + "x" * 200_000 + "\"\n", encoding="utf-8")
    shown += read_records(huge, form).problems
    for problem in shown:
        assert "Is a directory" not in problem.message and "field limit" not in problem.message
    assert "文件夹" in shown[0].message and "过长" in shown[1].message

    path = tmp_path / "alpha.yaml"
    path.write_text(RULES.format(title="规则", short="规则", article="x", text="y").replace("seq: 1", "seq: 1e999")
                    + "source_page: .inf\n", encoding="utf-8")
    source, problems = parse_yaml(path, tmp_path)
    _, problems = validate(source, model.DOCUMENT)
    assert problems and not [p for p in problems if "Input should" in p.message or "finite" in p.message]


def test_impossible_date_is_a_chinese_error_at_its_place(tmp_path):
    path = tmp_path / "alpha.yaml"
    path.write_text(RULES.format(title="规则", short="规则", article="x", text="y")
                    + "history:\n  - date: 2019-02-30\n    change: 修订。\n", encoding="utf-8")
    source, problems = parse_yaml(path, tmp_path)
    assert not problems
    _, problems = validate(source, model.DOCUMENT)
    assert [(p.line, p.column) for p in problems] == [(14, 11)]
    assert "2019-02-30" in problems[0].message and "不是有效日期" in problems[0].message
    assert "out of range" not in problems[0].message


def test_an_unterminated_csv_quote_is_a_csv_error(tmp_path):
    from handbook.forms.definitions import load_forms_or_raise
    from handbook.forms.example import example_csv
    from handbook.forms.records import read_records

    form = next(f.form for f in load_forms_or_raise(ROOT) if f.form.id == "lending-slip")
    lines = example_csv(form).splitlines()
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join([lines[0], '"' + lines[1], lines[1]]) + "\n", encoding="utf-8")
    records = read_records(broken, form)
    messages = [p.message for p in records.problems]
    assert messages and all("CSV 格式错误" in m and "引号没有闭合" in m for m in messages), messages
    assert not [m for m in messages if "必填" in m]


def test_file_names_from_data_drop_bidi_and_format_characters():
    from handbook.forms.output import file_name

    name = file_name("{n:04d}-{unit}", 4, {"unit": "会议\u202egnp.exe"})
    assert name == "0004-会议gnp.exe.docx"
    assert file_name("{unit}", 1, {"unit": "a\u200bb\u2066c\u2069\ufeff"}) == "abc.docx"


def test_the_compendium_file_name_drops_format_characters():
    from handbook import urls

    compendium = model.Compendium.model_construct(title="汇编\u202excod.exe", edition="20\u200b19")
    assert urls.compendium_file(compendium) == "汇编xcod.exe-2019.docx"
