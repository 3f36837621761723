"""Where the project's own files are: the one place that works out the project root.

Commands take the root as an argument (tests build copies of the project elsewhere);
these constants are the defaults and the files that ship with the program.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
CJK_FONT = ASSETS / "fonts" / "wqy-microhei.ttf"  # the flowcharts' bundled TrueType font
FONTS_CONF = ASSETS / "fontconfig" / "fonts.conf"  # font aliases LibreOffice uses for the PDF
