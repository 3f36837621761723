"""Flow documents → D2 source → SVG (for the site) and PNG (for DOCX).

Rendering is cached by content hash under build/cache/flowcharts, so a flow is
drawn again only when its D2 source, the D2 version, the font or this module's
style changes; flows that need drawing are rendered in parallel.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from .. import d2
from ..flow import FlowDocument, FlowNode, Step, link_href, steps
from ..refs import Index

ROOT = Path(__file__).resolve().parent.parent.parent
CACHE_DIR = ROOT / "build" / "cache" / "flowcharts"
DPI = 200
STYLE_VERSION = "1"  # bump when the D2 text written below changes in a way its hash would not show
FILE_MODE = 0o644
MAX_WORKERS = 4

# Characters per line (a CJK character is 1, a Latin letter or digit ½) by node kind.
WRAP = {"start": 10, "end": 10, "step": 14, "decision": 8, "document": 13, "subprocess": 13}
EDGE_WRAP = 9
LONG_LINES, LONG_FACTOR = 3, 1.7
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
    png_path: Path
    steps: list[Step]


def text_width(text: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


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
    import jieba  # loaded only when a label is long enough to wrap

    jieba.setLogLevel(logging.WARNING)
    return jieba.lcut(text, HMM=False)


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
    for node in doc.nodes:
        out.append(_node(node, path[node.id], link_href(node, index, doc.id)))
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


def label_width(node: FlowNode) -> int:
    """Characters per line for a node: long texts get wider boxes rather than very tall ones."""
    width = WRAP[node.kind]
    return round(width * LONG_FACTOR) if text_width(node.label) > width * LONG_LINES else width


def _node(node: FlowNode, path: str, href: str | None) -> str:
    label = "\n".join(wrap(node.label, label_width(node)))
    css = {"end": "end", "start": "end", "subprocess": "subprocess", "decision": "decision"}.get(node.kind, "node")
    attrs = [f"shape: {SHAPES[node.kind]}", f"class: {css}"]
    if href:
        attrs.append(f"link: {d2_string(href)}")
    return f"{path}: {d2_string(label)} {{{'; '.join(attrs)}}}"


_LINK_ICON = re.compile(rb'<g transform="translate\([^)]*\)" class="appendix-icon">.*?</svg>\s*</g>', re.S)


def tidy_svg(svg: bytes, title: str) -> bytes:
    """Drop D2's link badges (the whole box is the link) and give the drawing an accessible title."""
    svg = _LINK_ICON.sub(b"", svg)
    head_end = svg.index(b">") + 1
    label = str(escape(title)).encode("utf-8")
    head = svg[:head_end].replace(b"<svg ", b'<svg role="img" aria-label="' + label + b'" ', 1)
    return head + b"<title>" + label + b"</title>" + svg[head_end:]


def cache_key(source: str, dpi: int) -> str:
    digest = hashlib.sha256()
    for part in (STYLE_VERSION, d2.signature(), str(dpi), source):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Job:
    """One flow to draw: its D2 source and where its cached drawing lives."""

    flow_id: str
    title: str
    source: str
    svg_file: Path
    png_file: Path

    @property
    def cached(self) -> bool:
        return self.svg_file.is_file() and self.png_file.is_file()


def job_for(doc: FlowDocument, index: Index | None, cache_dir: Path, dpi: int) -> Job:
    source = d2_source(doc, index)
    key = cache_key(source, dpi)
    return Job(doc.id, doc.title, source, cache_dir / f"{key}.svg", cache_dir / f"{key}.png")


def draw(job: Job, dpi: int) -> None:
    """Render one job into the cache (runs in a worker process)."""
    svg = tidy_svg(d2.render_svg(job.source, name=f"流程图「{job.title}」"), job.title)
    write_file(job.png_file, d2.svg_to_png(svg, dpi))
    write_file(job.svg_file, svg)  # written last: its presence marks a complete entry


def draw_all(jobs: list[Job], dpi: int, workers: int | None = None) -> None:
    """Draw the jobs not in the cache; several at once in worker processes.

    Processes rather than threads: rasterising holds the GIL and costs more than D2.
    """
    todo = [job for job in jobs if not job.cached]
    workers = min(workers or MAX_WORKERS, os.cpu_count() or 1, len(todo))
    if workers <= 1:
        for job in todo:
            draw(job, dpi)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for future in [pool.submit(draw, job, dpi) for job in todo]:
            future.result()


