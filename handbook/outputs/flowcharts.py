"""Every flow of the edition drawn as <id>.svg and <id>.png beside the pages (links inside are page-relative).

Each drawing has its own cache (build/cache/flowcharts, keyed by the flow), so this output is not
cached as a whole; the rendered flows go on to the pages in Build.results["flowcharts"].
"""

from __future__ import annotations

from .. import urls
from ..model import FlowDocument
from ..render.flowcharts import render_all
from .base import Build, Files, Output


class Flowcharts(Output):
    name = "flowcharts"

    def produce(self, build: Build) -> Files:
        handbook = build.edition
        flows = [s.doc for s in handbook.structures if isinstance(s.doc, FlowDocument)]
        rendered = render_all(flows, build.build_dir / "flowcharts", index=handbook.index,
                              cache_dir=build.build_dir / "cache" / "flowcharts")
        build.results[self.name] = rendered
        files: Files = {}
        for flow_id, item in rendered.items():
            files[urls.flow_drawing(flow_id, ".svg")] = item.svg_path.read_bytes()
            files[urls.flow_drawing(flow_id, ".png")] = item.png_path.read_bytes()
        return files
