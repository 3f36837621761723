"""The real flowcharts rendered: seed text complete, labels inside their boxes, links landing on articles,
identical output every time, and a cache that skips unchanged flows."""

from __future__ import annotations

import base64
import html
import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest

from handbook import d2
from handbook.flow import FlowDocument
from handbook.render import flowcharts

SVG = "{http://www.w3.org/2000/svg}"
SEED_FLOWS = {  # table-of-contents number → id; the seed keeps the text of all but the overview (9)
    5: "outgoing-document-flow", 6: "incoming-document-flow", 9: "meeting-services-flow",
    10: "standing-committee-meeting-flow", 11: "district-conference-flow", 12: "teleconference-flow",
    13: "secretary-topic-meeting-flow",
}
PROSE_FLOWS = {  # flows drawn from procedures the prose defines step by step
    "supervision-decision-flow": "supervision-rules#supervision-procedure",
    "supervision-special-flow": "supervision-rules#special-handling-procedure",
    "drafting-procedure-flow": "drafting-rules#drafting-procedure",
}


@pytest.fixture(scope="module")
def flows(handbook):
    return [s.doc for s in handbook.structures if s.doc.kind == "flow"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def rendered(handbook, flows, tmp_path_factory, cache):
    out = tmp_path_factory.mktemp("flows")
    return flowcharts.render_all(flows, out, index=handbook.index, cache_dir=cache)


@pytest.fixture(scope="module")
def images(rendered, tmp_path_factory, cache):
    """The PNGs of the drawings, made as the build makes them: in worker processes."""
    svgs = {flow_id: result.svg_path for flow_id, result in rendered.items()}
    return flowcharts.rasterise_all(svgs, tmp_path_factory.mktemp("images"), cache_dir=cache)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def svg_tree(path: Path) -> ET.Element:
    return ET.fromstring(path.read_bytes())


def text_of(element: ET.Element) -> str:
    return squeeze(html.unescape("".join(element.itertext())))


def named_groups(tree: ET.Element) -> dict[str, ET.Element]:
    """D2 names each shape's group by the base64 of its full id (lane1.sign inside a lane)."""
    groups = {}
    for group in tree.iter(f"{SVG}g"):
        name = (group.get("class") or "").split(" ")[0]
        try:
            groups[base64.b64decode(name, validate=True).decode("utf-8")] = group
        except (ValueError, UnicodeDecodeError):
            continue
    return groups


def node_groups(tree: ET.Element) -> dict[str, ET.Element]:
    return {name.rsplit(".", 1)[-1]: group for name, group in named_groups(tree).items()}


def test_all_flowcharts_exist_as_flow_documents(flows):
    by_id = {doc.id: doc for doc in flows}
    assert set(SEED_FLOWS.values()) | set(PROSE_FLOWS) <= set(by_id)
    for seq, flow_id in SEED_FLOWS.items():
        assert by_id[flow_id].seq == seq
    for flow_id, target in PROSE_FLOWS.items():
        doc = by_id[flow_id]
        assert doc.seq is None and doc.parent == target.split("#")[0]
        assert doc.describes == [f"[[{target}]]"]


def test_every_flow_is_clean(handbook, flows):
    from handbook import flow

    for doc in flows:
        problems = flow.check(doc, handbook.sources[doc.id], handbook.index)
        assert problems == [], "\n".join(str(p) for p in problems)


@pytest.mark.parametrize("flow_id", [i for i in SEED_FLOWS.values() if i != "meeting-services-flow"])
def test_seed_text_is_split_into_the_flows_labels_exactly(flows, flow_id):
    """Every piece of the seed's flattened text is one label (or edge label), none invented, none left over."""
    doc = next(d for d in flows if d.id == flow_id)
    labels = [n.label for n in doc.nodes] + [e.label for e in doc.edges if e.label]
    rest = squeeze(doc.source_text)
    for label in sorted(labels, key=len, reverse=True):
        assert squeeze(label) in rest, f"{flow_id}：「{label}」不在原件文字中（或出现次数多于原件）"
        rest = rest.replace(squeeze(label), "|", 1)
    assert rest.replace("|", "") == "", f"{flow_id}：原件文字未用上：{rest}"


@pytest.mark.parametrize("flow_id, target", sorted(PROSE_FLOWS.items()))
def test_prose_procedure_steps_are_all_drawn(handbook, flows, flow_id, target):
    doc_id, key = target.split("#")
    section = handbook.index.structures[doc_id].keyed()[key]
    steps = [squeeze(e.title or e.text or "").rstrip("。：") for e in section.walk()
             if e is not section and e.kind in ("item", "paragraph")]
    labels = {squeeze(n.label) for n in next(d for d in flows if d.id == flow_id).nodes}
    assert steps and set(steps) <= labels, f"{flow_id} 缺少：{set(steps) - labels}"


def test_every_label_is_in_the_svg_as_text(flows, rendered):
    for doc in flows:
        tree = svg_tree(rendered[doc.id].svg_path)
        groups = node_groups(tree)
        for node in doc.nodes:
            text = groups[node.id].find(f"{SVG}text")
            assert text_of(text) == squeeze(node.label), f"{doc.id}/{node.id}"
        texts = {text_of(t) for t in tree.iter(f"{SVG}text")}
        for edge in doc.edges:
            assert edge.label is None or squeeze(edge.label) in texts, f"{doc.id}：箭头文字「{edge.label}」"


def glyph_width(line: str) -> float:
    """Width in em: Chinese characters and punctuation are 1 em in the bundled font; Latin letters and
    digits are under 0.6 em."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.6 for ch in line)


def text_box(text: ET.Element) -> tuple[float, float, float, float]:
    """left, top, right, bottom of a centred (multi-line) label."""
    size = float(re.search(r"font-size:([\d.]+)px", text.get("style")).group(1))
    x, baseline = float(text.get("x")), float(text.get("y"))
    spans = text.findall(f"{SVG}tspan") or [text]
    lines = []
    for span in spans:
        baseline += float(span.get("dy", 0))
        lines.append((squeeze(span.text or ""), baseline))
    half = max(glyph_width(line) for line, _ in lines) * size / 2
    return x - half, lines[0][1] - 0.88 * size, x + half, lines[-1][1] + 0.12 * size


def shape_outline(group: ET.Element):
    """(kind, centre x, centre y, half width, half height) of the innermost outline of a node's shape."""
    shape = group.find(f"{SVG}g[@class='shape']")
    ellipse = shape.find(f"{SVG}ellipse")
    if ellipse is not None:
        return ("oval", *(float(ellipse.get(a)) for a in ("cx", "cy", "rx", "ry")))
    rects = shape.findall(f"{SVG}rect")
    if rects:
        r = min(rects, key=lambda r: float(r.get("width")))  # a double border: the inner one
        x, y, w, h = (float(r.get(a)) for a in ("x", "y", "width", "height"))
        return "box", x + w / 2, y + h / 2, w / 2, h / 2
    numbers = [float(n) for n in re.findall(r"-?[\d.]+", shape.find(f"{SVG}path").get("d"))]
    xs, ys = numbers[0::2], numbers[1::2]
    kind = "diamond" if group.get("class", "").endswith("decision") else "box"
    return kind, (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, (max(xs) - min(xs)) / 2, (max(ys) - min(ys)) / 2


def inside(outline, point) -> bool:
    kind, cx, cy, hw, hh = outline
    dx, dy = abs(point[0] - cx) / hw, abs(point[1] - cy) / hh
    if kind == "oval":
        return math.hypot(dx, dy) <= 1
    if kind == "diamond":
        return dx + dy <= 1
    return dx <= 1 and dy <= 1


def assert_labels_fit(doc, svg_path: Path) -> int:
    groups = node_groups(svg_tree(svg_path))
    for node in doc.nodes:
        group = groups[node.id]
        left, top, right, bottom = text_box(group.find(f"{SVG}text"))
        outline = shape_outline(group)
        corners = [(left, top), (right, top), (left, bottom), (right, bottom)]
        assert all(inside(outline, c) for c in corners), f"{doc.id}/{node.id}：文字超出{outline[0]}框 {outline}"
    return len(doc.nodes)


def test_every_label_fits_its_box(flows, rendered):
    checked = sum(assert_labels_fit(doc, rendered[doc.id].svg_path) for doc in flows)
    assert checked == sum(len(doc.nodes) for doc in flows)


def test_lanes_group_their_boxes(tmp_path):
    doc = FlowDocument.model_validate({
        "id": "lane-demo", "kind": "flow", "title": "泳道示例", "issuer": "机关", "category": "公文与会务",
        "lanes": ["秘书一室", "分管副主任"],
        "nodes": [{"id": "sign", "label": "签收登记", "kind": "start", "lane": "秘书一室"},
                  {"id": "review", "label": "提出拟办意见并报区委办公室主任阅示", "lane": "分管副主任"},
                  {"id": "done", "label": "存档", "kind": "end", "lane": "秘书一室"}],
        "edges": [{"from": "sign", "to": "review"}, {"from": "review", "to": "done"}]})
    result = flowcharts.render_all([doc], tmp_path / "out", cache_dir=tmp_path / "cache")[doc.id]
    tree = svg_tree(result.svg_path)
    assert {"lane1", "lane2", "lane1.sign", "lane2.review", "lane1.done"} <= set(named_groups(tree))
    assert {"秘书一室", "分管副主任"} <= {text_of(t) for t in tree.iter(f"{SVG}text")}
    assert assert_labels_fit(doc, result.svg_path) == 3


def test_wrapped_lines_stay_within_the_chosen_width():
    label = "秘书一室提交区委办分管领导审批，分管领导根据文件内容提出拟送单位和领导同志初步意见，并经区委办主管领导审核"
    lines = flowcharts.wrap(label, 14)
    assert "".join(lines) == label
    assert all(flowcharts.text_width(line) <= 14 for line in lines)
    assert not any(line[0] in "，。、；：）》" for line in lines)
    assert max(map(flowcharts.text_width, lines)) - min(map(flowcharts.text_width, lines[:-1])) <= 4
    assert any("30" in line for line in flowcharts.wrap("秘书二室提前30分钟到会场", 3))  # numbers stay whole


def test_node_links_land_on_existing_articles(handbook, flows, rendered):
    anchors = {doc_id: {a for e in s.walk() for a in e.anchors} for doc_id, s in handbook.index.structures.items()}
    for doc in flows:
        svg = rendered[doc.id].svg_path.read_text(encoding="utf-8")
        hrefs = re.findall(r'<a href="([^"]*)"', svg)
        assert len(hrefs) == sum(n.link is not None for n in doc.nodes), doc.id
        for href in hrefs:
            match = re.fullmatch(r"\./([a-z0-9-]+)\.html(?:#([a-z0-9-]+))?", href)
            assert match, f"{doc.id}：链接应是相对页面地址：{href}"
            page, anchor = match.groups()
            assert page in anchors, f"{doc.id}：{href} 指向不存在的页面"
            assert anchor is None or anchor in anchors[page], f"{doc.id}：{href} 指向不存在的条款"


def test_each_linked_box_is_wrapped_in_its_link(handbook, flows, rendered):
    doc = next(d for d in flows if d.id == "supervision-decision-flow")
    svg = rendered[doc.id].svg_path.read_text(encoding="utf-8")
    for node in doc.nodes:
        name = base64.b64encode(node.id.encode()).decode()
        assert re.search(rf'<a href="\./supervision-rules\.html#supervision-procedure"[^>]*><g class="{name} ', svg)


def test_nothing_is_fetched_from_elsewhere(rendered):
    for result in rendered.values():
        svg = result.svg_path.read_text(encoding="utf-8")
        assert not re.search(r'(?:href|src)="(?!\./|#|data:)', svg)
        assert not re.search(r"url\((?!\"?data:|#)", svg)


def test_pngs_are_200_dpi_renditions_of_the_svg(rendered, images):
    assert images.keys() == rendered.keys()
    for flow_id, result in rendered.items():
        width, height, dpi = d2.png_size(images[flow_id].read_bytes())
        view = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', result.svg_path.read_text(encoding="utf-8"))
        assert dpi == 200
        assert abs(width - float(view.group(1)) * 200 / 96) <= 1 and abs(height - float(view.group(2)) * 200 / 96) <= 1


def test_the_worker_processes_make_the_pngs_this_process_would(rendered, images, tmp_path):
    flow_id = "teleconference-flow"
    here = flowcharts.rasterise_all({flow_id: rendered[flow_id].svg_path}, tmp_path / "out",
                                    cache_dir=tmp_path / "cache", workers=1)
    assert here[flow_id].read_bytes() == images[flow_id].read_bytes()
    folder = tmp_path / "流程 图"  # the files' names reach the workers intact, whatever the system's encoding
    (folder / "in").mkdir(parents=True)
    svg = folder / "in" / "电视 电话.svg"
    svg.write_bytes(rendered[flow_id].svg_path.read_bytes())
    there = flowcharts.rasterise_all({flow_id: svg, "copy": svg}, folder / "out", cache_dir=folder / "缓存")
    assert there[flow_id].read_bytes() == there["copy"].read_bytes() == images[flow_id].read_bytes()


def test_a_failing_worker_process_is_reported_in_chinese(tmp_path):
    broken = tmp_path / "broken.svg"
    broken.write_bytes(b"<svg")  # no drawing resvg can read
    with pytest.raises(d2.D2Error, match="SVG 转 PNG 失败"):
        flowcharts.rasterise_all({"a": broken, "b": broken}, tmp_path / "out", cache_dir=tmp_path / "cache")


def test_the_drawings_are_shared_out_by_their_size(rendered):
    pairs = [(result.svg_path, Path(f"{flow_id}.png")) for flow_id, result in rendered.items()]
    shares = flowcharts.balanced_shares(pairs, 2)
    assert sorted(p for share in shares for p in share) == sorted(pairs)
    loads = [sum(flowcharts.svg_area(svg) for svg, _ in share) for share in shares]
    largest = max(flowcharts.svg_area(svg) for svg, _ in pairs)
    assert abs(loads[0] - loads[1]) <= largest


def test_outputs_are_world_readable(rendered, images):
    for path in [r.svg_path for r in rendered.values()] + list(images.values()):
        assert path.stat().st_mode & 0o777 == 0o644, path


def test_a_second_render_is_identical(handbook, flows, rendered, images, tmp_path):
    again = flowcharts.render_all(flows, tmp_path / "out", index=handbook.index, cache_dir=tmp_path / "cache")
    again_images = flowcharts.rasterise_all({flow_id: r.svg_path for flow_id, r in again.items()}, tmp_path / "out",
                                            cache_dir=tmp_path / "cache")
    for flow_id, result in rendered.items():
        assert again[flow_id].svg_path.read_bytes() == result.svg_path.read_bytes(), flow_id
        assert again_images[flow_id].read_bytes() == images[flow_id].read_bytes(), flow_id


def test_unchanged_flows_come_from_the_cache(handbook, flows, monkeypatch, tmp_path):
    cache = tmp_path / "cache"
    small = [d for d in flows if d.id in ("teleconference-flow", "supervision-special-flow")]
    first = flowcharts.render_all(small, tmp_path / "a", index=handbook.index, cache_dir=cache)
    assert sorted(p.suffix for p in cache.iterdir()) == [".svg", ".svg"]  # the site needs no PNG
    svgs = {d.id: first[d.id].svg_path for d in small}
    pngs = flowcharts.rasterise_all(svgs, tmp_path / "a", cache_dir=cache)
    assert sorted(p.suffix for p in cache.iterdir()) == [".png", ".png", ".svg", ".svg"]
    drawn = []
    monkeypatch.setattr(d2, "render_svgs", lambda sources, **kw: drawn.append(sources) or pytest.fail("不应重新渲染"))
    monkeypatch.setattr(d2, "start_raster_worker", lambda *a: pytest.fail("不应重新生成 PNG"))
    second = flowcharts.render_all(small, tmp_path / "b", index=handbook.index, cache_dir=cache)
    assert [second[d.id].svg_path.read_bytes() for d in small] == [first[d.id].svg_path.read_bytes() for d in small]
    again = flowcharts.rasterise_all({d.id: second[d.id].svg_path for d in small}, tmp_path / "b", cache_dir=cache)
    assert [again[d.id].read_bytes() for d in small] == [pngs[d.id].read_bytes() for d in small]
    monkeypatch.undo()

    changed = small[0].model_copy(deep=True)
    changed.nodes[1].label = "区委领导作出批示"
    calls = []
    real = d2.render_svgs
    monkeypatch.setattr(d2, "render_svgs", lambda sources, **kw: calls.append(sources) or real(sources, **kw))
    third = flowcharts.render_all([changed], tmp_path / "c", index=handbook.index, cache_dir=cache)
    assert [list(c) for c in calls] == [[changed.id]]  # one run of D2, for the changed flow only
    assert "区委领导作出批示" in third[changed.id].svg_path.read_text(encoding="utf-8")


def test_special_characters_in_labels_survive_d2(tmp_path, flows):
    doc = next(d for d in flows if d.id == "teleconference-flow").model_copy(deep=True)
    doc.nodes[1].label = '含"引号"、$变量${x}、\\反斜杠和<尖括号>&'
    result = flowcharts.render_all([doc], tmp_path / "out", cache_dir=tmp_path / "cache")[doc.id]
    text = node_groups(svg_tree(result.svg_path))[doc.nodes[1].id].find(f"{SVG}text")
    assert text_of(text) == squeeze(doc.nodes[1].label)


def test_flow_page_markdown_keeps_the_diagram_and_lists_the_steps(handbook, flows, rendered):
    doc = next(d for d in flows if d.id == "supervision-special-flow")
    snippet = flowcharts.flow_markdown(rendered[doc.id], svg_href="flows/x.svg", png_href="flows/x.png")
    page = markdown.markdown(snippet, extensions=["attr_list", "md_in_html", "tables", "admonition", "toc"])
    svg = rendered[doc.id].svg_path.read_text(encoding="utf-8").strip()
    assert svg in page, "内嵌的 SVG 应原样保留"
    assert re.search(r'<figure [^>]*data-search-exclude', page)
    steps = re.search(r'<ol class="flow-steps">(.*?)</ol>', page, re.S).group(1)
    items = [html.unescape(re.sub(r"<[^>]+>", "", li)) for li in re.findall(r"<li[^>]*>(.*?)</li>", steps, re.S)]
    assert [item.split(" ")[0] for item in items] == [n.label for n in doc.nodes]
    assert "不符合办理要求的，退回重办：转第 3 步" in items[3]
    assert 'href="./supervision-rules.html#special-handling-procedure"' in steps
    assert "&lt;" not in steps and "&amp;lt;" not in steps
    assert '<h2 id="steps">办理步骤' in page
    assert 'href="flows/x.svg" download' in page and 'href="flows/x.png" download' in page


def test_boxes_in_a_row_of_three_or_more_columns_are_narrow_down_to_where_the_columns_join(flows):
    incoming = next(d for d in flows if d.id == "incoming-document-flow")
    columns = {"distribution-copy", "distribution-approve", "distribute", "circulation-copy", "circulation-approve",
               "circulate", "action-copy", "action-approve", "assign", "follow-up", "reply"}
    assert flowcharts.side_by_side(incoming) == columns  # not review (above the row), not archive (the join)
    long_box = next(n for n in incoming.nodes if n.id == "distribution-approve")
    assert flowcharts.label_width(long_box, narrow=True) == flowcharts.FANOUT_WRAP < flowcharts.label_width(long_box)
    assert flowcharts.side_by_side(next(d for d in flows if d.id == "teleconference-flow")) == set()  # one column
