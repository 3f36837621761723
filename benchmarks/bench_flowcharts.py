"""Flowchart rendering time: each flow alone (D2 layout, then the 200 dpi PNG), the whole set from
an empty cache (in parallel, as the build does: the SVGs, then the PNGs) and again with the cache filled.

    .venv/bin/python benchmarks/bench_flowcharts.py

Writes the section "流程图渲染" of benchmarks/RESULTS.md; other sections stay as they are.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from report import ROOT, cpu_model, now, table, write_section

sys.path.insert(0, str(ROOT))

from handbook.sources import load_handbook  # noqa: E402
from handbook import d2  # noqa: E402
from handbook.render import flowcharts  # noqa: E402

HEADING = "流程图渲染"


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def measure():
    handbook, problems = load_handbook(ROOT)
    if handbook is None:
        sys.exit("\n".join(str(p) for p in problems))
    flows = [s.doc for s in handbook.structures if s.doc.kind == "flow"]
    rows = []
    for doc in flows:
        source = flowcharts.d2_source(doc, handbook.index)
        svg, layout = timed(d2.render_svg, source)
        png, raster = timed(d2.svg_to_png, d2.tidy_svg(svg, doc.title), flowcharts.DPI)
        rows.append((doc, layout, raster, d2.png_size(png)))
    with tempfile.TemporaryDirectory() as temp:
        cache, out = Path(temp) / "cache", Path(temp) / "out"
        drawn, cold_svg = timed(flowcharts.render_all, flows, out, index=handbook.index, cache_dir=cache)
        svgs = {flow_id: item.svg_path for flow_id, item in drawn.items()}
        _, cold_png = timed(flowcharts.rasterise_all, svgs, out, cache_dir=cache)
        _, warm_svg = timed(flowcharts.render_all, flows, out, index=handbook.index, cache_dir=cache)
        _, warm_png = timed(flowcharts.rasterise_all, svgs, out, cache_dir=cache)
    return rows, (cold_svg, cold_png), warm_svg + warm_png


def body(rows, cold: tuple[float, float], warm: float) -> str:
    serial = sum(layout + raster for _, layout, raster, _ in rows)
    workers = flowcharts.workers_for(len(rows), None)
    lines = [
        f"测量于 {now()}，{cpu_model()}，{os.cpu_count()} 核，系统负载 {os.getloadavg()[0]:.1f}；"
        f"D2 {d2.version()}（ELK 布局），PNG 由 resvg 按 {flowcharts.DPI} dpi 生成。"
        "命令：`.venv/bin/python benchmarks/bench_flowcharts.py`。",
        "",
        table(["流程图", "D2 布局（秒）", "PNG（秒）", "合计（秒）", "PNG 像素"],
              [[f"{doc.display_title}（`{doc.id}`）", f"{layout:.2f}", f"{raster:.2f}", f"{layout + raster:.2f}",
                f"{width} × {height}"] for doc, layout, raster, (width, height, _) in rows]),
        "",
        f"- 逐张渲染 {len(rows)} 张图，时间之和：{serial:.2f} 秒。",
        f"- 整套首次渲染（缓存为空；含写出文件）：SVG {cold[0]:.2f} 秒（D2 一次运行画出全部，每张图一个画板；原来两个线程各自调用 D2，约 1.4 秒），"
        f"PNG {cold[1]:.2f} 秒（{workers} 个工作进程），共 {sum(cold):.2f} 秒。",
        f"- 整套再次渲染（内容未变，全部取自 build/cache/flowcharts）：{warm:.3f} 秒。",
        "- 时间大半花在 200 dpi PNG 的光栅化上。网站只用 SVG，所以构建在 MkDocs 之前只画 SVG；"
        "PNG（下载和印刷版汇编用）在 MkDocs 运行的同时生成。",
    ]
    return "\n".join(lines)


def main() -> None:
    rows, cold, warm = measure()
    text = body(rows, cold, warm)
    write_section(HEADING, text)
    print(text)


if __name__ == "__main__":
    main()
