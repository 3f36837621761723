"""PDF of the compendium through LibreOffice, with the official font names mapped to open fonts.

LibreOffice is optional: without it the build still writes the DOCX, and asking
for the PDF fails with a message that says what to install.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from .ooxml import qn, serialize, source_date

ROOT = Path(__file__).resolve().parents[2]
FONTS_CONF = ROOT / "assets" / "fontconfig" / "fonts.conf"
DEBIAN_PACKAGES = "libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai"
CONVERT_TIMEOUT = 600
# Keep the blank pages that put each part on an odd page; LibreOffice drops them by default.
PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


class PdfError(Exception):
    """The PDF could not be made; the message (Chinese) says why and what to do."""


def grid_for_libreoffice(docx: bytes) -> bytes:
    """The DOCX with Word's character grid expressed as condensed glyph spacing.

    Word fits 28 characters to a line by placing them on the document grid's
    pitch (w:charSpace). LibreOffice instead gives every glyph wider than a grid
    cell two cells, spreading a justified line to 14 characters. So the copy
    LibreOffice converts keeps only the line grid and condenses the glyphs by
    the same amount, which yields the same 28 characters per line.
    """
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    document = etree.fromstring(parts["word/document.xml"])
    condense = None
    for grid in document.iter(qn("w:docGrid")):
        if grid.get(qn("w:type")) == "linesAndChars" and grid.get(qn("w:charSpace")):
            grid.set(qn("w:type"), "lines")
            condense = math.floor(int(grid.get(qn("w:charSpace"))) * 20 / 4096)
    if condense is None:
        return docx
    styles = etree.fromstring(parts["word/styles.xml"])
    run_defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    spacing = etree.SubElement(run_defaults, qn("w:spacing"))
    spacing.set(qn("w:val"), str(condense))
    _order_rpr(run_defaults)
    parts["word/document.xml"] = serialize(document)
    parts["word/styles.xml"] = serialize(styles)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


_RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "color", "spacing", "w", "kern", "position", "sz", "szCs",
              "highlight", "u", "lang"]


def _order_rpr(rpr: etree._Element) -> None:
    rank = {name: i for i, name in enumerate(_RPR_ORDER)}
    for child in sorted(rpr, key=lambda c: rank.get(etree.QName(c).localname, len(rank))):
        rpr.append(child)


def soffice() -> str:
    """Path of the LibreOffice executable, or PdfError telling how to install it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise PdfError("未找到 LibreOffice（soffice），无法生成 PDF。"
                   f"请先安装 LibreOffice 和中文字体，例如在 Debian/Ubuntu 上运行：apt-get install {DEBIAN_PACKAGES}")


def convert(docx: Path, pdf: Path, *, timeout: int = CONVERT_TIMEOUT) -> Path:
    """Convert docx to pdf with LibreOffice headless, using the project's font mapping.

    A throwaway LibreOffice profile is used so runs do not share state (or lock
    each other out); the PDF's dates and id are then made reproducible.
    """
    executable = soffice()
    docx, pdf = Path(docx), Path(pdf)
    with tempfile.TemporaryDirectory(prefix="handbook-pdf-") as work:
        work_dir = Path(work)
        source = work_dir / docx.name
        source.write_bytes(grid_for_libreoffice(docx.read_bytes()))
        command = [executable, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless",
                   "--norestore", "--nolockcheck", "--convert-to", PDF_FILTER,
                   "--outdir", str(work_dir / "out"), str(source)]
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": str(work_dir)}
        try:
            result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as error:
            raise PdfError(f"LibreOffice 转换超时（超过 {timeout} 秒）：{docx.name}") from error
        produced = work_dir / "out" / (docx.stem + ".pdf")
        if result.returncode != 0 or not produced.exists():
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["无输出"]
            raise PdfError(f"LibreOffice 未能把 {docx.name} 转换为 PDF：{detail[0]}")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        pdf.write_bytes(reproducible(produced.read_bytes()))
    return pdf


_DATE = re.compile(rb"\(D:(\d{14})([^)]*)\)")
# The document id and LibreOffice's /DocChecksum differ on every run even for the same input.
_ID = re.compile(rb"/ID\s*\[\s*<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*\]|/DocChecksum\s*/[0-9A-Fa-f]+")
_HEX_RUN = re.compile(rb"(?<=[</])[0-9A-Fa-f]{16,}")


def reproducible(data: bytes, when: dt.datetime | None = None) -> bytes:
    """Fix the dates and derive the random ids from the content, keeping every byte offset."""
    stamp = (when or source_date(dt.datetime(1980, 1, 1))).strftime("%Y%m%d%H%M%S").encode()
    data = _DATE.sub(lambda m: b"(D:" + stamp + re.sub(rb"\d", b"0", m.group(2)) + b")", data)
    digest = hashlib.sha256(_ID.sub(b"", data)).hexdigest().upper().encode()
    return _ID.sub(lambda m: _HEX_RUN.sub(lambda h: digest[:len(h.group())], m.group()), data)
