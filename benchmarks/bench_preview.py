"""Live preview latency: from saving a YAML file to the page served by `build.py serve` showing it.

Runs the preview on a throwaway copy of the project, edits a real regulation,
and polls the served page over HTTP on 127.0.0.1 every 20 ms until the new text
is there, as the browser's reload would fetch it. Writes the "实时预览" section
of benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/bench_preview.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from benchmarks.project import project_copy  # noqa: E402
from benchmarks.report import now, table, write_section  # noqa: E402
from support.preview_probe import Preview, wait_for  # noqa: E402

DOCUMENT = "shiwuhui-rules"
TEXT_ANCHOR = "制定本规则。"  # the end of the first article
TITLE_FIELD = "short_title: 室务会会议议事决策规则"
STARTUP = 300
TIMEOUT = 60
SETTLE = 1.0  # seconds between rounds, so one rebuild does not overlap the next edit


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def text_rounds(preview: Preview, rounds: int) -> list[float]:
    """An edit of one article's text: only that page is rendered again."""
    source = preview.root / "regulations" / f"{DOCUMENT}.yaml"
    seconds = []
    for n in range(rounds):
        marker = f"（预览测试{n}）"
        edit(source, TEXT_ANCHOR, TEXT_ANCHOR + marker)
        seconds.append(wait_for(preview.url(f"{DOCUMENT}.html"), lambda page: marker in page, TIMEOUT))
        time.sleep(SETTLE)
    return seconds


def title_rounds(preview: Preview, rounds: int) -> tuple[list[float], list[float]]:
    """A new short title changes the menu: seconds until the edited page, and until the home page, show it."""
    source = preview.root / "regulations" / f"{DOCUMENT}.yaml"
    edited, others = [], []
    current = TITLE_FIELD
    for n in range(rounds):
        changed = f"{TITLE_FIELD}（改{n}）"
        edit(source, current, changed)
        started = time.perf_counter()
        current = changed
        title = changed.split(": ", 1)[1]
        edited.append(wait_for(preview.url(f"{DOCUMENT}.html"), lambda page: title in page, TIMEOUT))
        wait_for(preview.url("index.html"), lambda page: title in page, TIMEOUT)
        others.append(time.perf_counter() - started)
        time.sleep(SETTLE)
    return edited, others


def row(name: str, seconds: list[float]) -> list[str]:
    return [name, f"{statistics.median(seconds):.2f}", f"{min(seconds):.2f}", f"{max(seconds):.2f}", str(len(seconds))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="测量实时预览的延迟")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        project = project_copy(Path(tmp) / "project")
        started = time.perf_counter()
        with Preview(project) as preview:
            wait_for(preview.url(f"{DOCUMENT}.html"), lambda page: TEXT_ANCHOR in page, STARTUP)
            startup = time.perf_counter() - started
            time.sleep(SETTLE)
            text = text_rounds(preview, args.rounds)
            title_edited, title_others = title_rounds(preview, max(3, args.rounds // 3))
    body = f"""\
测量于 {now()}，机器见“测试机器”一节。命令：`.venv/bin/python benchmarks/bench_preview.py --rounds {args.rounds}`。
在项目的副本中启动 `python3 build.py serve`（MkDocs `serve --dirty`），修改《室务会会议议事决策规则》的 YAML 并保存，
从写完文件起，每 20 毫秒通过 HTTP 向 127.0.0.1 请求该页面，直到新文字出现（浏览器自动刷新时取到的就是这一页）。
两次修改之间停 {SETTLE:.0f} 秒。目标：≤ 2 秒。

{table(["修改", "中位数（秒）", "最短（秒）", "最长（秒）", "次数"],
       [row("改一条的文字：该页", text), row("改简称（菜单变化）：该页", title_edited),
        row("改简称（菜单变化）：其他页面（首页）", title_others)])}

- 启动到首页可看：{startup:.1f} 秒（首次完整构建）。
- 测量结束时的系统负载（1 分钟平均）：{os.getloadavg()[0]:.2f}（{os.cpu_count()} 核）；负载高时个别几次会变慢。
- 做法：每 0.1 秒检查源文件，只重写内容有变化的 Markdown；MkDocs 以 `--dirty` 只重新渲染这些页面；
  预览专用的钩子（`handbook/preview_hook.py`）为 Material 的模板保留编译结果，省去每次重建时重新编译约 40 个模板。
- 菜单变化（标题、增删文件）时，先重新生成所改文件的页面，1 秒后再重新生成全部页面换上新菜单，所以其他页面稍慢。
"""
    write_section("实时预览", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
