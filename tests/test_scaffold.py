"""`python3 build.py new <kind> <id>` writes a document that passes `check` as it stands."""

from __future__ import annotations

import pytest

from handbook import cli, model
from handbook.errors import HandbookError
from handbook.scaffold import available_kinds, create
from handbook.sources import load_handbook


def test_every_kind_of_the_model_can_be_scaffolded():
    assert set(available_kinds()) == set(model.KINDS)


@pytest.mark.parametrize("kind", [k for k in model.KINDS if k != "form"])
def test_new_document_passes_check_without_warnings(mini_project, kind):
    path = create(mini_project, kind, f"new-{kind}")
    assert path == mini_project / "regulations" / f"new-{kind}.yaml"
    handbook, problems = load_handbook(mini_project)
    assert problems == []
    doc = next(d for d in handbook.documents if d.id == f"new-{kind}")
    assert doc.kind == kind
    assert doc.category == "议事决策"  # the compendium's first category
    assert doc.seq == 3  # after the two documents already in the contents


def test_new_form_entry_names_an_existing_form_and_passes_check(tmp_path, project_copy):
    project = project_copy(tmp_path / "project")
    path = create(project, "form", "new-form")
    assert "form: leave-approval" in path.read_text(encoding="utf-8")  # the first form of forms/
    handbook, problems = load_handbook(project)
    assert problems == []
    assert next(d for d in handbook.documents if d.id == "new-form").kind == "form"


def test_new_form_entry_needs_a_form(mini_project):
    with pytest.raises(HandbookError) as caught:
        create(mini_project, "form", "new-form")
    assert "还没有任何表格" in str(caught.value)


def test_scaffold_explains_fields_with_the_models_descriptions(mini_project):
    text = create(mini_project, "rules", "meeting-rules", title="会议规则", category="其他").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/document.schema.json\n")
    assert f"title: 会议规则    # {model.DocumentBase.model_fields['title'].description}" in text
    assert "category: 其他" in text and "可选：议事决策、其他" in text


def test_title_with_yaml_syntax_is_quoted(mini_project):
    create(mini_project, "pending", "odd-title", title="关于: 测试 # 的规定")
    handbook, _ = load_handbook(mini_project)
    assert next(d for d in handbook.documents if d.id == "odd-title").title == "关于: 测试 # 的规定"


@pytest.mark.parametrize("doc_id, category, expected", [
    ("alpha", None, "文件已存在"),
    ("Meeting", None, "格式不对"),
    ("index", None, "保留名称"),
    ("fine-id", "不存在的类别", "不在汇编的类别中"),
])
def test_refuses_what_would_not_check(mini_project, doc_id, category, expected):
    before = sorted(p.name for p in (mini_project / "regulations").iterdir())
    with pytest.raises(HandbookError) as raised:
        create(mini_project, "rules", doc_id, category=category)
    assert expected in str(raised.value)
    assert sorted(p.name for p in (mini_project / "regulations").iterdir()) == before


def test_new_command_then_strict_check(mini_project, monkeypatch, capsys):
    monkeypatch.setattr(cli, "ROOT", mini_project)
    assert cli.main(["new", "duties", "office-duties", "--title", "办公室职责"]) == 0
    assert "已创建 regulations/office-duties.yaml" in capsys.readouterr().out
    assert cli.main(["check", "--strict"]) == 0
    assert cli.main(["new", "duties", "office-duties"]) == 1
    assert "文件已存在" in capsys.readouterr().err
