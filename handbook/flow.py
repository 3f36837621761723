"""The `flow` document kind: what a schema cannot say about a flowchart, and its steps in reading order.

The schema (FlowDocument, FlowNode, FlowEdge) is part of the document model in model.py;
`check` adds what a schema cannot say (every edge names a node, every node is reachable
from a start …), pointing each problem at file:line:column.
"""

from __future__ import annotations

import difflib
from collections import deque
from dataclasses import dataclass, field

from . import urls
from .errors import Problem
from .load import Source
from .model import FlowDocument, FlowEdge, FlowNode, NodeKind  # noqa: F401  (the schema, re-exported)
from .ref_syntax import REF, Ref
from .refs import Index


def as_ref(value: str) -> Ref:
    match = REF.fullmatch(value.strip())
    assert match is not None  # the model only accepts single references
    return Ref(match.group(1).strip(), match.group(2))


def check(doc: FlowDocument, source: Source, index: Index | None = None) -> list[Problem]:
    """Problems a schema cannot find: duplicate ids, unknown nodes in edges, no start, unreachable nodes,
    lanes, and (given the index) an unknown parent. Links are references, checked with all the others."""
    problems = _duplicates(doc, source) + _edges(doc, source) + _reachability(doc, source) + _lanes(doc, source)
    problems += _shape_warnings(doc, source)
    if index is not None and doc.parent is not None and doc.parent not in index.structures:
        problems.append(source.problem(("parent",), f"所属文件「{doc.parent}」不存在"))
    return problems


def _edges(doc: FlowDocument, source: Source) -> list[Problem]:
    problems = []
    ids = {n.id for n in doc.nodes}
    for i, edge in enumerate(doc.edges):
        for end, name, words in ((edge.from_, "from", "起点"), (edge.to, "to", "终点")):
            if end not in ids:
                close = difflib.get_close_matches(end, sorted(ids), n=1)
                problems.append(source.problem(("edges", i, name), f"箭头的{words}「{end}」不是本图中的框",
                                               hint=f"是否应为「{close[0]}」？" if close else None))
    return problems


def _reachability(doc: FlowDocument, source: Source) -> list[Problem]:
    if not any(n.kind == "start" for n in doc.nodes):
        return [source.problem(("nodes",), "流程图没有开始框（kind: start）", key=True,
                               hint="把第一个框的 kind 设为 start")]
    reached = reachable(doc)
    return [source.problem(("nodes", i, "id"), f"框「{node.id}」从开始框出发无法到达",
                           hint="添加一条指向它的箭头（edges），或删除这个框")
            for i, node in enumerate(doc.nodes) if node.id not in reached]


def _shape_warnings(doc: FlowDocument, source: Source) -> list[Problem]:
    problems = []
    for i, node in enumerate(doc.nodes):
        leaving = sum(e.from_ == node.id for e in doc.edges)
        if node.kind == "end" and leaving:
            problems.append(source.problem(("nodes", i, "kind"), f"结束框「{node.id}」不应再有向外的箭头", severity="warning"))
        if node.kind == "decision" and leaving < 2:
            problems.append(source.problem(("nodes", i, "kind"), f"判断框「{node.id}」应至少有两条向外的箭头", severity="warning"))
    return problems


def _duplicates(doc: FlowDocument, source: Source) -> list[Problem]:
    problems = []
    first: dict[str, int] = {}
    for i, node in enumerate(doc.nodes):
        if node.id in first:
            line, _ = source.where(("nodes", first[node.id], "id"))
            problems.append(source.problem(("nodes", i, "id"), f"框的 id「{node.id}」重复（第 {line} 行已使用）"))
        first.setdefault(node.id, i)
    return problems


def _lanes(doc: FlowDocument, source: Source) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for i, lane in enumerate(doc.lanes):
        if lane in seen:
            problems.append(source.problem(("lanes", i), f"泳道「{lane}」重复"))
        seen.add(lane)
    for i, node in enumerate(doc.nodes):
        if node.lane is not None and doc.lanes and node.lane not in seen:
            problems.append(source.problem(("nodes", i, "lane"), f"泳道「{node.lane}」不在 lanes 中",
                                           hint="可用泳道：" + "、".join(doc.lanes)))
    return problems


def reachable(doc: FlowDocument) -> set[str]:
    """Ids of the nodes reachable from any start node along the edges."""
    following: dict[str, list[str]] = {}
    for edge in doc.edges:
        following.setdefault(edge.from_, []).append(edge.to)
    queue = deque(n.id for n in doc.nodes if n.kind == "start")
    seen = set(queue)
    while queue:
        for nxt in following.get(queue.popleft(), []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def backlinks(flows: list[FlowDocument], index: Index) -> dict[tuple[str, str | None], list[FlowDocument]]:
    """(document id, anchor or None) → the flows that draw the procedure found there (from `describes`)."""
    found: dict[tuple[str, str | None], list[FlowDocument]] = {}
    for doc in flows:
        for text in doc.describes:
            target = index.resolve(as_ref(text), doc.id)
            if target is not None:
                found.setdefault((target.doc_id, target.anchor), []).append(doc)
    return found


def link_ref(node: FlowNode) -> Ref | None:
    return None if node.link is None else as_ref(node.link)


def link_href(node: FlowNode, index: Index | None = None, here: str = "") -> str | None:
    """The node's link as a page-relative URL (./doc.html#anchor), for flat site pages;
    None when the target is missing or left out of the edition being built."""
    ref = link_ref(node)
    if ref is None:
        return None
    if index is not None:
        target = index.resolve(ref, here)
        if target is None or not index.is_published(target.doc_id):
            return None
        return "./" + target.url
    page, _, anchor = ref.target.partition("#")
    return "./" + urls.document(page, anchor or None)


@dataclass
class Step:
    """One node as a line of the text list under the diagram."""

    number: int
    node: FlowNode
    href: str | None
    link_words: str | None  # what the link points at, in words (《…》第八条)
    next: list[tuple[str | None, int]] = field(default_factory=list)  # (edge label, step number)


def steps(doc: FlowDocument, index: Index | None = None) -> list[Step]:
    """The nodes in reading order (as listed), each with where it leads."""
    numbers = {n.id: i for i, n in enumerate(doc.nodes, start=1)}
    out = []
    for number, node in enumerate(doc.nodes, start=1):
        ref = link_ref(node)
        words = index.words(ref, doc.id) if (ref and index) else (ref.words or ref.target if ref else None)
        step = Step(number, node, link_href(node, index, doc.id), words)
        step.next = [(e.label, numbers[e.to]) for e in doc.edges if e.from_ == node.id and e.to in numbers]
        out.append(step)
    return out