def render_one(doc: FlowDocument, index: Index | None = None, *, cache_dir: Path = CACHE_DIR,
               dpi: int = DPI) -> tuple[bytes, bytes]:
    """SVG and PNG bytes of one flow, from the cache when its content is unchanged."""
    job = job_for(doc, index, cache_dir, dpi)
    draw_all([job], dpi)
    return job.svg_file.read_bytes(), job.png_file.read_bytes()


def write_file(path: Path, data: bytes) -> None:
    """Write atomically with mode 0644, whatever the umask or the writer's defaults."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_bytes() == data:
        os.chmod(path, FILE_MODE)
        return
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_bytes(data)
    os.chmod(temp, FILE_MODE)
    os.replace(temp, path)


def render_all(flows: list[FlowDocument], out_dir: Path, *, index: Index | None = None,
               cache_dir: Path = CACHE_DIR, dpi: int = DPI, workers: int | None = None) -> dict[str, RenderedFlow]:
    """Render every flow to out_dir/<id>.svg and out_dir/<id>.png, keyed by flow id.

    Only flows whose drawing is not cached are drawn, in parallel. Node links are
    relative to the page that shows the diagram (./doc.html#key), i.e. the site root.
    """
    out_dir = Path(out_dir)
    jobs = [job_for(doc, index, cache_dir, dpi) for doc in flows]
    draw_all(jobs, dpi, workers)
    result = {}
    for doc, job in zip(flows, jobs):
        svg_path, png_path = out_dir / f"{doc.id}.svg", out_dir / f"{doc.id}.png"
        write_file(svg_path, job.svg_file.read_bytes())
        write_file(png_path, job.png_file.read_bytes())
        result[doc.id] = RenderedFlow(svg_path, png_path, steps(doc, index))
    return result


def flow_markdown(doc: FlowDocument, rendered: RenderedFlow, *, svg_href: str, png_href: str) -> str:
    """The diagram inline (nodes stay clickable), its steps as an ordered list, and download links.

    Returned as HTML blocks inside Markdown; all text is escaped.
    """
    svg = rendered.svg_path.read_text(encoding="utf-8")
    parts = [
        f'<figure class="flowchart" id="flowchart">\n{svg}\n</figure>',
        '<p class="flowchart-downloads">下载：'
        f'<a href="{escape(svg_href)}" download>SVG 矢量图</a> · '
        f'<a href="{escape(png_href)}" download>PNG 图片（{DPI} dpi）</a></p>',
        '<h2 id="steps">步骤</h2>',
        steps_html(rendered.steps),
    ]
    return "\n\n".join(parts) + "\n"


def steps_html(items: list[Step]) -> str:
    lines = ['<ol class="flow-steps">']
    for step in items:
        node = step.node
        text = escape(node.label)
        if step.href:
            text = f'<a href="{escape(step.href[2:] if step.href.startswith("./") else step.href)}">{text}</a>'
        extra = []
        if node.lane:
            extra.append(f'<span class="flow-lane">（{escape(node.lane)}）</span>')
        if step.link_words and step.href:
            extra.append(f'<span class="flow-ref">见{escape(step.link_words)}</span>')
        nexts = _next_words(step, len(items))
        if nexts:
            extra.append(f'<span class="flow-next">{nexts}</span>')
        body = text + ("".join(f" {e}" for e in extra))
        lines.append(f'<li id="step-{escape(node.id)}">{body}</li>')
    lines.append("</ol>")
    return "\n".join(lines)


def _next_words(step: Step, count: int) -> str:
    """Say where a step leads, unless it simply leads to the next one in the list."""
    if step.node.kind == "end" or (len(step.next) == 1 and step.next[0] == (None, step.number + 1)):
        return ""
    if not step.next:
        return "（结束）" if step.node.kind != "start" else ""
    targets = [f"{escape(label)}：转第 {n} 步" if label else f"转第 {n} 步" for label, n in step.next]
    return "→ " + "；".join(targets)
