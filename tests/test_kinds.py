"""The kind table (handbook/kinds.py) is the one place a document kind is declared: it must match the schema."""

from typing import get_args

import pytest

from handbook import kinds, model
from handbook.paths import ROOT
from handbook.scaffold import available_kinds, scaffold_text


def test_every_kind_of_the_schema_has_exactly_one_row_and_no_row_is_extra():
    assert sorted(kinds.BY_NAME) == sorted(model.KINDS)
    assert len(kinds.TABLE) == len(kinds.BY_NAME)


def test_each_row_names_the_schema_class_that_accepts_its_kind():
    for kind in kinds.TABLE:
        assert kind.name in get_args(kind.schema.model_fields["kind"].annotation), kind.name
        assert kind.schema in get_args(get_args(model.Document)[0])


def test_each_row_names_a_page_template_that_exists():
    for kind in kinds.TABLE:
        assert (ROOT / "templates" / "pages" / kind.page_template).is_file(), kind.page_template


def test_every_kind_has_a_starter_body():
    assert available_kinds() == [kind.name for kind in kinds.TABLE]


@pytest.mark.parametrize("kind", [k.name for k in kinds.TABLE])
def test_a_starter_is_valid_yaml_of_its_kind(kind):
    from handbook.load import parse_yaml, validate

    text = scaffold_text(kind, "new-doc", "新文件", "中共X区委办公室", "综合", ["综合"], 99, ["lending-slip"])
    source, problems = parse_yaml(ROOT / "regulations" / "new-doc.yaml", ROOT, text=text)
    assert not problems
    doc, problems = validate(source, model.DOCUMENT)
    assert not problems and doc.kind == kind


def test_numbered_kinds_build_a_body_and_the_others_none():
    rules = model.RulesDocument.model_validate({
        "id": "r", "kind": "rules", "title": "规则", "issuer": "办公室", "category": "综合",
        "articles": ["第一条的文字。", "第二条的文字。"]})
    built = kinds.build_structure(rules)
    assert [e.label for e in built.body] == ["第一条", "第二条"]
    pending = model.PendingDocument.model_validate({
        "id": "p", "kind": "pending", "title": "待录入", "issuer": "办公室", "category": "综合"})
    assert kinds.build_structure(pending).body == []


def _anchored(structure):
    """Every element a link can land on (an article's leading clause and paragraphs land on their parent)."""
    from handbook.structure import landing

    return [element for element, parent in structure.with_parents() if landing(element, parent) is element]


def _docx_text(data: bytes) -> str:
    import io
    import re
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


@pytest.mark.parametrize("kind", [k.name for k in kinds.TABLE if k.name != "form"])  # form: needs the real forms
def test_a_starter_of_each_kind_goes_through_every_output(mini_project, tmp_path, kind):
    """A kind is finished when its document reaches the page (an anchor for everything a link can land on),
    plain text, the printed compendium and diff; a new kind (or element kind) missing in one of them fails here."""
    import html

    from handbook import diff, urls
    from handbook.outputs import OUTPUTS
    from handbook.outputs.base import Build, downloads, run_outputs, site_sources
    from handbook.pipeline import load_or_raise
    from handbook.render.plain import document_lines
    from handbook.scaffold import create

    create(mini_project, kind, "new-doc")
    handbook, _ = load_or_raise(mini_project)
    structure = handbook.index.structures["new-doc"]
    build = Build(handbook, mini_project, tmp_path / "build")
    page = run_outputs(build, site_sources(OUTPUTS))[urls.document_page("new-doc")]
    for element in _anchored(structure):  # an HTML id, or a Markdown heading's { #id }
        assert f'id="{element.id}"' in page or f"{{ #{element.id} " in page, (kind, element.kind, element.id)

    lines = document_lines(structure, handbook.index)
    assert lines[0] == structure.doc.title and all(line.strip() for line in lines), lines
    printed = _docx_text(run_outputs(build, downloads(OUTPUTS))[urls.compendium_download(handbook.compendium)])
    squeezed = "".join(html.unescape(printed).split())
    for line in lines[1:]:
        if line != structure.doc.flattened_text:  # a drawing or form is printed in its place
            assert "".join(line.split()) in squeezed, (kind, line)

    report = diff.format_text(diff.Version(None, {}), diff.Version(None, {"new-doc": structure}),
                              diff.compare(diff.Version(None, {}), diff.Version(None, {"new-doc": structure})))
    assert structure.doc.title in report
