"""The compendium PDF made by LibreOffice: CI installs it with the fonts (see pdf.DEBIAN_PACKAGES)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from handbook.render import pdf as pdfmod
from handbook.render.compendium import build_compendium, compendium_filename, contents_entries



def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, check=True, text=True).stdout


@pytest.fixture(scope="module")
def made(handbook, tmp_path_factory):
    """The DOCX and its PDF, built the way the build does it (contents measured in the PDF)."""
    assert pdfmod.available(), f"LibreOffice is needed here: apt-get install {pdfmod.DEBIAN_PACKAGES}"
    folder = tmp_path_factory.mktemp("pdf")

    def build(pages=None) -> Path:
        return build_compendium(handbook.compendium, handbook.structures, handbook.index, folder / "c.docx",
                                toc_pages=pages)

    docx = build()
    pdf = pdfmod.compendium_pdf(docx, folder / "c.pdf", rebuild=build)
    return docx, pdf


@pytest.fixture(scope="module")
def pages(made) -> list[str]:
    return pdfmod.page_texts(made[1])


def layout_page(pdf: Path, number: int) -> list[str]:
    return run("pdftotext", "-layout", "-enc", "UTF-8", "-f", str(number), "-l", str(number), str(pdf), "-").splitlines()


def test_page_count_is_plausible(made, pages, handbook):
    documents = len(handbook.structures)
    last_start = contents_entries(made[0])[-1][1]
    assert documents + 4 <= len(pages) <= 3 * documents
    assert last_start <= len(pages) <= last_start + 10


def test_a4_pages(made):
    info = run("pdfinfo", str(made[1]))
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert float(size.group(1)) == pytest.approx(595.3, abs=1) and float(size.group(2)) == pytest.approx(841.9, abs=1)


def test_first_page_is_the_cover(pages, handbook):
    cover = re.sub(r"\s", "", pages[0])
    compendium = handbook.compendium
    for words in ("内部资料", compendium.title, compendium.issuer, compendium.edition_date):
        assert re.sub(r"\s", "", words) in cover
    assert "第一条" not in cover and "目录" not in cover
    assert pages[1].strip() == ""  # the back of the cover; the contents start on page 3
    assert re.sub(r"\s", "", pages[2]).startswith("目录")


def test_text_is_extractable_and_every_document_starts_where_the_contents_say(made, pages, handbook):
    listed = contents_entries(made[0])
    measured = pdfmod.title_pages(pages, [title for title, _ in listed])
    assert measured == [page for _, page in listed]
    first = re.sub(r"\s", "", pages[listed[0][1] - 1])
    assert "第一章总则" in first and "第一条为全面加强区委办公室自身建设" in first


def test_page_numbers_in_the_footer(made, pages):
    first_page = contents_entries(made[0])[0][1]
    for number in (first_page, first_page + 1):
        lines = [line.strip() for line in layout_page(made[1], number) if line.strip()]
        assert re.fullmatch(rf"—\s*{number}\s*—", lines[-1])
    assert not re.search(r"—\s*\d+\s*—", pages[0] + pages[2])  # none on the cover and the contents


def test_a_full_page_has_22_lines_of_28_characters(made):
    first_page = contents_entries(made[0])[0][1]
    lines = [line for line in layout_page(made[1], first_page + 1) if line.strip()][:-1]  # without the footer
    assert len(lines) == 22
    widths = Counter(len(re.sub(r"\s", "", line)) for line in lines)
    assert max(widths) == 28 and widths[28] >= 10


def test_fonts_come_from_the_alias_file_not_fontconfigs_guess(made):
    fonts = run("pdffonts", str(made[1]))
    assert "NotoSerifCJK" in fonts  # 仿宋_GB2312 / 宋体
    assert re.search(r"NotoSerifCJK\S*-Bold", fonts)  # 方正小标宋简体: the heavy cut
    assert "NotoSansCJK" in fonts  # 黑体
    assert "UKai" in fonts  # 楷体_GB2312
    assert "DejaVu" not in fonts
    embedded = [line.split()[-5] for line in fonts.splitlines()[2:]]
    assert embedded and set(embedded) == {"yes"}


def test_same_docx_same_pdf_bytes(made, tmp_path):
    again = pdfmod.convert(made[0], tmp_path / "again.pdf")
    assert again.read_bytes() == made[1].read_bytes()
    assert b"(D:20190101000000" in again.read_bytes()


@pytest.fixture(scope="module")
def download(built_site, handbook, tmp_path_factory) -> tuple[Path, Path, Path]:
    """The compendium as the site offers it (flowcharts and forms included), converted twice: as a
    user would, with a plain `soffice --convert-to pdf` and the machine's own fonts, and as --pdf does."""
    docx = built_site / "downloads" / compendium_filename(handbook.compendium)
    folder = tmp_path_factory.mktemp("direct")
    profile = (folder / "profile").as_uri()
    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    subprocess.run([pdfmod.soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(docx)], check=True, capture_output=True, env=env,
                   timeout=pdfmod.CONVERT_TIMEOUT)
    built = pdfmod.compendium_pdf(docx, folder / "built.pdf")
    return docx, folder / docx.with_suffix(".pdf").name, built


def page_count(pdf: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(pdf))).group(1))


def test_the_download_converted_directly_prints_like_the_build(download):
    docx, direct, built = download
    assert page_count(direct) == page_count(built) >= 80
    listed = contents_entries(docx)
    for pdf in (direct, built):  # the pages written in the contents are where the documents start
        assert pdfmod.title_pages(pdfmod.page_texts(pdf), [t for t, _ in listed]) == [page for _, page in listed]
    first_page = listed[0][1]
    for pdf in (direct, built):
        lines = [line for line in layout_page(pdf, first_page + 1) if line.strip()][:-1]  # without the footer
        widths = Counter(len(re.sub(r"\s", "", line)) for line in lines)
        assert len(lines) == 22 and max(widths) == 28 and widths[28] >= 10, (pdf.name, widths)
    contents = [line for line in layout_page(direct, 3) if line.strip()]
    assert all(re.search(r"\.{3,}\s*\d+$", line) for line in contents[1:-1])  # title, leader and page on one line


def test_clear_message_without_libreoffice(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pdfmod.PdfError) as error:
        pdfmod.convert(tmp_path / "x.docx", tmp_path / "x.pdf")
    assert "未找到 LibreOffice" in str(error.value) and "apt-get install" in str(error.value)
    assert not pdfmod.available()


def test_contents_pages_wrong_in_the_docx_are_corrected_from_the_pdf(made, handbook, tmp_path):
    right = [page for _, page in contents_entries(made[0])]

    def build(pages) -> Path:
        return build_compendium(handbook.compendium, handbook.structures, handbook.index, tmp_path / "c.docx",
                                toc_pages=pages)

    docx = build([page + 2 for page in right])
    pdfmod.compendium_pdf(docx, tmp_path / "c.pdf", rebuild=build)
    assert [page for _, page in contents_entries(docx)] == right
    measured = pdfmod.title_pages(pdfmod.page_texts(tmp_path / "c.pdf"), [t for t, _ in contents_entries(docx)])
    assert measured == right
