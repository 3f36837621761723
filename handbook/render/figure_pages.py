"""A flowchart on printed pages: how large it prints, and where it may be cut into pieces.

A reader of a printed rules book must be able to read the boxes. So a chart is printed as
large as the type area's width allows, up to the size it was drawn at; it goes on its page
(under its title and note) if it fits there with its box text at READABLE_PT or more, shrunk
if need be; a chart that does not is continued over as few pages as that size needs, as books
continue a long table: cut only where no box and no label lies (between two rows of boxes,
where only arrows cross), each further piece on a page of its own under a “（续）” line.

Where a chart may be cut comes from its SVG (D2's shapes and labels; the PNG is rasterised
from the same SVG). A PNG without one cannot be cut and is scaled onto its page as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

READABLE_PT = 7.0  # box text no smaller than this where cutting can avoid it (drawn at 11.25)
MAX_SCALE = 1.0  # never larger than drawn: that only adds pages
EMU_PER_INCH = 914400
CSS_PX_PER_INCH = 96  # the SVG's unit
SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ABSOLUTE_POINTS = re.compile(r"[\sMLCSQTZ0-9.,-]+")  # x y pairs after absolute move, line, curve commands
_FONT_SIZE = re.compile(r"font-size:\s*([\d.]+)px")
_SHAPES = ("rect", "path", "ellipse", "circle", "polygon", "polyline", "line")


@dataclass(frozen=True)
class Drawing:
    """A flowchart PNG as the page layout needs it."""

    path: Path
    width: int  # pixels
    height: int
    dpi: int
    text_px: float | None = None  # its boxes' smallest text in CSS pixels, when its SVG says
    gaps: tuple[tuple[int, int], ...] = ()  # pixel rows (from, to) that cross no box and no label

    def emu(self, pixels: float, scale: float) -> int:
        return int(pixels * EMU_PER_INCH / self.dpi * scale)

    def text_pt(self, scale: float) -> float | None:
        """The box text's size in points when printed at scale (1: the size it was drawn at)."""
        return None if self.text_px is None else self.text_px * 72 / CSS_PX_PER_INCH * scale


@dataclass(frozen=True)
class Layout:
    scale: float
    pieces: tuple[tuple[int, int], ...]  # pixel rows (from, to) of each piece, top to bottom


def drawing(png: Path, svg: Path | None = None) -> Drawing:
    from docx.image.image import Image  # python-docx reads a PNG's size and its pHYs resolution

    image = Image.from_file(str(png))
    width, height, dpi = image.px_width, image.px_height, image.horz_dpi
    if svg is None or not svg.is_file():
        return Drawing(png, width, height, dpi)
    text_px, gaps = _svg_geometry(svg.read_bytes(), height)
    return Drawing(png, width, height, dpi, text_px, gaps)


def layout(chart: Drawing, width_room: int, first_room: int, page_room: int) -> Layout:
    """The scale and pieces for a chart whose first piece has first_room (EMU) of height on its
    page and every further piece page_room; width_room is the type area's width (EMU)."""
    whole = (0, chart.height)
    widest = min(MAX_SCALE, width_room / chart.emu(chart.width, 1))
    if chart.emu(chart.height, widest) <= first_room:
        return Layout(widest, (whole,))
    shrunk = first_room / chart.emu(chart.height, 1)
    readable = READABLE_PT / chart.text_pt(1) if chart.text_px else 0
    if shrunk >= readable or not chart.gaps:
        return Layout(shrunk, (whole,))
    smallest = min(widest, readable)
    fewest = pieces(chart, smallest, first_room, page_room)
    if fewest is None:  # a box taller than a page: shrunk onto its page as a whole
        return Layout(shrunk, (whole,))
    scale = widest
    while scale > smallest:  # as large as fits on the fewest pages
        cut = pieces(chart, scale, first_room, page_room)
        if cut is not None and len(cut) == len(fewest):
            return Layout(scale, cut)
        scale -= 0.01
    return Layout(smallest, fewest)


