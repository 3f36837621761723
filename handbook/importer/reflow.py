"""Run-together text cut back into paragraphs: 第一章总则第一条 为……。第二条 ……

Text extracted from a PDF or a scan often loses its paragraph breaks, so one line holds a
whole document. A line is cut before a number only where that number is the one expected
next (第三条 after 第二条, （二） after （一）, a new list starting at 1) and the text before
it ends a sentence or is a short unpunctuated title — so 依照第五条规定 or 10万元 are never cut.
What the breaks alone told apart (two 款 of one article, a free paragraph after an item) cannot
be recovered and stays with the element before it.
"""

from __future__ import annotations

import re

from .grammar import HEADER_LINES, Line, normalise, tokenize

ENDS = "。；;：:！？!?”）)"
RUN_TOGETHER = 150  # a paragraph this long may hold several; a shorter one is taken as it is
# words that make 第五条 a citation, never the start of an article
CITING = re.compile(r"(本(规则|制度|办法|细则|规定|实施办法|条例)|依照|按照|根据|依据|违反|参照|见|和|、|或|及|与|至|到|由|第[一二三四五六七八九十百]+[章节])$")
PUNCTUATION = re.compile(r"[，,；;。：:、“”（）()！？!?《》]")
SENTENCE = re.compile(r"[。；;！？!?]")
TITLE_MAX = 30
MARKER_START = re.compile(r"第|[（(]|[〇零一二三四五六七八九十百千两]+、|\d{1,3}[.．、]|[①-⑳]")
IMPRINT = re.compile(r"^[（(][^（）()]{0,30}(印|印发)[）)]")


class _Expectation:
    """Which numbers may come next: the headings' counters and the open lists."""

    def __init__(self):
        self.last = {"chapter": 0, "section": 0, "article": 0}
        self.lists: list[list] = []  # [style, last number]

    def accepts(self, token) -> str | None:
        """'next', 'restart' or None for a token found inside a line."""
        if token.kind in self.last:
            return "next" if token.n == self.last[token.kind] + 1 else None
        if token.kind != "list":
            return None
        for depth, (style, last) in enumerate(self.lists):
            if style == token.style:
                if token.n == last + 1:
                    return "next"
                if token.n == last and depth == 0:
                    return "repeat"  # 三、 twice: the grammar reports it
                return "restart" if token.n == 1 else None
        return "push" if token.n == 1 else None

    def take(self, token) -> None:
        if token.kind in self.last:
            self.last[token.kind] = token.n
            if token.kind == "chapter":
                self.last["section"] = 0
            if token.kind == "article":
                self.lists = []
            return
        if token.kind != "list":
            return
        for depth, (style, _) in enumerate(self.lists):
            if style == token.style:
                del self.lists[depth:]
                break
        self.lists.append([token.style, token.n])


def reflow(lines: list[Line], titles: list[str] = ()) -> list[Line]:
    """The lines with every run-together paragraph cut out on its own (same line number)."""
    expect = _Expectation()
    out: list[Line] = []
    for line in lines:
        text = line.text.strip()
        if len(text) < RUN_TOGETHER:
            first = tokenize(Line(text, 0))
            if first.kind != "plain" and expect.accepts(first):
                expect.take(first)
            out.append(Line(text, line.no))
            continue
        for part in _cut(text, expect, titles if not out else ()):
            out.append(Line(part, line.no))
    return out


def _cut(text: str, expect: _Expectation, titles) -> list[str]:
    parts: list[str] = []
    for title in sorted(titles, key=len, reverse=True):
        if normalise(text[:len(title)]) == normalise(title) and len(text) > len(title):
            parts.append(text[:len(title)])
            text = text[len(title):].lstrip()
            imprint = IMPRINT.match(text)
            if imprint:
                parts.append(imprint.group())
                text = text[imprint.end():].lstrip()
            break
    first = tokenize(Line(text, 0))
    if first.kind != "plain" and expect.accepts(first):
        expect.take(first)
    start = 0
    for match in MARKER_START.finditer(text):
        at = match.start()
        if at <= start:
            continue
        token = tokenize(Line(text[at:], 0))
        if token.kind == "plain":
            continue
        verdict = expect.accepts(token)
        segment = text[start:at]
        if verdict is None or not _boundary(segment, verdict, token) or \
                token.kind == "article" and CITING.search(segment.rstrip()):
            continue
        tail = _heading_tail(segment) if not segment.rstrip()[-1] in ENDS else ""
        if tail:
            parts.append(segment[:len(segment) - len(tail)].strip())
            parts.append(tail.strip())
        else:
            parts.append(segment.strip())
        expect.take(token)
        start = at
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _boundary(segment: str, verdict: str, token) -> bool:
    """May a paragraph end here? After a sentence, or after a short title (第一章总则, 一、基本原则)."""
    body = segment.rstrip()
    if not body:
        return False
    if body[-1] in ENDS:
        return verdict != "restart"
    if verdict in ("restart", "push") and _heading_tail(segment):
        return True  # …高效有序。综合室主要工作职责 1.负责…
    if verdict in ("restart", "repeat"):
        return False
    first = tokenize(Line(body, 0))
    if first.kind == "plain" and token.n == 1 and len(body) <= 60 and not SENTENCE.search(body) \
            and not re.search(r"[，,：:、]", body):
        return True  # the document's title before its first 第一章, 第一条 or 一、
    titled = first.kind in ("chapter", "section") or token.kind == "list" and first.kind == "list"
    return titled and len(first.rest) <= TITLE_MAX and not PUNCTUATION.search(first.rest)


def _heading_tail(segment: str) -> str:
    """A short unpunctuated line after the segment's last sentence: 综合室主要工作职责, 工作职责："""
    body = segment.rstrip()
    ends = [m.end() for m in SENTENCE.finditer(body)]
    if not ends:
        return ""
    tail = segment[ends[-1]:]
    words = tail.strip()
    if not words or len(words) > TITLE_MAX or SENTENCE.search(words) or any(p.match(words) for p in HEADER_LINES.values()):
        return ""
    if re.search(r"[，,（(“]", words.rstrip("：:")):
        return ""
    return tail
