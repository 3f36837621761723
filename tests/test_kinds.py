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