def pieces(chart: Drawing, scale: float, first_room: int, page_room: int) -> tuple[tuple[int, int], ...] | None:
    """The chart cut into pieces that fit their rooms at scale, each cut in a gap; None if it cannot be."""
    per_pixel = EMU_PER_INCH / chart.dpi * scale
    cut: list[tuple[int, int]] = []
    top, room = 0, first_room
    while chart.height - top > room / per_pixel:
        limit = top + int(room / per_pixel)
        usable = [(start, end) for start, end in chart.gaps if top < start < limit]
        if not usable:
            return None
        start, end = max(usable)
        at = min((start + end) // 2, limit)  # mid-gap: the arrow shows leaving one piece and entering the next
        cut.append((top, at))
        top, room = at, page_room
    cut.append((top, chart.height))
    return tuple(cut)


def _svg_geometry(svg: bytes, png_height: int) -> tuple[float | None, tuple[tuple[int, int], ...]]:
    """The smallest label size and the pixel rows free of boxes and labels; no gaps if the SVG is not
    laid out as D2 draws (absolute coordinates, one nested <svg> with a viewBox)."""
    try:
        root = etree.fromstring(svg, etree.XMLParser(resolve_entities=False, no_network=True))
        offset, scale = _png_rows_per_unit(root, png_height)
        spans, sizes = _occupied(root)
    except (etree.XMLSyntaxError, ValueError):
        return None, ()
    text_px = min(sizes) if sizes else None
    rows = sorted((int((top - offset) * scale) - 2, int((bottom - offset) * scale) + 3) for top, bottom in spans)
    gaps, reached = [], 0
    for start, end in rows:
        if start > reached:
            gaps.append((reached, start))
        reached = max(reached, end)
    if reached < png_height:
        gaps.append((reached, png_height))
    return text_px, tuple(g for g in gaps if g[1] - g[0] >= 4)


def _png_rows_per_unit(root: etree._Element, png_height: int) -> tuple[float, float]:
    """(the drawing's y at the PNG's top, PNG rows per drawing unit)."""
    inner = root.find(f"{SVG}svg")
    box = (inner if inner is not None else root).get("viewBox")
    if box is None:
        raise ValueError("no viewBox")
    _, min_y, _, height = (float(v) for v in box.split())
    return min_y, png_height / height


def _occupied(root: etree._Element) -> tuple[list[tuple[float, float]], list[float]]:
    """Vertical extents (drawing units) of every node shape and every label, and the boxes' text sizes."""
    spans, sizes = [], []
    for element in root.iter(f"{SVG}g"):
        classes = (element.get("class") or "").split()
        if "shape" in classes and not _in_lane(element):
            spans += [_extent(shape) for shape in element.iter(*(SVG + s for s in _SHAPES))]
    for arrow in root.iter(f"{SVG}path"):
        if "connection" in (arrow.get("class") or "").split():
            spans += _level_runs(arrow)
    for text in root.iter(f"{SVG}text"):
        size = _FONT_SIZE.search(text.get("style") or "")
        if size is None:
            raise ValueError("label without a size")
        size_px = float(size.group(1))
        if not any("edge" in (g.get("class") or "").split() for g in text.iterancestors(f"{SVG}g")):
            sizes.append(size_px)  # a box's text (an arrow's label is set smaller)
        lines = sum(float(t.get("dy") or 0) for t in text.iter(f"{SVG}tspan"))
        baseline = float(text.get("y"))
        spans.append((baseline - size_px, baseline + lines + size_px * 0.3))
    return spans, sizes


def _level_runs(arrow: etree._Element) -> list[tuple[float, float]]:
    """Where an arrow runs across rather than down: a cut there would slice along the line."""
    points = _points(arrow.get("d"))
    return [(min(y0, y1), max(y0, y1)) for (x0, y0), (x1, y1) in zip(points, points[1:])
            if abs(y1 - y0) <= abs(x1 - x0) and x1 != x0]


def _in_lane(shape_group: etree._Element) -> bool:
    """A lane's box runs the chart's whole length: cutting through it is fine, its label is not."""
    parent = shape_group.getparent()
    return parent is not None and "lane" in (parent.get("class") or "").split()


def _extent(shape: etree._Element) -> tuple[float, float]:
    tag = etree.QName(shape).localname
    number = lambda name: float(shape.get(name) or 0)  # noqa: E731
    if tag == "rect":
        return number("y"), number("y") + number("height")
    if tag in ("ellipse", "circle"):
        radius = number("ry") if tag == "ellipse" else number("r")
        return number("cy") - radius, number("cy") + radius
    if tag == "line":
        return min(number("y1"), number("y2")), max(number("y1"), number("y2"))
    points = _points(shape.get("d") if tag == "path" else shape.get("points"))
    ys = [y for _, y in points]
    return min(ys), max(ys)


def _points(data: str | None) -> list[tuple[float, float]]:
    """The x y pairs of a path or polygon drawn in absolute coordinates (curves: with their control points)."""
    if not data or not _ABSOLUTE_POINTS.fullmatch(data):
        raise ValueError("a shape this reader does not measure")  # relative, arc, H/V commands
    numbers = [float(v) for v in _NUMBER.findall(data)]
    return list(zip(numbers[0::2], numbers[1::2]))
