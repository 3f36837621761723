"""Checks that need more than one value: ids, order, categories, keys and references."""

from __future__ import annotations

from typing import Any, Iterator

from . import model
from .errors import Problem
from .load import Source
from .refs import REF, Index, refs_in
from .structure import Structure


def check_documents(loaded: list[tuple[Source, model.DocumentBase]], compendium: model.Compendium | None,
                    comp_source: Source | None) -> list[Problem]:
    problems: list[Problem] = []
    if compendium is not None:
        problems += _unique_names(compendium, comp_source)
    seen_ids: dict[str, Source] = {}
    seen_seq: dict[int, Source] = {}
    for source, doc in loaded:
        problems += file_name_problems(source, doc.id, hint=f"把文件改名为 {doc.id}.yaml，或把 id 改为 {source.path.stem}")
        if doc.id in seen_ids:
            problems.append(source.problem(("id",), f"id「{doc.id}」与 {seen_ids[doc.id].shown} 重复"))
        seen_ids.setdefault(doc.id, source)
        if doc.seq is not None:
            if doc.seq in seen_seq:
                problems.append(source.problem(("seq",), f"序号 {doc.seq} 与 {seen_seq[doc.seq].shown} 重复"))
            seen_seq.setdefault(doc.seq, source)
        if compendium is not None and doc.category not in {c.name for c in compendium.categories}:
            problems.append(source.problem(("category",), f"类别「{doc.category}」不在汇编的类别中",
                                           hint="可用类别：" + "、".join(c.name for c in compendium.categories)))
    return problems


def file_name_problems(source: Source, id_: str, *, hint: str) -> list[Problem]:
    """A file is named after the id it holds (documents and forms alike)."""
    if source.path.stem == id_:
        return []
    return [source.problem(("id",), f"文件名「{source.path.name}」与 id「{id_}」不一致", hint=hint)]


def _unique_names(compendium: model.Compendium, source: Source | None) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for i, category in enumerate(compendium.categories):
        if category.name in seen and source is not None:
            problems.append(source.problem(("categories", i, "name"), f"类别「{category.name}」重复"))
        seen.add(category.name)
    return problems


def check_handbook(index: Index, pairs: list[tuple[Source, Structure]]) -> list[Problem]:
    problems: list[Problem] = []
    for source, structure in pairs:
        problems += _unique_keys(structure, source)
        problems += _references(index, structure.doc.id, source)
    return problems


def _unique_keys(structure: Structure, source: Source) -> list[Problem]:
    problems = []
    first: dict[str, tuple] = {}
    for element in structure.walk():
        if not element.key:
            continue
        if element.key in first:
            line, _ = source.where(first[element.key] + ("key",))
            problems.append(source.problem(element.loc + ("key",), f"键「{element.key}」重复（第 {line} 行已使用）"))
        else:
            first[element.key] = element.loc
    return problems


def strings(data: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every string in the raw YAML data with its location."""
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for name, value in data.items():
            yield from strings(value, loc + (name,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from strings(value, loc + (i,))


def _references(index: Index, doc_id: str, source: Source) -> list[Problem]:
    problems = []
    for loc, text in strings(source.data):
        problems += unresolved(index, source, loc, text, doc_id)
        if "[[" in text and text.count("[[") != len(REF.findall(text)):
            problems.append(source.problem(loc, "有未闭合或格式不对的引用「[[」",
                                           hint="引用写作 [[键]]、[[文件id#键]] 或 [[目标|显示文字]]"))
    return problems


def unresolved(index: Index, source: Source, loc: tuple, text: str, here: str) -> list[Problem]:
    """A problem for each reference in text (written in document `here`, "" outside any) that finds no target."""
    return [source.problem(loc, f"引用「[[{ref.target}]]」找不到目标", hint=_ref_hint(index, ref.target, here))
            for ref in refs_in(text) if index.resolve(ref, here) is None]


def _ref_hint(index: Index, target: str, here: str) -> str:
    doc_id, _, key = target.partition("#")
    if not here:  # outside a document there is no "this document" to name a key of
        return "写作 [[文件id]] 或 [[文件id#键]]；键需在目标处用 key: 定义"
    if key and doc_id not in index.structures:
        return f"没有 id 为「{doc_id}」的文件"
    return "引用写作 [[键]]（本文件）、[[文件id]] 或 [[文件id#键]]；键需在目标处用 key: 定义"
