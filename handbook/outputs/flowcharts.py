"""Every flow of the edition drawn as <id>.svg beside the pages (links inside are page-relative), and
as <id>.png (200 dpi) to download and to print in the compendium.

Two outputs, because only the SVG is in the pages: the SVGs are drawn before MkDocs runs, the PNGs
(most of the drawing time, on a cold build) are rasterised while it runs. Each drawing has its own
cache (build/cache/flowcharts, keyed by what it is made from), so neither output is cached as a
whole; the drawn flows go on to the pages in Build.results["flowcharts"].
"""

from __future__ import annotations

from .. import urls
from ..model import FlowDocument
from ..render.flowcharts import rasterise_all, render_all
from .base import Build, Files, Inputs, Output


class Flowcharts(Output):
    name = "flowcharts"

    def produce(self, build: Build) -> Files:
        handbook = build.edition
        flows = [s.doc for s in handbook.structures if isinstance(s.doc, FlowDocument)]
        rendered = render_all(flows, build.build_dir / "flowcharts", index=handbook.index,
                              cache_dir=build.build_dir / "cache" / "flowcharts")
        build.results[self.name] = rendered
        return {urls.flow_drawing(flow_id, ".svg"): item.svg_path.read_bytes() for flow_id, item in rendered.items()}


class FlowchartImages(Output):
    name = "flowchart-images"
    download = True

    def inputs(self, build: Build) -> Inputs:
        return Inputs(after=("flowcharts",))

    def produce(self, build: Build) -> Files:
        drawn = {flow_id: item.svg_path for flow_id, item in build.results.get("flowcharts", {}).items()}
        images = rasterise_all(drawn, build.build_dir / "flowcharts", cache_dir=build.build_dir / "cache" / "flowcharts")
        return {urls.flow_drawing(flow_id, ".png"): path.read_bytes() for flow_id, path in images.items()}
