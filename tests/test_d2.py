"""Running D2 and rasterising: Chinese text laid out with the bundled font, in SVG and in PNG."""

from __future__ import annotations

import html
import re
import struct
import zlib

import pytest

from handbook import d2

SOURCE = """\
direction: down
a: "签收登记" {shape: oval}
b: "秘书一室初审" {link: "./document-management.html#incoming-procedure"}
a -> b: "符合"
"""


def png_header(png: bytes) -> dict:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = {}, 8
    while pos < len(png):
        length, kind = struct.unpack_from(">I4s", png, pos)
        chunks.setdefault(kind.decode(), []).append(png[pos + 8:pos + 8 + length])
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks["IHDR"][0][:10])
    return {"width": width, "height": height, "depth": depth, "colour": colour, "chunks": chunks}


def grey_rows(png: bytes) -> list[list[int]]:
    """Decode an 8-bit RGB(A) PNG into rows of brightness (0 black … 255 white)."""
    header = png_header(png)
    assert header["depth"] == 8 and header["colour"] in (2, 6)
    channels = 4 if header["colour"] == 6 else 3
    raw = zlib.decompress(b"".join(header["chunks"]["IDAT"]))
    stride = header["width"] * channels
    rows, previous = [], bytearray(stride)
    for y in range(header["height"]):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, up_left = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else up_left)) & 0xFF
        rows.append([sum(line[i:i + 3]) // 3 for i in range(0, stride, channels)])
        previous = line
    return rows


@pytest.fixture(scope="module")
def svg() -> bytes:
    return d2.render_svg(SOURCE)


def texts(svg: bytes) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", m)) for m in re.findall(r"<text[^>]*>(.*?)</text>", svg.decode(), re.S)]


def test_svg_keeps_chinese_text_as_text(svg):
    assert {"签收登记", "秘书一室初审", "符合"} <= set(texts(svg))


def test_svg_is_ready_to_inline_and_carries_no_version_or_date(svg):
    assert svg.startswith(b"<svg ")
    assert b"<?xml" not in svg and b"data-d2-version" not in svg
    assert not re.search(rb"20\d\d-\d\d-\d\d", svg)


def test_links_stay_relative(svg):
    assert re.findall(rb'<a href="([^"]*)"', svg) == [b"./document-management.html#incoming-procedure"]


def test_bundled_font_is_embedded_not_fetched(svg):
    faces = re.findall(rb"src: url\(\"([^\"]{0,40})", svg)
    assert faces and all(face.startswith(b"data:") for face in faces)
    assert not re.search(rb'(?:href|src)="https?:', svg)


def embedded_font_size(label: str) -> int:
    svg = d2.render_svg(f'a: "{label}"')
    return sum(len(data) for data in re.findall(rb"base64,([A-Za-z0-9+/=]+)", svg))


def test_embedded_font_carries_the_chinese_glyphs_used():
    # D2 embeds the subset of the bundled font that the labels use: more characters, more glyphs
    # (with its default Latin font the subset would not grow: it has no Chinese glyphs)
    assert embedded_font_size("签收登记秘书一室初审督办落实") > embedded_font_size("签收") + 1000


def test_same_source_gives_identical_svg(svg):
    assert d2.render_svg(SOURCE) == svg


def box_width(label: str) -> int:
    svg = d2.render_svg(f'a: "{label}" {{style.font-size: 15}}')
    return int(re.search(rb'<rect x="[^"]*" y="[^"]*" width="(\d+)"', svg.split(b'class="shape"')[1]).group(1))


def test_boxes_are_measured_with_the_bundled_font():
    # "m" is 1835/2048 em wide in WenQuanYi Micro Hei (D2's default font has another width)
    assert abs((box_width("m" * 20) - box_width("m" * 10)) - 10 * 15 * 1835 / 2048) <= 1
    # D2 gives CJK glyphs (1 em in this font) a little more than their width: they always fit
    assert box_width("一" * 20) - box_width("一" * 10) >= 10 * 15


def test_tidied_svg_is_ready_for_a_page(svg):
    assert b"appendix-icon" in svg  # D2 puts a link badge on linked boxes …
    tidy = d2.tidy_svg(svg, "收文<流程>")
    assert b'class="appendix-icon"' not in tidy  # … the whole box is the link instead
    # its boxes are links: a group of links for screen readers (role img would hide them)
    assert tidy.startswith(b'<svg role="group" aria-label="\xe6\x94\xb6\xe6\x96\x87&lt;')
    assert b"<title>\xe6\x94\xb6\xe6\x96\x87&lt;\xe6\xb5\x81\xe7\xa8\x8b&gt;</title>" in tidy
    width, height = re.search(rb'viewBox="0 0 (\d+) (\d+)"', svg).groups()
    assert re.match(rb'<svg [^>]*width="%s" height="%s"' % (width, height), tidy)
    css = b"".join(re.findall(rb"<!\[CDATA\[(.*?)\]\]>", tidy, re.S))
    selectors = [s.strip() for s in re.findall(rb"([^{}]+)\{", css)]
    assert selectors and all(s.startswith((b".d2-", b"@font-face")) for s in selectors), selectors
    assert b"\t" not in tidy


def test_d2_syntax_error_is_reported_in_chinese():
    with pytest.raises(d2.D2Error) as caught:
        d2.render_svg("a -> {", name="测试图")
    message = str(caught.value)
    assert message.startswith("D2 无法渲染测试图：D2 报告错误：") and "1:" in message


def test_missing_binary_is_reported_in_chinese(monkeypatch):
    monkeypatch.setattr(d2, "binary", lambda: "/nonexistent/d2")
    with pytest.raises(d2.D2Error, match="无法启动 D2 程序"):
        d2.render_svg(SOURCE)


def test_missing_font_is_reported_in_chinese(monkeypatch):
    monkeypatch.setattr(d2, "FONT", d2.ROOT / "assets" / "fonts" / "missing.ttf")
    with pytest.raises(d2.D2Error, match="找不到流程图字体"):
        d2.render_svg(SOURCE)


def test_png_has_the_requested_resolution(svg):
    png = d2.svg_to_png(svg, 200)
    header = png_header(png)
    view_width, view_height = (float(v) for v in re.search(rb'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    assert abs(header["width"] - view_width * 200 / 96) <= 1
    assert abs(header["height"] - view_height * 200 / 96) <= 1
    per_metre = struct.unpack(">IIB", header["chunks"]["pHYs"][0])
    assert per_metre == (7874, 7874, 1)  # 200 dpi


def test_png_draws_the_chinese_glyphs():
    drawn = '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40"><text x="4" y="30" font-size="32" font-family="d2-123-font-bold">流程</text></svg>'
    blank = drawn.replace("流程", "")
    ink = lambda svg: sum(v < 128 for row in grey_rows(d2.svg_to_png(svg.encode(), 96)) for v in row)
    assert ink(blank) == 0
    # two 32 px CJK glyphs cover a good part of their 64×32 px square
    assert ink(drawn) > 300


def test_too_low_resolution_is_refused(svg):
    with pytest.raises(d2.D2Error, match="过低"):
        d2.svg_to_png(svg, 50)


def test_drawings_sharing_a_run_come_out_as_drawn_alone(svg):
    # one run of D2 draws every flow; a drawing must not depend on which others share the run
    other = 'x: "督办"\ny: "归档"\nx -> y'
    together = d2.render_svgs({"drawing": SOURCE, "other": other})
    assert together["drawing"] == svg
    assert together["other"] == d2.render_svgs({"other": other})["other"]
    assert texts(together["other"]) == ["督办", "归档"]


def test_a_refused_drawing_in_a_shared_run_is_named_with_its_own_lines():
    with pytest.raises(d2.D2Error) as caught:
        d2.render_svgs({"good": SOURCE, "bad": "a -> b\nc -> {"}, names={"good": "甲图", "bad": "乙图"})
    message = str(caught.value)
    assert message.startswith("D2 无法渲染乙图：D2 报告错误：") and "-:2:1:" not in message and "2:1:" in message, message
