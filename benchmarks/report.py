"""benchmarks/RESULTS.md: each benchmark owns one "## " section and replaces only that one.

A section runs from its "## " heading to the next "## " heading (the convention
bench_forms.py and bench_flowcharts.py follow too), so sections written by
different scripts, at different times, live side by side.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "benchmarks" / "RESULTS.md"
TITLE = "# 性能测试记录\n\n"


def write_section(heading: str, body: str, report: Path = REPORT, *, first: bool = False) -> None:
    """Replace the section `## heading` of the report, or add it (at the end, or before all others
    when `first`); every other section stays as it is."""
    text = f"## {heading}\n\n{body.strip()}\n"
    report.parent.mkdir(parents=True, exist_ok=True)
    current = report.read_text(encoding="utf-8") if report.exists() else TITLE
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    next_section = re.search(r"^## ", current, re.MULTILINE)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text + "\n", current)
    elif first and next_section:
        updated = current[:next_section.start()] + text + "\n" + current[next_section.start():]
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    report.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")


def cpu_model() -> str:
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
    except OSError:
        found = None
    return found.group(1).strip() if found else (platform.processor() or platform.machine())


def memory_gib() -> float | None:
    try:
        found = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
    except OSError:
        return None
    return int(found.group(1)) / 2**20 if found else None


def chromium_version() -> str:
    try:
        out = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "未安装"
    return out.strip() or "未知"


def package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "未安装"


def machine_rows() -> list[tuple[str, str]]:
    memory = memory_gib()
    load = f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "未知"
    return [
        ("处理器", cpu_model()),
        ("核数", str(os.cpu_count())),
        ("内存", f"{memory:.1f} GiB" if memory else "未知"),
        ("系统", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("MkDocs / Material", f"{package_version('mkdocs')} / {package_version('mkdocs-material')}"),
        ("浏览器", chromium_version()),
        ("开始时的系统负载（1 分钟）", load),
    ]


def argument_parser(prog: str, description: str):
    """An argparse parser speaking Chinese, like build.py's own."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from handbook.cli import Parser

    return Parser(prog=prog, description=description)


def table(header: list[str], rows: list[list[str]], align: str = "") -> str:
    """A Markdown table; align holds one of l/r per column (default: first left, others right)."""
    align = align or "l" + "r" * (len(header) - 1)
    marks = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

