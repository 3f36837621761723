"""Flowchart rendering time: each flow alone (D2 layout, then the 200 dpi PNG), the whole set from
an empty cache (in parallel, as the build does) and again with the cache filled.

    .venv/bin/python benchmarks/bench_flowcharts.py

Writes the section "流程图渲染" of docs/benchmarks.md (creating the file if needed) and
leaves every other section as it is.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handbook.sources import load_handbook  # noqa: E402  (first: loads the model before flow)
from handbook import d2  # noqa: E402
from handbook.render import flowcharts  # noqa: E402

REPORT = ROOT / "docs" / "benchmarks.md"
HEADING = "## 流程图渲染"


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def cpu_name() -> str:
    info = Path("/proc/cpuinfo")
    if info.exists():
        for line in info.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "未知 CPU"


def machine() -> str:
    return (f"{cpu_name()}，{os.cpu_count()} 核；{platform.system()} {platform.release()}；"
            f"Python {platform.python_version()}；D2 {d2.version()}（ELK 布局）")


def measure() -> tuple[list[tuple[str, str, float, float, tuple[int, int]]], float, float, int]:
    handbook, problems = load_handbook(ROOT)
    if handbook is None:
        sys.exit("\n".join(str(p) for p in problems))
    flows = [s.doc for s in handbook.structures if s.doc.kind == "flow"]
    rows = []
    for doc in flows:
        source = flowcharts.d2_source(doc, handbook.index)
        svg, layout = timed(d2.render_svg, source)
        png, raster = timed(d2.svg_to_png, d2.tidy_svg(svg, doc.title), flowcharts.DPI)
        rows.append((doc.id, doc.display_title, layout, raster, d2.png_size(png)[:2]))
    with tempfile.TemporaryDirectory() as temp:
        cache, out = Path(temp) / "cache", Path(temp) / "out"
        _, cold = timed(flowcharts.render_all, flows, out, index=handbook.index, cache_dir=cache)
        _, warm = timed(flowcharts.render_all, flows, out, index=handbook.index, cache_dir=cache)
    return rows, cold, warm, len(flows)


def section(rows, cold: float, warm: float, count: int) -> str:
    serial = sum(layout + raster for _, _, layout, raster, _ in rows)
    lines = [
        HEADING,
        "",
        f"测量于 {dt.date.today().isoformat()}，机器：{machine()}。",
        "命令：`.venv/bin/python benchmarks/bench_flowcharts.py`（运行时机器上若有其他负载，数字会偏大）。",
        "",
        "| 流程图 | D2 布局（秒） | PNG 200 dpi（秒） | 合计（秒） | PNG 尺寸（像素） |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for flow_id, title, layout, raster, (width, height) in rows:
        lines.append(f"| {title}（`{flow_id}`） | {layout:.2f} | {raster:.2f} | {layout + raster:.2f} | {width} × {height} |")
    workers = min(flowcharts.MAX_WORKERS, os.cpu_count() or 1, count)
    lines += [
        "",
        f"- 逐个渲染 {count} 张图之和：{serial:.2f} 秒",
        f"- 整套首次渲染（缓存为空，{workers} 个进程并行，含写出文件）：{cold:.2f} 秒",
        f"- 整套再次渲染（内容未变，全部取自 build/cache/flowcharts）：{warm:.3f} 秒",
        "",
    ]
    return "\n".join(lines)


def write_section(text: str) -> None:
    """Replace this benchmark's section of docs/benchmarks.md, or append it; other sections stay."""
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    old = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# 基准测试\n\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    new = pattern.sub(lambda _: text + "\n", old) if pattern.search(old) else old.rstrip("\n") + "\n\n" + text
    REPORT.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    rows, cold, warm, count = measure()
    text = section(rows, cold, warm, count)
    write_section(text)
    print(text)


if __name__ == "__main__":
    main()
