"""The 编辑指南 page: every field editors may write, and every check, derived from the code.

Fields come from the same generated JSON Schema the editor uses (handbook.schema),
checks from the lint registry (handbook.lint.RULES), so this page cannot drift
from what `check` and the editor actually accept.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from .. import lint, urls
from ..schema import active_files, generate

GUIDE_PAGE = urls.GUIDE
TYPE_NAMES = {"string": "文字", "integer": "整数", "number": "数字", "boolean": "true / false",
              "object": "字段映射", "array": "列表", "null": "空"}
FORMAT_NAMES = {"date": "日期（如 2019-10-23）"}


@dataclass(frozen=True)
class FieldDoc:
    name: str
    type: str  # Markdown (may link to another model's section)
    required: bool
    default: str
    description: str


@dataclass(frozen=True)
class ModelDoc:
    name: str  # the definition name, used only for the anchor
    heading: str
    description: str
    fields: list[FieldDoc]
    shortcut: bool  # may be written as a plain string

    @property
    def anchor(self) -> str:
        return "field-" + self.name.lower()


@dataclass(frozen=True)
class FileDoc:
    title: str
    patterns: tuple[str, ...]
    models: list[ModelDoc]


def anchor_of(ref: str) -> str:
    return "field-" + ref.rsplit("/", 1)[-1].lower()


def _heading(name: str, schema: dict[str, Any], document_kind: bool) -> str:
    """The first phrase of the model's description; for a kind of file, the `kind:` that selects it."""
    description = schema.get("description") or ""
    phrase = re.split(r"[。：；]", description, maxsplit=1)[0].strip()
    kind = schema.get("properties", {}).get("kind", {}) if document_kind else {}
    kinds = [kind["const"]] if "const" in kind else kind.get("enum", [])
    suffix = f"（kind: {' / '.join(kinds)}）" if kinds else ""
    return (phrase or name) + suffix


def type_text(schema: dict[str, Any], headings: dict[str, str]) -> str:
    """A field's type in words, with links to the sections of nested models."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{headings.get(name, name)}](#{anchor_of(schema['$ref'])})"
    if "anyOf" in schema:
        branches = [b for b in schema["anyOf"] if b.get("type") != "null"]
        return " 或 ".join(type_text(b, headings) for b in branches)
    if "const" in schema:
        return f"固定为 `{schema['const']}`"
    if "enum" in schema:
        return "可选：" + " / ".join(f"`{v}`" for v in schema["enum"])
    if schema.get("type") == "array":
        return "列表，每项为" + type_text(schema.get("items", {}), headings)
    if schema.get("format") in FORMAT_NAMES:
        return FORMAT_NAMES[schema["format"]]
    return TYPE_NAMES.get(schema.get("type", ""), "任意")


def _default(schema: dict[str, Any]) -> str:
    value = schema.get("default")
    if value is None or value == [] or value == {}:
        return ""
    return "true" if value is True else "false" if value is False else str(value)


def _model_schema(definition: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The object schema of a definition, and whether a plain string may stand for it."""
    for branch in definition.get("anyOf", []):
        if branch.get("type") == "object":
            return branch, True
    return definition, False


def _referenced(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else []
        return found + [name for value in node.values() for name in _referenced(value)]
    if isinstance(node, list):
        return [name for value in node for name in _referenced(value)]
    return []


def file_models(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The models of one schema file: the root first, then nested ones in order of first mention."""
    definitions = dict(schema.get("$defs", {}))
    if "properties" in schema:
        definitions[schema["title"]] = schema
        queue = [schema["title"]]
    else:
        queue = list(dict.fromkeys(_referenced(schema.get("oneOf", []))))
    order: list[str] = []
    while queue:
        name = queue.pop(0)
        if name in order or name not in definitions:
            continue
        order.append(name)
        queue += _referenced(definitions[name].get("properties", {})) + _referenced(definitions[name].get("anyOf", []))
    return [(name, definitions[name]) for name in order]


def model_doc(name: str, definition: dict[str, Any], headings: dict[str, str]) -> ModelDoc:
    schema, shortcut = _model_schema(definition)
    required = set(schema.get("required", []))
    fields = [FieldDoc(field, type_text(prop, headings), field in required, _default(prop), prop.get("description", ""))
              for field, prop in schema.get("properties", {}).items()]
    return ModelDoc(name, headings[name], schema.get("description", ""), fields, shortcut)


def shared_fields(alternatives: list[ModelDoc], anchor_name: str) -> list[ModelDoc]:
    """Fields every alternative has alike, listed once ahead of the alternatives, which keep only their own."""
    if len(alternatives) < 2:
        return alternatives
    common = [f for f in alternatives[0].fields if all(f in other.fields for other in alternatives[1:])]
    if not common:
        return alternatives
    shared = ModelDoc(anchor_name, "各类共有的字段", "", common, False)
    return [shared] + [ModelDoc(m.name, m.heading, m.description, [f for f in m.fields if f not in common], m.shortcut)
                       for m in alternatives]


@functools.lru_cache(maxsize=1)  # the models do not change while the program runs (serve regenerates often)
def reference() -> list[FileDoc]:
    """Every kind of YAML file, with its models; a model shared by several files is described once."""
    files = []
    described: set[str] = set()
    for number, (schema_file, adapter) in enumerate(active_files(), start=1):
        schema = generate(adapter, schema_file.title)
        models = file_models(schema)
        roots = set(_referenced(schema.get("oneOf", [])))
        headings = {name: _heading(name, _model_schema(definition)[0], name in roots) for name, definition in models}
        docs = [model_doc(name, definition, headings) for name, definition in models if name not in described]
        docs = shared_fields([d for d in docs if d.name in roots], f"common-{number}") + \
            [d for d in docs if d.name not in roots]
        described.update(name for name, _ in models)
        files.append(FileDoc(schema_file.title, schema_file.patterns, docs))
    return files


def guide_page(env) -> str:
    """The Markdown of the 编辑指南 page, from templates/pages/editor_guide.md.j2."""
    return env.get_template("editor_guide.md.j2").render(files=reference(), rules=lint.RULES)
