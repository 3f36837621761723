"""Filled forms convert to PDF with LibreOffice and their text survives (CI installs LibreOffice).

Needs the Debian packages libreoffice-writer-nogui, poppler-utils (pdftotext, pdfinfo)
and fonts-noto-cjk; the test fails, not skips, when they are missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from forms_helpers import example_values, renderer


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"缺少 {name}：请安装 libreoffice-writer-nogui、poppler-utils 和 fonts-noto-cjk"
    return path


def test_filled_forms_convert_to_pdf_with_their_text(tmp_path):
    sources = {"slip": "lending-slip", "notice": "meeting-notice"}
    for name, form_id in sources.items():
        (tmp_path / f"{name}.docx").write_bytes(renderer(form_id).render(example_values(form_id)))
    profile = tmp_path / "profile"  # a private profile, so parallel LibreOffice runs do not collide
    subprocess.run([tool("soffice"), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *(str(tmp_path / f"{n}.docx") for n in sources)],
                   check=True, timeout=300, capture_output=True)

    def text(name: str) -> str:
        return subprocess.run([tool("pdftotext"), str(tmp_path / f"{name}.pdf"), "-"], check=True,
                              capture_output=True, text=True).stdout

    compact = "".join(text("slip").split())  # table cells wrap, so compare without line breaks
    for expected in ("中共X区委办公室涉密文件借阅单", "借阅单位", "区委办公室秘书一室", "0008", "秘密", "机密",
                     "2019年10月21日", "张明", "签字：王强", "起草全区保密工作会议讲话稿，参阅相关文件。"):
        assert expected in compact, expected
    pages = subprocess.run([tool("pdfinfo"), str(tmp_path / "slip.pdf")], check=True, capture_output=True,
                           text=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.MULTILINE), pages
    # the agenda's three lines stay three lines (multi-line fields use rich-text controls)
    lines = [line.strip() for line in text("notice").splitlines()]
    assert ["一、传达上级保密工作会议精神；", "二、通报第三季度保密检查情况；", "三、区委领导讲话。"] == \
        [line for line in lines if line[:2] in ("一、", "二、", "三、")]


def pages_of(pdf) -> int:
    info = subprocess.run([tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))


def test_the_meeting_notice_and_its_receipt_fit_one_a4_page(tmp_path):
    """For the example, for three attendee rows filled out in full, and for both blanks (LibreOffice's reading)."""
    from handbook.forms.data import check_record, example_record
    from handbook.forms.render import HANDWRITTEN

    from forms_helpers import form

    notice = form("meeting-notice")
    full = example_record(notice) | {"attendees": [
        {"role": "出席", "unit": "各镇（街道）党（工）委", "person": "李华", "title": "分管保密工作负责同志"},
        {"role": "出席", "unit": "区直各部门", "person": "赵强", "title": "保密工作负责同志"},
        {"role": "列席", "unit": "区委办公室秘书一室", "person": "张明", "title": "主任"}]}
    values, errors = check_record(notice, full)
    assert errors == []
    documents = {"example": renderer("meeting-notice").render(example_values("meeting-notice")),
                 "three-rows": renderer("meeting-notice").render(values),
                 "blank": renderer("meeting-notice").render(None),
                 "print": renderer("meeting-notice").render(None, HANDWRITTEN)}
    for name, data in documents.items():
        (tmp_path / f"{name}.docx").write_bytes(data)
    subprocess.run([tool("soffice"), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), *(str(tmp_path / f"{n}.docx") for n in documents)],
                   check=True, timeout=300, capture_output=True)
    assert {name: pages_of(tmp_path / f"{name}.pdf") for name in documents} == {name: 1 for name in documents}
    # the receipt is on that page, under its cut line
    text = subprocess.run([tool("pdftotext"), str(tmp_path / "three-rows.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "沿此线剪下" in text and "回执" in text and "参会单位" in text
