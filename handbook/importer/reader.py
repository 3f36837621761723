"""Source files as lines of text: .txt (UTF-8 or GBK) and .docx (Word, WPS).

A .docx paragraph numbered by Word's automatic list numbering gets its number
written out (第一条, （一）, 1.) exactly as Word shows it, so the grammar sees the
same text as in a document with typed numbers. Headers, footers and page numbers
are not part of the body and are never read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import HandbookError, Problem
from ..numbering import chinese_numeral, circled
from .grammar import Line

PAGE_NUMBER = re.compile(r"^[\s\-—–－]*(\d{1,4}|第\s*\d{1,4}\s*页(\s*[，,]?\s*共\s*\d{1,4}\s*页)?)[\s\-—–－]*$")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class SourceText:
    lines: list[Line]
    format: str  # how the file was read, for the report: UTF-8 文本, GBK 文本, Word 文档
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, text) left out on purpose
    auto_numbered: int = 0  # paragraphs whose number came from Word's list numbering
    tables: list[tuple[int, int, int]] = field(default_factory=list)  # (first line, rows, columns)


def read_source(path: Path) -> SourceText:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise HandbookError([Problem(str(path), 1, 1, "文件不存在")])
    if suffix == ".docx":
        return read_docx(path)
    if suffix in (".txt", ".text"):
        return read_txt(path)
    hint = "请在 Word 或 WPS 中“另存为” .docx（Word 文档）后再导入" if suffix in (".doc", ".wps", ".rtf") else \
        "可导入 .docx（Word、WPS 文档）或 .txt（纯文本）"
    raise HandbookError([Problem(str(path), 1, 1, f"不支持的文件类型「{suffix or '无扩展名'}」", hint=hint)])


def decode(data: bytes, shown: str) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), else GBK (as GB18030, its superset)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK"
    except UnicodeDecodeError as error:
        raise HandbookError([Problem(shown, 1, 1, f"无法识别文件编码（第 {error.start} 字节）",
                                     hint="请把文件另存为 UTF-8 或 GBK 编码的文本")]) from error


def read_txt(path: Path) -> SourceText:
    text, encoding = decode(path.read_bytes(), str(path))
    source = SourceText([], f"{encoding} 文本")
    for no, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        raw = raw.replace("\f", "")
        if not raw.strip():
            continue
        if PAGE_NUMBER.match(raw):
            source.skipped.append((no, raw.strip()))
            continue
        source.lines.append(Line(raw.strip(), no))
    return source


# ---------------------------------------------------------------- .docx

def read_docx(path: Path) -> SourceText:
    import zipfile

    import docx
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise HandbookError([Problem(str(path), 1, 1, f"无法打开 Word 文档：{error}",
                                     hint="文件可能已损坏，或实际是旧版 .doc：请在 Word/WPS 中另存为 .docx")]) from error
    numbering = Numbering(document)
    source = SourceText([], "Word 文档")
    no = 0
    for element in _body_blocks(document.element.body):
        if element.tag == f"{W}p":
            no += 1
            paragraph = Paragraph(element, document)
            text = _paragraph_text(element)
            label = numbering.label(paragraph, document)
            if label:
                source.auto_numbered += 1
                text = label + text
            if text.strip():
                source.lines.append(Line(text.strip(), no))
        elif element.tag == f"{W}tbl":
            rows = _table_rows(element)
            first = no + 1
            for cells in rows:
                no += 1
                text = "\u3000".join(c for c in cells if c)
                if text.strip():
                    source.lines.append(Line(text.strip(), no))
            source.tables.append((first, len(rows), max((len(r) for r in rows), default=0)))
    return source


def _body_blocks(body):
    """Paragraphs and tables in reading order, looking inside content controls."""
    for child in body:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _body_blocks(content)


def _paragraph_text(p) -> str:
    """The visible text of a paragraph: runs, tabs and breaks; field codes and deleted text left out."""
    parts = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen", f"{W}sym"):
        if any(a.tag in (f"{W}del", f"{W}instrText") for a in node.iterancestors()):
            continue
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag in (f"{W}tab",):
            if node.getparent().tag == f"{W}r":
                parts.append("\t")
        elif node.tag in (f"{W}br", f"{W}cr"):
            parts.append(" ")
        elif node.tag == f"{W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _table_rows(tbl) -> list[list[str]]:
    rows = []
    for tr in tbl.iter(f"{W}tr"):
        cells = []
        for tc in tr.findall(f"{W}tc"):
            cells.append(" ".join(_paragraph_text(p).strip() for p in tc.iter(f"{W}p") if _paragraph_text(p).strip()))
        rows.append(cells)
    return rows


FORMATS = {
    "decimal": str,
    "chineseCounting": chinese_numeral,
    "chineseCountingThousand": chinese_numeral,
    "japaneseCounting": chinese_numeral,
    "ideographDigital": lambda n: "".join("〇一二三四五六七八九"[int(d)] for d in str(n)),
    "decimalEnclosedCircle": circled,
    "decimalEnclosedCircleChinese": circled,
    "decimalFullWidth": lambda n: "".join(chr(0xFF10 + int(d)) for d in str(n)),
    "decimalHalfWidth": str,
    "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26),
    "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26),
}
SUFFIX = {"tab": "\t", "space": " ", "nothing": ""}


class Numbering:
    """Word's list numbering (numbering.xml): the number each numbered paragraph shows.

    Counters belong to the abstract definition, so two list instances (w:num) of one definition
    continue each other, as in Word; an instance with a start override restarts where it begins.
    """

    def __init__(self, document):
        self.abstract: dict[str, dict[int, dict]] = {}
        self.links: dict[str, str] = {}  # abstractNumId → numbering style it takes its levels from
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, dict]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[tuple[str, int]] = set()
        self.styles = self._style_numbering(document)
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for abstract in root.findall(f"{W}abstractNum"):
            abstract_id = abstract.get(f"{W}abstractNumId")
            self.abstract[abstract_id] = {int(lvl.get(f"{W}ilvl")): _level(lvl) for lvl in abstract.findall(f"{W}lvl")}
            link = abstract.find(f"{W}numStyleLink")
            if link is not None:
                self.links[abstract_id] = link.get(f"{W}val")
        for num in root.findall(f"{W}num"):
            abstract_id = _val(num, "abstractNumId", "")
            starts, levels = {}, {}
            for override in num.findall(f"{W}lvlOverride"):
                ilvl = int(override.get(f"{W}ilvl"))
                start = override.find(f"{W}startOverride")
                if start is not None:
                    starts[ilvl] = int(start.get(f"{W}val"))
                lvl = override.find(f"{W}lvl")
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
            self.nums[num.get(f"{W}numId")] = (abstract_id, starts, levels)

    @staticmethod
    def _style_numbering(document) -> dict[str, tuple[str, int]]:
        """Paragraph styles that carry numbering themselves (a 条 style, say)."""
        found = {}
        try:
            styles = document.styles.element
        except (KeyError, AttributeError):
            return found
        for style in styles.findall(f"{W}style"):
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                num_id = _val(num_pr, "numId", None)
                if num_id:
                    found[style.get(f"{W}styleId")] = (num_id, int(_val(num_pr, "ilvl", "0")))
        return found

    def _definition(self, num_id: str, depth: int = 0) -> tuple[str, dict[int, dict]]:
        abstract_id, _, levels = self.nums[num_id]
        style = self.links.get(abstract_id)
        if style and depth < 5 and self.styles.get(style, (None,))[0] in self.nums:
            linked_id, linked = self._definition(self.styles[style][0], depth + 1)
            return linked_id, {**linked, **levels}
        return abstract_id, {**self.abstract.get(abstract_id, {}), **levels}

    def label(self, paragraph, document) -> str:
        p_pr = paragraph._p.pPr
        num_id, ilvl = None, 0
        num_pr = p_pr.find(f"{W}numPr") if p_pr is not None else None
        style = p_pr.find(f"{W}pStyle") if p_pr is not None else None
        if style is not None:
            num_id, ilvl = self.styles.get(style.get(f"{W}val"), (None, 0))
        if num_pr is not None:
            num_id = _val(num_pr, "numId", num_id)
            ilvl = int(_val(num_pr, "ilvl", str(ilvl)))
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, levels = self._definition(num_id)
        if ilvl not in levels:
            return ""
        starts = self.nums[num_id][1]
        counters = self.counters.setdefault(abstract_id, {})
        start = starts.get(ilvl, levels[ilvl]["start"])
        if ilvl in starts and (num_id, ilvl) not in self.started:
            self.started.add((num_id, ilvl))
            counters.pop(ilvl, None)
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        level = levels[ilvl]
        if level["fmt"] in ("bullet", "none"):
            return ""
        text = level["text"]
        for k in range(ilvl + 1):
            value = counters.get(k, levels.get(k, {}).get("start", 1))
            fmt = FORMATS.get(levels.get(k, level)["fmt"], str)
            text = text.replace(f"%{k + 1}", fmt(value))
        return text + SUFFIX.get(level["suff"], "\t")


def _level(lvl) -> dict:
    return {"fmt": _val(lvl, "numFmt", "decimal"), "text": _val(lvl, "lvlText", ""),
            "start": int(_val(lvl, "start", "1")), "suff": _val(lvl, "suff", "tab")}


def _val(element, child: str, default):
    node = element.find(f"{W}{child}")
    return node.get(f"{W}val") if node is not None and node.get(f"{W}val") is not None else default
