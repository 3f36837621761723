"""JSON Schema for editors, generated from the pydantic models (never written by hand).

`python3 build.py schema` writes schema/*.schema.json and the VS Code settings that
attach them to regulations/*.yaml and forms/*.yaml; a test fails when the files
in the repository no longer match what the models generate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel, TypeAdapter

from . import model

SCHEMA_DIR = "schema"
SETTINGS_FILE = ".vscode/settings.json"
DRAFT = "http://json-schema.org/draft-07/schema#"
SHORTCUT_HINT = "只有文字时可直接写成一行字符串"


@dataclass(frozen=True)
class SchemaFile:
    """One generated schema file and the YAML files it describes."""

    name: str  # file name under schema/
    title: str
    adapter: Callable[[], TypeAdapter | None]
    patterns: tuple[str, ...]  # yaml.schemas globs, relative to the project root ("!" excludes)

    @property
    def path(self) -> str:
        return f"{SCHEMA_DIR}/{self.name}"


def _form_adapter() -> TypeAdapter | None:
    try:
        from .forms.model import FORM
    except ImportError:
        return None
    return FORM


SCHEMA_FILES = (
    SchemaFile("document.schema.json", "区委办公室制度文件（regulations/*.yaml）", lambda: model.DOCUMENT,
               ("regulations/*.yaml", "!regulations/compendium.yaml")),
    SchemaFile("compendium.schema.json", "汇编（regulations/compendium.yaml）", lambda: model.COMPENDIUM,
               ("regulations/compendium.yaml",)),
    SchemaFile("form.schema.json", "表格（forms/*.yaml）", _form_adapter, ("forms/*.yaml",)),
    SchemaFile("synonyms.schema.json", "检索同义词（synonyms.yaml）", lambda: _synonyms_adapter(), ("synonyms.yaml",)),
)


def _synonyms_adapter() -> TypeAdapter:
    from .synonyms import SYNONYMS
    return SYNONYMS


def shortcut_models() -> set[str]:
    """Models that accept a plain string for {text: …}: those validated by model._text_shortcut."""
    names = set()
    for cls in vars(model).values():
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__module__ == model.__name__:
            validators = cls.__pydantic_decorators__.model_validators.values()
            if any(v.func is model._text_shortcut for v in validators):
                names.add(cls.__name__)
    return names


def generate(adapter: TypeAdapter, title: str) -> dict[str, Any]:
    schema = adapter.json_schema()
    schema.pop("discriminator", None)  # OpenAPI keyword; oneOf on the const `kind` already decides
    _tidy(schema)
    shortcuts = shortcut_models()
    for name, definition in schema.get("$defs", {}).items():
        if name in shortcuts:
            schema["$defs"][name] = _with_string_shortcut(definition)
    return {"$schema": DRAFT, "title": title, **schema}


def _with_string_shortcut(definition: dict[str, Any]) -> dict[str, Any]:
    text = definition["properties"]["text"]
    text_schema = next((b for b in text.get("anyOf", [text]) if b.get("type") == "string"), {"type": "string"})
    string = {**text_schema, "type": "string", "description": f"{SHORTCUT_HINT}（等同于 text: …）"}
    return {"description": definition.get("description", ""), "anyOf": [string, definition]}


def _tidy(node: Any) -> None:
    """Drop pydantic's English auto-titles and lift descriptions out of Optional[…] branches, for hover text."""
    if isinstance(node, list):
        for child in node:
            _tidy(child)
        return
    if not isinstance(node, dict):
        return
    properties = node.get("properties")
    if isinstance(properties, dict):
        for prop in properties.values():
            prop.pop("title", None)
            if "description" not in prop:
                described = [b["description"] for b in prop.get("anyOf", []) if "description" in b]
                if described:
                    prop["description"] = described[0]
    for child in node.values():
        _tidy(child)


def dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def active_files() -> list[tuple[SchemaFile, TypeAdapter]]:
    return [(f, adapter) for f in SCHEMA_FILES if (adapter := f.adapter()) is not None]


def settings_text(root: Path) -> str:
    """.vscode/settings.json with yaml.schemas set; any other settings already there are kept."""
    path = root / SETTINGS_FILE
    settings = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    settings["yaml.schemas"] = {f"./{f.path}": list(f.patterns) for f, _ in active_files()}
    return json.dumps(settings, ensure_ascii=False, indent=2) + "\n"


def expected_files(root: Path) -> dict[Path, str]:
    files = {root / f.path: dump(generate(adapter, f.title)) for f, adapter in active_files()}
    files[root / SETTINGS_FILE] = settings_text(root)
    return files


def stale_files(root: Path) -> list[Path]:
    """Generated files that are missing or differ from what the models produce now."""
    return [path for path, text in expected_files(root).items()
            if not path.exists() or path.read_text(encoding="utf-8") != text]


def write_schemas(root: Path) -> list[Path]:
    """Write every schema file and the editor settings; returns the files that changed."""
    changed = []
    for path, text in expected_files(root).items():
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed.append(path)
    return changed
