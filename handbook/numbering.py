"""Chinese numerals and the numbering styles used in official rules.

Numbers are always derived from position; nothing in the YAML carries a typed
number. A *style* names how one list is numbered (第一条, 一、, （一）, 1. …).
"""

from __future__ import annotations

DIGITS = "〇一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))

# style name → formatter. Style names are what editors may write in YAML.
STYLES = ("第一条", "一、", "（一）", "1.", "1、", "（1）", "①")


def chinese_numeral(n: int) -> str:
    """Return the Chinese numeral for 1 ≤ n ≤ 9999 as used in 第X条 (十六, 一百零五)."""
    if not 0 < n < 10000:
        raise ValueError(f"无法转换为中文数字：{n}")
    out: list[str] = []
    pending_zero = False
    rest = n
    for value, unit in _UNITS:
        digit, rest = divmod(rest, value)
        if digit:
            if pending_zero:
                out.append("零")
                pending_zero = False
            # 十六 not 一十六 when the number starts with the tens digit
            if not (value == 10 and digit == 1 and not out):
                out.append(DIGITS[digit])
            out.append(unit)
        elif out:
            pending_zero = True
    if rest:
        if pending_zero:
            out.append("零")
        out.append(DIGITS[rest])
    return "".join(out)


def circled(n: int) -> str:
    if not 0 < n <= 50:
        raise ValueError(f"带圈数字只支持 1–50：{n}")
    if n <= 20:
        return chr(0x2460 + n - 1)
    if n <= 35:
        return chr(0x3251 + n - 21)
    return chr(0x32B1 + n - 36)


def format_number(style: str, n: int) -> str:
    """The label of the n-th entry of a list numbered in `style`, e.g. ('（一）', 3) → '（三）'."""
    if style == "第一条":
        return f"第{chinese_numeral(n)}条"
    if style == "一、":
        return f"{chinese_numeral(n)}、"
    if style == "（一）":
        return f"（{chinese_numeral(n)}）"
    if style == "1.":
        return f"{n}."
    if style == "1、":
        return f"{n}、"
    if style == "（1）":
        return f"（{n}）"
    if style == "①":
        return circled(n)
    raise ValueError(f"未知的编号样式：{style}")


def chapter_label(n: int) -> str:
    return f"第{chinese_numeral(n)}章"


def section_label(n: int) -> str:
    return f"第{chinese_numeral(n)}节"


def bare(style: str, n: int) -> str:
    """The number as cited inside a reference: （三） stays, 一、 becomes 一, 1. becomes 1."""
    label = format_number(style, n)
    return label.rstrip("、.")
