"""A filled form converts to PDF with LibreOffice and its text survives (CI installs LibreOffice).

Needs the Debian packages libreoffice-writer-nogui, poppler-utils (pdftotext) and
fonts-noto-cjk; the test fails, not skips, when they are missing.
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


def test_filled_lending_slip_converts_to_pdf_with_its_text(tmp_path):
    source = tmp_path / "slip.docx"
    source.write_bytes(renderer("lending-slip").render(example_values("lending-slip")))
    profile = tmp_path / "profile"  # a private profile, so parallel LibreOffice runs do not collide
    subprocess.run([tool("soffice"), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, timeout=240, capture_output=True)
    pdf = tmp_path / "slip.pdf"
    assert pdf.exists()
    text = subprocess.run([tool("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    compact = "".join(text.split())  # cells wrap, so compare without line breaks
    for expected in ("中共X区委办公室涉密文件借阅单", "借阅单位", "区委办公室秘书一室", "0008",
                     "秘密", "机密", "2019年10月21日", "张明", "签字：王强", "起草全区保密工作会议讲话稿，参阅相关文件。"):
        assert expected in compact, expected
    pages = subprocess.run([tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.MULTILINE), pages
