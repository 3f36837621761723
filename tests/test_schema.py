"""The JSON Schema for editors: generated from the model, committed fresh, and it means what the model means."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from handbook import schema
from handbook.render.guide import guide_page, reference
from handbook.lint import RULES
from handbook.render.pages import PageRenderer
from handbook.sources import load_handbook

ROOT = Path(__file__).resolve().parent.parent
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.M)


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server sees it (YAML 1.2: 2019-10-23 is a string, not a date)."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def committed(name: str) -> dict:
    return json.loads((ROOT / "schema" / name).read_text(encoding="utf-8"))


def validator(name: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(committed(name), format_checker=jsonschema.FormatChecker())


def errors(name: str, data) -> list[str]:
    found = list(validator(name).iter_errors(data))
    best = jsonschema.exceptions.best_match(found)
    return [f"{'/'.join(map(str, best.absolute_path))}: {best.message[:300]}"] if best else []


def schema_for(path: Path) -> str:
    return "compendium.schema.json" if path.name == "compendium.yaml" else (
        "form.schema.json" if path.parent.name == "forms" else "document.schema.json")


def test_committed_schema_is_fresh():
    stale = [str(p.relative_to(ROOT)) for p in schema.stale_files(ROOT)]
    assert stale == [], f"已过期，请运行 python3 build.py schema：{stale}"


def test_stale_file_is_detected_and_rewritten(tmp_path):
    assert {p.relative_to(tmp_path).as_posix() for p in schema.write_schemas(tmp_path)} == {
        "schema/document.schema.json", "schema/compendium.schema.json", "schema/form.schema.json",
        "schema/synonyms.schema.json", ".vscode/settings.json"}
    assert schema.stale_files(tmp_path) == []
    target = tmp_path / "schema" / "document.schema.json"
    target.write_text(target.read_text(encoding="utf-8").replace("文件全称", "文件名称"), encoding="utf-8")
    assert schema.stale_files(tmp_path) == [target]
    assert schema.write_schemas(tmp_path) == [target]
    assert schema.stale_files(tmp_path) == []


def test_other_editor_settings_are_kept(tmp_path):
    (tmp_path / ".vscode").mkdir()
    (tmp_path / ".vscode" / "settings.json").write_text('{"editor.tabSize": 2}', encoding="utf-8")
    schema.write_schemas(tmp_path)
    settings = json.loads((tmp_path / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["editor.tabSize"] == 2
    assert "./schema/document.schema.json" in settings["yaml.schemas"]


def test_string_shortcuts_are_string_or_object():
    assert schema.shortcut_models() == {"Node", "Clause", "Article"}
    definitions = committed("document.schema.json")["$defs"]
    for name in ("Node", "Clause", "Article"):
        branches = definitions[name]["anyOf"]
        assert [b["type"] for b in branches] == ["string", "object"], name
        assert "text" in branches[1]["properties"]
    assert "anyOf" not in definitions["Chapter"]


def test_descriptions_are_the_models_chinese_descriptions():
    definitions = committed("document.schema.json")["$defs"]
    rules = definitions["RulesDocument"]["properties"]
    assert rules["title"]["description"] == "文件全称"
    assert rules["reviewed"]["description"] == "最后审核日期"
    article = definitions["Article"]["anyOf"][1]["properties"]
    assert article["key"]["description"].startswith("锚点键")  # lifted out of Optional[…] for hover text
    assert "title" not in article["key"]  # no English auto-titles
    assert committed("compendium.schema.json")["properties"]["edition"]["description"] == "版本，如 2019"


@pytest.mark.parametrize("path", sorted((ROOT / "regulations").glob("*.yaml")) + sorted((ROOT / "forms").glob("*.yaml")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_file_is_valid_under_its_schema(path):
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader)
    assert errors(schema_for(path), data) == []


GOOD = {"id": "demo", "title": "测试规则", "issuer": "机关", "category": "议事决策", "kind": "rules",
        "chapters": [{"title": "总则", "articles": ["只有文字的一条。", {"key": "quorum", "text": "带键的一条。"},
                                                   {"clauses": ["第一款。", {"text": "第二款：", "items": ["项。"]}]}]}]}


def with_change(path: tuple, value):
    data = json.loads(json.dumps(GOOD, ensure_ascii=False))
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


def test_schema_accepts_what_the_model_accepts():
    assert errors("document.schema.json", GOOD) == []
    assert errors("document.schema.json", with_change(("issued",), "2019-10-23")) == []


@pytest.mark.parametrize("path, value", [
    (("chapters", 0, "artcles"), []),  # unknown field
    (("kind",), "rule"),  # not a kind
    (("chapters", 0, "articles", 1, "key"), "Quorum"),  # key pattern
    (("chapters", 0, "articles", 0), 5),  # neither text nor an article
    (("issued",), "2019年10月"),  # not a date
    (("status",), "有效"),  # not a status
])
def test_schema_rejects_what_the_model_rejects(path, value):
    assert errors("document.schema.json", with_change(path, value)) != []


def _matches(patterns: list[str], name: str) -> bool:
    included = any(fnmatch.fnmatch(name, p) for p in patterns if not p.startswith("!"))
    return included and not any(fnmatch.fnmatch(name, p[1:]) for p in patterns if p.startswith("!"))


def test_editor_settings_attach_exactly_one_schema_to_every_file():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    for schema_path in settings:
        assert (ROOT / schema_path).is_file(), schema_path
    files = sorted((ROOT / "regulations").glob("*.yaml")) + sorted((ROOT / "forms").glob("*.yaml"))
    assert files
    for path in files:
        name = path.relative_to(ROOT).as_posix()
        attached = [s for s, patterns in settings.items() if _matches(patterns, name)]
        assert attached == [f"./schema/{schema_for(path)}"], name


def test_modelines_name_the_right_schema():
    for path in sorted((ROOT / "regulations").glob("*.yaml")) + sorted((ROOT / "forms").glob("*.yaml")):
        found = MODELINE.search(path.read_text(encoding="utf-8"))
        if found:
            target = (path.parent / found.group(1)).resolve()
            assert target == (ROOT / "schema" / schema_for(path)).resolve(), path.name


def test_field_reference_lists_every_field_and_check(mini_project):
    handbook, _ = load_handbook(mini_project)
    page = guide_page(PageRenderer(handbook, mini_project / "templates" / "pages").env)
    for name in ("Article", "RulesDocument", "Compendium", "FormField"):
        assert f"{{ #field-{name.lower()} }}" in page
    article = committed("document.schema.json")["$defs"]["Article"]["anyOf"][1]
    for field in article["properties"]:
        assert f"| `{field}` |" in page
    assert "本条有多款时逐款列出" in page  # a description, taken from the model
    for rule in RULES:
        assert f"| `{rule.code}` |" in page
    described = [m.name for f in reference() for m in f.models]
    assert len(described) == len(set(described))  # each model once, however many files use it
