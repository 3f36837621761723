"""Flow documents → D2 source → SVG (for the site), and SVG → PNG (for the downloads and the compendium).

Two steps, because the site needs only the SVG: render_all draws the SVGs before MkDocs runs,
rasterise_all makes the PNGs while it runs (outputs/flowcharts.py). Both are cached by content hash
under build/cache/flowcharts: a flow is drawn again only when its data, where its boxes link, or
what d2.signature() names (D2's version and flags, the font, the post-processing) changes; a PNG is
made again only when its SVG, the dpi or d2.raster_signature() changes.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from markupsafe import Markup, escape

from .. import d2, urls
from ..text import width, words
from ..paths import ROOT
from ..flow import FlowDocument, FlowNode, Step, link_href, steps
from ..refs import Index

CACHE_DIR = ROOT / "build" / "cache" / "flowcharts"
DPI = 200
MAX_WORKERS = 4  # never more than the machine's cores

# Characters per line (a CJK character is 1, a Latin letter or digit ½) by node kind.
WRAP = {"start": 10, "end": 10, "step": 14, "decision": 8, "document": 13, "subprocess": 13}
EDGE_WRAP = 6
LONG_LINES, LONG_FACTOR = 4, 1.4
SHAPES = {"start": "oval", "end": "oval", "step": "rectangle", "decision": "diamond",
          "document": "document", "subprocess": "rectangle"}

# A sober, official look: black text, dark grey strokes, white fill, light grey lanes.
STYLE = """\
direction: {direction}
style: {{fill: "#FFFFFF"}}
classes: {{
  node: {{style: {{fill: "#FFFFFF"; stroke: "#333333"; stroke-width: 2; font-color: "#000000"; font-size: 15; bold: false; shadow: false; border-radius: 0}}}}
  end: {{style: {{fill: "#FFFFFF"; stroke: "#333333"; stroke-width: 3; font-color: "#000000"; font-size: 15; bold: false}}}}
  subprocess: {{style: {{fill: "#FFFFFF"; stroke: "#333333"; stroke-width: 2; double-border: true; font-color: "#000000"; font-size: 15; bold: false}}}}
  decision: {{style: {{fill: "#F2F2F2"; stroke: "#333333"; stroke-width: 2; font-color: "#000000"; font-size: 15; bold: false}}}}
  edge: {{style: {{stroke: "#444444"; stroke-width: 2; font-color: "#333333"; font-size: 14; italic: false}}}}
  lane: {{style: {{fill: "#F5F5F5"; stroke: "#9E9E9E"; stroke-width: 1; font-color: "#333333"; font-size: 15; bold: true}}}}
}}
"""

# Closing marks never start a line; opening marks never end one (Chinese line-breaking rules).
_NO_LINE_START = set("，。、；：？！）》」』”’…—·%％")
_NO_LINE_END = set("（《「『“‘")
_BREAK_AFTER = set("，、；：。")
COMMA_BONUS = 6.0  # a line may be about two characters shorter if it then ends at a comma


@dataclass(frozen=True)
class RenderedFlow:
    svg_path: Path
    steps: list[Step]


text_width = width


def wrap(text: str, width: int) -> list[str]:
    """Break a label into lines of at most `width` characters: as few lines as possible,
    of even length, breaking between words and preferably after a comma.

    D2 does not wrap CJK text, so line breaks are chosen here; joined together the
    lines give back the label exactly, apart from whitespace at the breaks.
    """
    text = re.sub(r"\s+", " ", text.strip())
    if text_width(text) <= width:
        return [text]
    chunks = _chunks(text)
    count = len(_fill(chunks, width))
    target = text_width(text) / count

    def cost(line: str, last: bool) -> float:
        shortfall = (target - text_width(line)) ** 2
        return shortfall - (COMMA_BONUS if not last and line[-1] in _BREAK_AFTER else 0)

    # best[i][k]: (cost, lines) for the first i chunks in k lines
    best: list[dict[int, tuple[float, list[str]]]] = [{} for _ in range(len(chunks) + 1)]
    best[0][0] = (0.0, [])
    for i in range(1, len(chunks) + 1):
        for j in range(i - 1, -1, -1):
            line = "".join(chunks[j:i]).strip()
            if text_width(line) > width and i - j > 1:
                break
            for k, (so_far, lines) in best[j].items():
                if k < count:
                    total = so_far + cost(line, i == len(chunks))
                    if k + 1 not in best[i] or total < best[i][k + 1][0]:
                        best[i][k + 1] = (total, lines + [line])
    return best[len(chunks)][count][1]


def _chunks(text: str) -> list[str]:
    """Pieces between which a line may break: words (jieba's dictionary, no guessing), with punctuation kept on the right side."""
    chunks: list[str] = []
    for token in _words(text):
        glued = chunks and (token[0] in _NO_LINE_START or token.isspace() or chunks[-1][-1] in _NO_LINE_END)
        if glued:
            chunks[-1] += token
        else:
            chunks.append(token)
    return chunks


def _words(text: str) -> list[str]:
    return words(text, hmm=False)


def _fill(chunks: list[str], limit: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for chunk in chunks:
        if line and text_width(line + chunk.rstrip()) > limit:
            lines.append(line.rstrip())
            line = chunk.lstrip()
        else:
            line += chunk
    lines.append(line.rstrip())
    return [ln for ln in lines if ln]


def d2_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return '"' + escaped.replace("\n", "\\n") + '"'


def d2_source(doc: FlowDocument, index: Index | None = None) -> str:
    """The flow in D2's language: one shape per node (inside its lane if any), one connection per edge."""
    lanes = lane_order(doc)
    path = {n.id: (f"lane{lanes.index(n.lane) + 1}.{n.id}" if n.lane else n.id) for n in doc.nodes}
    out = [STYLE.format(direction=doc.direction)]
    for number, lane in enumerate(lanes, start=1):
        out.append(f"lane{number}: {d2_string(lane)} {{class: lane}}")
    narrow = side_by_side(doc)
    for node in doc.nodes:
        out.append(_node(node, path[node.id], link_href(node, index, doc.id), narrow=node.id in narrow))
    for edge in doc.edges:
        if edge.from_ not in path or edge.to not in path:
            continue
        label = f": {d2_string(chr(10).join(wrap(edge.label, EDGE_WRAP)))}" if edge.label else ""
        out.append(f"{path[edge.from_]} -> {path[edge.to]}{label} {{class: edge}}")
    return "\n".join(out) + "\n"


def lane_order(doc: FlowDocument) -> list[str]:
    used = [n.lane for n in doc.nodes if n.lane]
    ordered = [lane for lane in doc.lanes if lane in used]
    return ordered + [lane for lane in dict.fromkeys(used) if lane not in ordered]


# Boxes in a row of three or more columns are narrow (more lines instead), so that the row fits the
# printed page's width at a readable size (box text 7.5 pt or more, not 5.7) and a phone's screen.
FANOUT, FANOUT_WRAP = 3, 8


def side_by_side(doc: FlowDocument) -> set[str]:
    """Nodes that stand in a row of FANOUT or more columns: the targets of one node's arrows, and each
    column's nodes below them down to where the columns join (a node more than one arrow leads to)."""
    targets: dict[str, list[str]] = {}
    sources: dict[str, set[str]] = {}
    for edge in doc.edges:
        targets.setdefault(edge.from_, []).append(edge.to)
        sources.setdefault(edge.to, set()).add(edge.from_)
    narrow: set[str] = set()
    for heads in (set(ts) for ts in targets.values() if len(set(ts)) >= FANOUT):
        for node in heads:
            while node not in narrow and len(sources.get(node, ())) == 1:
                narrow.add(node)
                following = set(targets.get(node, ()))
                if len(following) != 1:
                    break
                node = following.pop()
    return narrow


def label_width(node: FlowNode, narrow: bool = False) -> int:
    """Characters per line for a node: long texts get wider boxes rather than very tall ones."""
    if narrow:
        return FANOUT_WRAP
    width = WRAP[node.kind]
    return round(width * LONG_FACTOR) if text_width(node.label) > width * LONG_LINES else width


def _node(node: FlowNode, path: str, href: str | None, narrow: bool = False) -> str:
    label = "\n".join(wrap(node.label, label_width(node, narrow)))
    css = {"end": "end", "start": "end", "subprocess": "subprocess", "decision": "decision"}.get(node.kind, "node")
    attrs = [f"shape: {SHAPES[node.kind]}", f"class: {css}"]
    if href:
        attrs.append(f"link: {d2_string(href)}")
    return f"{path}: {d2_string(label)} {{{'; '.join(attrs)}}}"


def cache_key(doc: FlowDocument, index: Index | None) -> str:
    """What a drawing is made from: the flow's data, where its boxes link, the drawing rules and D2 itself.

    Taken from the data rather than the D2 source, so a cached drawing costs no label wrapping."""
    digest = hashlib.sha256()
    links = [link_href(node, index, doc.id) or "" for node in doc.nodes]
    for part in (d2.signature(), RULES_DIGEST, doc.model_dump_json(), "\n".join(links)):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def png_cache_file(svg: bytes, cache_dir: Path, dpi: int) -> Path:
    """Where the PNG of this SVG at this dpi is kept: named by what it is made from."""
    digest = hashlib.sha256(f"{d2.raster_signature()}\0{dpi}\0".encode("utf-8") + svg)
    return cache_dir / f"{digest.hexdigest()}.png"


# the code that turns a flow into D2 source: a change to it must redraw every flow
RULES_DIGEST = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


@dataclass
class Job:
    """One flow to draw and where its cached drawing lives; the D2 source is made only when drawing."""

    doc: FlowDocument
    index: Index | None
    svg_file: Path

    @property
    def title(self) -> str:
        return self.doc.title

    @cached_property
    def source(self) -> str:
        return d2_source(self.doc, self.index)

    @property
    def cached(self) -> bool:
        return self.svg_file.is_file()


def job_for(doc: FlowDocument, index: Index | None, cache_dir: Path) -> Job:
    return Job(doc, index, cache_dir / f"{cache_key(doc, index)}.svg")


def workers_for(jobs: int, workers: int | None) -> int:
    return min(workers or MAX_WORKERS, os.cpu_count() or 1, jobs)


def draw_all(jobs: list[Job]) -> None:
    """Draw the jobs not in the cache, all in one run of D2 (each drawing a board named by its flow's id)."""
    todo = [job for job in jobs if not job.cached]
    if todo:
        d2.draw_all({job.doc.id: (job.source, job.title, job.svg_file) for job in todo})


def render_all(flows: list[FlowDocument], out_dir: Path, *, index: Index | None = None,
               cache_dir: Path = CACHE_DIR) -> dict[str, RenderedFlow]:
    """Draw every flow as out_dir/<id>.svg, keyed by flow id.

    Only flows whose drawing is not cached are drawn, all in one run of D2. Node links are
    relative to the page that shows the diagram (./doc.html#key), i.e. the site root.
    """
    out_dir = Path(out_dir)
    jobs = [job_for(doc, index, cache_dir) for doc in flows]
    draw_all(jobs)
    result = {}
    for doc, job in zip(flows, jobs):
        svg_path = out_dir / f"{doc.id}.svg"
        d2.write_file(svg_path, job.svg_file.read_bytes())
        result[doc.id] = RenderedFlow(svg_path, steps(doc, index))
    return result


def rasterise_all(svg_files: dict[str, Path], out_dir: Path, *, cache_dir: Path = CACHE_DIR, dpi: int = DPI,
                  workers: int | None = None) -> dict[str, Path]:
    """Every drawing as out_dir/<id>.png at `dpi`, keyed by flow id; only PNGs not in the cache are made."""
    out_dir = Path(out_dir)
    cached = {flow_id: png_cache_file(path.read_bytes(), cache_dir, dpi) for flow_id, path in svg_files.items()}
    rasterise_in_processes([(svg_files[flow_id], png) for flow_id, png in cached.items() if not png.is_file()],
                           dpi, workers)
    result = {}
    for flow_id, png in cached.items():
        result[flow_id] = out_dir / f"{flow_id}.png"
        d2.write_file(result[flow_id], png.read_bytes())
    return result


def rasterise_in_processes(todo: list[tuple[Path, Path]], dpi: int, workers: int | None) -> None:
    """Rasterise (svg, png) pairs in one worker process per core; workers=1: here, one by one.

    Processes, not threads: resvg holds the GIL for a whole drawing (up to a second), which would
    stall the rest of the build; in processes the drawings use every core, beside MkDocs. Plain
    processes of `python -c`, not multiprocessing: that re-imports the caller's main script in each.
    """
    if workers == 1:
        for svg, png in todo:
            d2.rasterise(svg, png, dpi)
        return
    shares = balanced_shares(todo, workers_for(len(todo), workers))
    started = [d2.start_raster_worker(share, dpi) for share in shares]
    try:
        for worker in started:
            d2.finish_raster_worker(worker)
    finally:
        for worker in started:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def balanced_shares(todo: list[tuple[Path, Path]], count: int) -> list[list[tuple[Path, Path]]]:
    """The pairs split into `count` shares of about equal work: the largest drawing goes to the least loaded share.

    Rasterising takes time in proportion to the pixels, i.e. to the area of the SVG's viewBox."""
    shares: list[list[tuple[Path, Path]]] = [[] for _ in range(count)]
    loads = [0.0] * count
    areas = {pair: svg_area(pair[0]) for pair in todo}
    for pair in sorted(todo, key=lambda p: (-areas[p], str(p[0]))):
        lightest = loads.index(min(loads))
        shares[lightest].append(pair)
        loads[lightest] += areas[pair]
    return [share for share in shares if share]


def svg_area(svg_file: Path) -> float:
    found = re.search(rb'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg_file.read_bytes()[:2000])
    return float(found.group(1)) * float(found.group(2)) if found else 0.0


def flow_markdown(rendered: RenderedFlow, *, svg_href: str, png_href: str, title: str = "") -> str:
    """Markdown for a flow page: the diagram inline (its boxes stay links), download links,
    and the steps as an ordered list that search, phones and screen readers can use.

    The diagram and the list are raw HTML blocks; every text in them is escaped.
    """
    svg = rendered.svg_path.read_text(encoding="utf-8").strip()
    caption = '<figcaption>点击图中的框可查看相应条文。</figcaption>\n' if any(s.href for s in rendered.steps) else ""
    return "\n\n".join([
        # the drawing's text is broken into lines; search reads the list of steps instead
        f'<figure class="flowchart" id="flowchart" data-search-exclude>\n{svg}\n{caption}</figure>',
        '<p class="flowchart-downloads">下载：'
        f'<a href="{escape(svg_href)}" download>SVG 矢量图</a> · '
        f'<a href="{escape(png_href)}" download>PNG 图片（{DPI} dpi）</a></p>',
        "## 办理步骤 { #steps }",
        steps_html(rendered.steps, title),
    ]) + "\n"


def steps_html(items: list[Step], title: str = "") -> str:
    """The steps as an ordered list: label (linked to its article), lane, source, and where it leads.

    With the flow's title, each step carries its formal citation (data-cite) for 「复制引用」."""
    lines = ['<ol class="flow-steps">']
    for step in items:
        node = step.node
        parts = [Markup('<a href="{}">{}</a>').format(step.href, node.label) if step.href else escape(node.label)]
        if node.lane:
            parts.append(Markup('<span class="flow-lane">（{}）</span>').format(node.lane))
        if step.href and step.link_words:
            parts.append(Markup('<span class="flow-ref">见{}</span>').format(step.link_words))
        if leads := _leads_to(step):
            parts.append(Markup('<span class="flow-next">→ {}</span>').format(leads))
        cite = Markup(' data-cite="《{}》第{}步（{}）"').format(title, step.number, node.label) if title else ""
        lines.append(Markup('<li id="{}"{}>{}</li>').format(urls.flow_step_anchor(node.id), cite,
                                                              Markup(" ").join(parts)))
    lines.append("</ol>")
    return "\n".join(lines)


def _leads_to(step: Step) -> str:
    """Where a step leads, unless it simply leads on to the next one in the list."""
    if step.next == [(None, step.number + 1)]:
        return ""
    return "；".join(f"{label}：转第 {n} 步" if label else f"转第 {n} 步" for label, n in step.next)
