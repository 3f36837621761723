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
