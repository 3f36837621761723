"""The flow document kind: schema errors and the checks beyond it, each at file:line:column."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import TypeAdapter

from handbook.model import DOCUMENT
from handbook import flow, kinds
from handbook.flow import FlowDocument
from handbook.load import parse_yaml, validate
from handbook.refs import Index

FLOW = TypeAdapter(FlowDocument)

GOOD = """\
id: demo-flow
kind: flow
title: 测试流程图
issuer: 机关
category: 公文与会务
lanes: [秘书一室, 分管副主任]
nodes:
  - id: receive
    label: 签收
    kind: start
    lane: 秘书一室
    link: "[[rules-doc#sign]]"
  - id: check
    label: 是否符合规定
    kind: decision
  - id: return
    label: 退回来文单位
  - id: handle
    label: 承办
    lane: 分管副主任
  - id: archive
    label: 存档
    kind: end
edges:
  - {from: receive, to: check}
  - {from: check, to: return, label: 不符合}
  - {from: check, to: handle, label: 符合}
  - {from: handle, to: archive}
"""


def load(tmp_path: Path, text: str):
    path = tmp_path / "demo-flow.yaml"
    path.write_text(text, encoding="utf-8")
    source, problems = parse_yaml(path, tmp_path)
    assert not problems, problems
    doc, problems = validate(source, FLOW)
    return source, doc, problems


def checked(tmp_path: Path, text: str):
    source, doc, problems = load(tmp_path, text)
    assert doc is not None, [str(p) for p in problems]
    return flow.check(doc, source)


def only(problems):
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th line containing fragment."""
    found = [i for i, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return found[occurrence - 1]


def test_good_flow_has_no_problems(tmp_path):
    assert checked(tmp_path, GOOD) == []


def test_flow_is_a_document_kind():
    doc = DOCUMENT.validate_python({"id": "x", "kind": "flow", "title": "图", "issuer": "机关", "category": "类",
                                    "nodes": [{"id": "a", "label": "开始", "kind": "start"}]})
    assert isinstance(doc, FlowDocument)


def test_edge_to_unknown_node_points_at_the_edge(tmp_path):
    text = GOOD.replace("{from: handle, to: archive}", "{from: handle, to: archiv}")
    problem = [p for p in checked(tmp_path, text) if "archiv」" in p.message][0]
    assert problem.line == line_of(text, "to: archiv}")
    assert problem.column == text.splitlines()[problem.line - 1].index("archiv}") + 1
    assert "不是本图中的框" in problem.message and problem.hint == "是否应为「archive」？"


def test_unknown_edge_start(tmp_path):
    text = GOOD.replace("{from: receive, to: check}", "{from: recieve, to: check}")
    problems = checked(tmp_path, text)
    assert any("起点「recieve」" in p.message and p.line == line_of(text, "recieve") for p in problems)


def test_unreachable_node_points_at_its_id(tmp_path):
    text = GOOD.replace("  - {from: check, to: return, label: 不符合}\n", "")
    problem = only([p for p in checked(tmp_path, text) if p.severity == "error"])
    assert problem.message == "框「return」从开始框出发无法到达"
    assert (problem.line, problem.column) == (line_of(text, "id: return"), 9)
    assert problem.severity == "error"


def test_flow_without_start(tmp_path):
    text = GOOD.replace("    kind: start\n", "")
    problems = checked(tmp_path, text)
    assert problems[0].message == "流程图没有开始框（kind: start）"
    assert problems[0].line == line_of(text, "nodes:")
    # with no start nothing is "unreachable": one clear message, not one per node
    assert len([p for p in problems if p.severity == "error"]) == 1


def test_duplicate_node_id(tmp_path):
    text = GOOD.replace("id: return", "id: check")
    problems = [p for p in checked(tmp_path, text) if "重复" in p.message]
    problem = only(problems)
    assert problem.line == line_of(text, "id: check", 2)
    assert f"第 {line_of(text, 'id: check')} 行已使用" in problem.message


def test_lane_must_be_listed(tmp_path):
    text = GOOD.replace("lane: 分管副主任", "lane: 主任")
    problem = only(checked(tmp_path, text))
    assert problem.message == "泳道「主任」不在 lanes 中"
    assert problem.line == line_of(text, "lane: 主任")


def test_decision_with_one_way_out_is_a_warning(tmp_path):
    text = GOOD.replace("  - {from: check, to: handle, label: 符合}\n", "  - {from: return, to: handle}\n")
    problem = only(checked(tmp_path, text))
    assert problem.severity == "warning" and "判断框「check」" in problem.message


@pytest.mark.parametrize("old, new, fragment, expected", [
    ("kind: decision", "kind: diamond", "kind: diamond", "不是允许的值"),
    ("label: 承办", "lable: 承办", "lable", "未知字段「lable」"),
    ('link: "[[rules-doc#sign]]"', "link: rules-doc#sign", "link:", "应写成一个引用"),
    ("label: 存档", "label: 见[[rules-doc#sign]]存档", "label: 见", "框中文字不能写引用"),
    ("{from: handle, to: archive}", "{from: handle, too: archive}", "too:", "未知字段「too」"),
    ("id: handle", "id: Handle", "id: Handle", "格式不对"),
])
def test_schema_errors_in_chinese_at_their_line(tmp_path, old, new, fragment, expected):
    text = GOOD.replace(old, new)
    _, doc, problems = load(tmp_path, text)
    assert doc is None
    assert [p.line for p in problems if expected in p.message] == [line_of(text, fragment)], [str(p) for p in problems]


def test_no_nodes_is_a_schema_error(tmp_path):
    text = GOOD[:GOOD.index("nodes:")] + "nodes: []\n"
    _, doc, problems = load(tmp_path, text)
    assert doc is None and "至少需要 1 项" in only(problems).message


def test_unknown_parent_needs_the_index(tmp_path):
    text = GOOD.replace("lanes:", "parent: no-such-doc\nlanes:")
    source, doc, _ = load(tmp_path, text)
    problem = only(flow.check(doc, source, Index([kinds.build_structure(doc)])))
    assert problem.message == "所属文件「no-such-doc」不存在" and problem.line == line_of(text, "parent:")


def rules_index(doc: FlowDocument) -> Index:
    rules = DOCUMENT.validate_python({
        "id": "rules-doc", "kind": "rules", "title": "公文管理制度", "issuer": "机关", "category": "类",
        "articles": ["第一条文字。", {"key": "sign", "text": "签收的规定。"}]})
    return Index([kinds.build_structure(rules), kinds.build_structure(doc)])


def test_links_become_relative_page_urls(tmp_path):
    _, doc, _ = load(tmp_path, GOOD)
    receive = doc.nodes[0]
    assert flow.link_href(receive) == "./rules-doc.html#sign"
    assert flow.link_href(receive, rules_index(doc), doc.id) == "./rules-doc.html#sign"
    whole = receive.model_copy(update={"link": "[[rules-doc]]"})
    assert flow.link_href(whole, rules_index(doc), doc.id) == "./rules-doc.html"
    missing = receive.model_copy(update={"link": "[[rules-doc#nothing]]"})
    assert flow.link_href(missing, rules_index(doc), doc.id) is None
    public = Index(list(rules_index(doc).structures.values()), excluded=frozenset({"rules-doc"}))
    assert flow.link_href(receive, public, doc.id) is None  # an edition without the target: no link


def test_steps_follow_the_listed_order_with_their_ways_out(tmp_path):
    _, doc, _ = load(tmp_path, GOOD)
    steps = flow.steps(doc, rules_index(doc))
    assert [s.node.label for s in steps] == ["签收", "是否符合规定", "退回来文单位", "承办", "存档"]
    assert steps[0].link_words == "《公文管理制度》第二条" and steps[0].href == "./rules-doc.html#sign"
    assert steps[1].next == [("不符合", 3), ("符合", 4)]
    assert steps[4].next == []


def test_backlinks_map_articles_to_the_flows_drawing_them(tmp_path):
    text = GOOD.replace("lanes:", 'describes: ["[[rules-doc#sign]]"]\nlanes:')
    _, doc, _ = load(tmp_path, text)
    assert flow.backlinks([doc], rules_index(doc)) == {("rules-doc", "sign"): [doc]}
