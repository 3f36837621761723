"""PDF of the compendium through LibreOffice, with the official font names mapped to open fonts.

LibreOffice is optional: without it the build still writes the DOCX, and asking
for the PDF fails with a message that says what to install. Fonts are chosen by
assets/fontconfig/fonts.conf (仿宋/宋体/小标宋 → Noto Serif CJK SC, 黑体 → Noto
Sans CJK SC, 楷体 → AR PL UKai CN), never by fontconfig's guess.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Callable, Sequence

from ..dates import source_date
from ..paths import FONTS_CONF
from .compendium import contents_entries

DEBIAN_PACKAGES = "libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai poppler-utils"
CONVERT_TIMEOUT = 600
# Keep the blank pages that put the contents and the text on odd pages; LibreOffice drops them by default.
PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


class PdfError(Exception):
    """The PDF could not be made; the message (Chinese) says why and what to do."""


def _tool(names: Sequence[str], what: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise PdfError(f"未找到 {what}，无法生成或检查 PDF。"
                   f"请先安装 LibreOffice 和中文字体，例如在 Debian/Ubuntu 上运行：apt-get install {DEBIAN_PACKAGES}")


def soffice() -> str:
    """Path of the LibreOffice executable, or PdfError saying how to install it."""
    return _tool(("soffice", "libreoffice"), "LibreOffice（soffice）")


def available() -> bool:
    try:
        soffice()
    except PdfError:
        return False
    return True


def compendium_pdf(docx: Path, pdf: Path, rebuild: Callable[[list[int]], Path] | None = None) -> Path:
    """The compendium's PDF, with a contents whose page numbers are the PDF's own.

    The DOCX lists the page numbers the compendium's own pagination computes, and
    every program prints that list as it is. The PDF is measured as a check: should
    a document start elsewhere, rebuild(pages) writes the DOCX again with the
    measured pages (the download is then that corrected file, the same one the PDF
    comes from) and it is converted once more."""
    convert(docx, pdf)
    listed = contents_entries(docx)
    measured = title_pages(page_texts(pdf), [title for title, _ in listed])
    pages = [found or page for found, (_, page) in zip(measured, listed)]
    if rebuild is not None and pages != [page for _, page in listed]:
        convert(rebuild(pages), pdf)
    return pdf


def convert(docx: Path, pdf: Path, *, timeout: int = CONVERT_TIMEOUT) -> Path:
    """Convert docx to pdf with LibreOffice headless, using the project's font mapping.

    Each run gets a throwaway LibreOffice profile (runs never share state or lock
    each other out); the PDF's dates and ids are then made reproducible."""
    executable = soffice()
    docx, pdf = Path(docx), Path(pdf)
    data = docx.read_bytes()
    with tempfile.TemporaryDirectory(prefix="handbook-pdf-") as work:
        work_dir = Path(work)
        source = work_dir / "compendium.docx"
        source.write_bytes(data)  # the download itself: one document for every program
        command = [executable, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless",
                   "--norestore", "--nolockcheck", "--convert-to", PDF_FILTER, "--outdir", str(work_dir / "out"),
                   str(source)]
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": str(work_dir)}
        try:
            result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as error:
            raise PdfError(f"LibreOffice 转换 {docx.name} 超时（超过 {timeout} 秒）") from error
        produced = work_dir / "out" / "compendium.pdf"
        if result.returncode != 0 or not produced.exists():
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["没有输出"]
            raise PdfError(f"LibreOffice 未能把 {docx.name} 转换为 PDF：{detail[0]}")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        pdf.write_bytes(reproducible(produced.read_bytes(), docx_date(data)))
    return pdf


def docx_date(docx: bytes) -> dt.datetime | None:
    """The creation date in the DOCX's core properties (the compendium's build date)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        if "docProps/core.xml" not in archive.namelist():
            return None
        core = archive.read("docProps/core.xml").decode("utf-8")
    found = re.search(r"<dcterms:created[^>]*>(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)", core)
    return dt.datetime.fromisoformat(found.group(1)) if found else None


_DATE = re.compile(rb"\(D:(\d{14})([^)]*)\)")
# The document id and LibreOffice's /DocChecksum differ on every run even for the same input.
_ID = re.compile(rb"/ID\s*\[\s*<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*\]|/DocChecksum\s*/[0-9A-Fa-f]+")
_HEX = re.compile(rb"(?<=[</])[0-9A-Fa-f]{16,}")


def reproducible(data: bytes, when: dt.datetime | None = None) -> bytes:
    """Fix the dates and derive the ids from the content, keeping every byte offset."""
    stamp = (when or source_date(dt.datetime(1980, 1, 1))).strftime("%Y%m%d%H%M%S").encode()
    data = _DATE.sub(lambda m: b"(D:" + stamp + re.sub(rb"\d", b"0", m.group(2)) + b")", data)
    digest = hashlib.sha256(_ID.sub(b"", data)).hexdigest().upper().encode()
    return _ID.sub(lambda m: _HEX.sub(lambda h: digest[:len(h.group())], m.group()), data)


def page_texts(pdf: Path) -> list[str]:
    """The text of every page (pdftotext from poppler-utils)."""
    tool = _tool(("pdftotext",), "pdftotext（poppler-utils）")
    result = subprocess.run([tool, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True)
    return result.stdout.decode("utf-8").split("\f")[:-1]


def title_pages(pages: Sequence[str], titles: Sequence[str]) -> list[int | None]:
    """The page (1-based) each title starts, searching in order; None when not found.

    A document starts on a new page with its title, so the page's text begins
    with the title (line breaks aside)."""
    compact = [re.sub(r"\s", "", text) for text in pages]
    found: list[int | None] = []
    start = 0
    for title in titles:
        key = re.sub(r"\s", "", title)
        page = next((i for i in range(start, len(compact)) if compact[i].startswith(key)), None)
        found.append(None if page is None else page + 1)
        if page is not None:
            start = page + 1
    return found
