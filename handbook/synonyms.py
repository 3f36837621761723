"""Search synonyms the office maintains as data: the words staff type → the words the rules use.

synonyms.yaml (project root) is validated by the schema generated from the model
here (schema/synonyms.schema.json); the search engine applies it at query time
(search-engine.js, through search/core.js). `check` warns about a synonym whose
target occurs nowhere in the handbook: it could never find anything.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import Field, TypeAdapter

from .errors import HandbookError, Problem
from .load import parse_yaml, validate
from .model import Strict

SYNONYMS_FILE = "synonyms.yaml"


class Synonym(Strict):
    """一条检索同义词：同事可能输入的词，以及制度中相应的用词。"""

    word: str = Field(min_length=1, description="同事在搜索框中可能输入的词，如 公车")
    means: list[str] = Field(min_length=1, description="制度中使用的词，如 公务用车；搜索该词时一并查找这些词，并在结果中标出")


class Synonyms(Strict):
    """检索同义词表（synonyms.yaml）：搜索时把左边的词也按右边的词查找。"""

    synonyms: list[Synonym] = Field(default_factory=list, description="同义词，每条一个 word 和它对应的 means")


SYNONYMS = TypeAdapter(Synonyms)


def read(root: Path) -> tuple[Synonyms | None, object, list[Problem]]:
    path = root / SYNONYMS_FILE
    if not path.is_file():
        return Synonyms(), None, []
    source, problems = parse_yaml(path, root)
    if problems:
        return None, source, problems
    data, problems = validate(source, SYNONYMS)
    return data, source, problems


def handbook_text(handbook) -> str:
    """Everything the search index can hold, as one string (documents with references in words, forms)."""
    from .refs import plain_text

    parts = []
    for structure in handbook.structures:
        doc = structure.doc

        def words(ref, doc_id=doc.id):
            return handbook.index.words(ref, doc_id)

        def walk(elements):
            for element in elements:
                parts.extend([element.label or "", plain_text(element.title or "", words),
                              plain_text(element.text or "", words)])
                walk(element.children)

        parts.append(doc.title)
        parts += [plain_text(p, words) for p in list(doc.preamble) + list(doc.closing)]
        walk(structure.body)
    parts += [json.dumps(f.form.model_dump(mode="json"), ensure_ascii=False) for f in handbook.forms]
    return "\n".join(parts)


def synonym_problems(root: Path, handbook) -> list[Problem]:
    """Errors in synonyms.yaml, and a warning for every target that occurs nowhere in the handbook."""
    data, source, problems = read(root)
    if data is None or source is None or handbook is None:
        return problems
    text = handbook_text(handbook)
    for number, synonym in enumerate(data.synonyms):
        for place, target in enumerate(synonym.means):
            if target not in text:
                problems.append(source.problem(("synonyms", number, "means", place),
                                               f"同义词「{synonym.word}」对应的「{target}」在手册中没有出现，搜索时找不到任何内容",
                                               severity="warning", hint="请改成制度原文中的用词，或删去这一项"))
    return problems


def load_synonyms(root: Path) -> dict[str, list[str]]:
    """word → targets, for the search index; a broken file stops the build with its problems."""
    data, _, problems = read(root)
    errors = [p for p in problems if p.severity == "error"]
    if errors or data is None:
        raise HandbookError(errors)
    merged: dict[str, list[str]] = {}
    for synonym in data.synonyms:
        merged.setdefault(synonym.word, [])
        merged[synonym.word] += [t for t in synonym.means if t not in merged[synonym.word]]
    return merged
