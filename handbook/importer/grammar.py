"""The grammar of an office document: which line is a title, a chapter, an article, an item, a paragraph.

Input is a list of source lines (one paragraph each, Word's automatic numbers already
written out); output is the document's data in the shape of regulations/*.yaml, with
every typed number removed (numbers are derived from position) and a list of notes
about the numbering as the source had it.

The heading patterns are data (HEADINGS, LIST_STYLES, HEADER_LINES); each level of the
document has one function: header → body (rules: chapter → section → article → clause →
items; outline: nested lists).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..numbering import format_number
from ..structure import child_style

CN_DIGITS = "〇零一二三四五六七八九十百千两"
CN = f"[{CN_DIGITS}]+"
SEP = r"[ \t\u3000]*"  # what may stand between a number and its text (Word writes a tab)

# Headings of a rules document: 第X章 / 第X节 / 第X条, the text after them on the same line.
HEADINGS = {
    "chapter": re.compile(rf"^第(?P<n>{CN})章{SEP}(?P<rest>.*)$"),
    "section": re.compile(rf"^第(?P<n>{CN})节{SEP}(?P<rest>.*)$"),
    "article": re.compile(rf"^第(?P<n>{CN})条{SEP}(?P<rest>.*)$"),
}

# Numbered list entries, by the style name the model uses for them.
LIST_STYLES = {
    "一、": re.compile(rf"^(?P<n>{CN})、{SEP}(?P<rest>.*)$"),
    "（一）": re.compile(rf"^[（(]{SEP}(?P<n>{CN}){SEP}[）)]{SEP}(?P<rest>.*)$"),
    "（1）": re.compile(rf"^[（(]{SEP}(?P<n>\d{{1,3}}){SEP}[）)]{SEP}(?P<rest>.*)$"),
    "1.": re.compile(rf"^(?P<n>\d{{1,3}})[.．](?!\d){SEP}(?P<rest>.*)$"),
    "1、": re.compile(rf"^(?P<n>\d{{1,3}})、{SEP}(?P<rest>.*)$"),
    "①": re.compile(rf"^(?P<n>[①-⑳㉑-㉟㊱-㊿]){SEP}(?P<rest>.*)$"),
}

# Lines between the title and the body that carry the document's particulars.
HEADER_LINES = {
    "imprint": re.compile(r"^[（(].*(印|印发|发布|施行|通过)[）)]$"),
    "number": re.compile(r"^\S{1,20}[〔［\[]\d{4}[〕］\]]\d{1,4}号$"),
    "date": re.compile(rf"^[（(]?(\d{{4}}|[{CN_DIGITS}X]{{2,4}})年(\d{{1,2}}|{CN}|X)月(\d{{1,2}}|{CN}|X)日[）)]?$"),
    "issuer": re.compile(r"^(中共)?\S{0,16}(委员会|办公室|办公厅|人民政府|委)$"),
}

# A paragraph that ends a document rather than continuing its last list.
CLOSING = re.compile(r"^(本(制度|规则|办法|细则|规定|实施办法|职责|意见|方案|规程)|其他.*(执行|办理)|各\S{0,10}应.*执行|.*自.*(之日|起)(起)?(施行|实施|执行))")
# A run-in title at the start of an item: 签收。对收到的公文… / 重大决策：
RUN_IN_TITLE = re.compile(r"^(?P<title>[^。：:，,；;（(“]{1,12}[。：:])(?P<text>.*)$")
SENTENCE_END = tuple("。；;，,！？!?")
HEADING_MAX = 25

DEFAULT_CHAINS = {"outline": ["一、", "（一）", "1.", "（1）", "①"], "duties": ["1.", "（1）", "①"]}
ARTICLE_ITEMS = ["一、", "（一）", "1.", "（1）", "①"]  # the descent under an article starts at （一）


@dataclass
class Line:
    text: str
    no: int  # line (or paragraph) number in the source, for messages


@dataclass
class Token:
    kind: str  # chapter | section | article | list | plain
    style: str | None
    n: int | None
    rest: str
    line: Line


@dataclass
class Parsed:
    kind: str
    data: dict  # the document body fields (title, imprint, preamble, chapters/articles/body, closing, …)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, message) about the source's numbering
    fields: dict = field(default_factory=dict)  # header particulars: issuer, issued, number


def normalise(text: str) -> str:
    """Text as compared for "nothing lost": NFKC (half- and full-width alike), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def chinese_to_int(text: str) -> int | None:
    """十六 → 16, 一百零五 → 105, 二〇 → 20 (digit by digit); None when it is not a numeral."""
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
    units = {"十": 10, "百": 100, "千": 1000}
    if not text or any(c not in digits and c not in units for c in text):
        return None
    if not any(c in units for c in text):
        value = 0
        for c in text:
            value = value * 10 + digits[c]
        return value
    total, digit = 0, None
    for c in text:
        if c in digits:
            digit = digits[c]
        else:
            total += (1 if digit is None else digit) * units[c]
            digit = None
    return total + (digit or 0)


def _number(style: str, raw: str) -> int | None:
    if style == "①":
        return _circled_value(raw)
    if raw.isdigit():
        return int(raw)
    return chinese_to_int(raw)


def _circled_value(c: str) -> int:
    code = ord(c)
    if 0x2460 <= code <= 0x2473:
        return code - 0x2460 + 1
    if 0x3251 <= code <= 0x325F:
        return code - 0x3251 + 21
    return code - 0x32B1 + 36


def tokenize(line: Line) -> Token:
    text = line.text.strip()
    for kind, pattern in HEADINGS.items():
        match = pattern.match(text)
        if match and (n := chinese_to_int(match["n"])):
            return Token(kind, None, n, match["rest"].strip(), line)
    for style, pattern in LIST_STYLES.items():
        match = pattern.match(text)
        if match and (n := _number(style, match["n"])):
            return Token("list", style, n, match["rest"].strip(), line)
    return Token("plain", None, None, text, line)


# ---------------------------------------------------------------- header

def parse_header(lines: list[Line], known_title: str | None = None) -> tuple[dict, dict, list[Line]]:
    """Title and the particulars lines under it; returns (data, fields, body lines)."""
    data: dict = {}
    fields: dict = {}
    rest = [line for line in lines if line.text.strip()]
    if rest and tokenize(rest[0]).kind == "plain" and not rest[0].text.strip().endswith(SENTENCE_END):
        data["title"] = _collapse(rest[0].text)
        rest = rest[1:]
    elif known_title:
        data["title"] = known_title
    imprint = []
    while rest:
        text = rest[0].text.strip()
        kind = next((k for k, p in HEADER_LINES.items() if p.match(text)), None)
        if kind is None:
            break
        imprint.append(text)
        fields.setdefault(kind, text)
        rest = rest[1:]
    if imprint:
        data["imprint"] = " ".join(imprint)
    return data, fields, rest


def _collapse(text: str) -> str:
    """A heading without the spaces used to spread it out (总　则 → 总则)."""
    return re.sub(r"\s+", "", text.strip())


# ---------------------------------------------------------------- kind

def guess_kind(tokens: list[Token]) -> str:
    kinds = {t.kind for t in tokens}
    if "article" in kinds:
        return "rules"
    if "chapter" in kinds and any(t.style == "一、" for t in tokens):
        return "rules"
    first = next((t for t in tokens if t.kind == "list"), None)
    if first is not None and first.style in ("1.", "1、"):
        return "duties"
    return "outline"


def parse(lines: list[Line], kind: str | None = None, known_title: str | None = None) -> Parsed:
    data, fields, body = parse_header(lines, known_title)
    tokens = [tokenize(line) for line in body]
    kind = kind or ("pending" if not tokens else guess_kind(tokens))
    parsed = Parsed(kind, data, fields=fields)
    if kind == "pending":
        pass  # a title and nothing else: the entry stays 待录入
    elif kind == "rules":
        _Rules(parsed).run(tokens)
    else:
        _Outline(parsed).run(tokens)
    return parsed


# ---------------------------------------------------------------- nested numbered lists

class Lists:
    """One list of numbered items with the lists nested under them, fed one token at a time."""

    def __init__(self, parsed: Parsed, top: list, top_style: str | None = None):
        self.parsed = parsed
        self.top = top
        # each open level: [style, the list, last number, owner node]
        self.stack: list[list] = [[top_style, top, 0, None]]

    def item(self, token: Token) -> None:
        depth = next((i for i, level in enumerate(self.stack) if level[0] == token.style), None)
        if depth is None:
            if self.stack[0][0] is None:
                depth = 0
                self.stack[0][0] = token.style
            else:
                owner = self._last_item()
                if owner is None:  # a new style at the top after free paragraphs
                    depth = 0
                    self.stack[0][0] = token.style
                else:
                    owner.setdefault("items", [])
                    owner["_child_style"] = token.style
                    self.stack.append([token.style, owner["items"], 0, owner])
                    depth = len(self.stack) - 1
        del self.stack[depth + 1:]
        level = self.stack[depth]
        self._check_number(level, token)
        level[2] = token.n
        level[1].append(_item_node(token.rest, token.style))

    def _last_item(self) -> dict | None:
        items = self.stack[-1][1]
        return items[-1] if items and "_style" in items[-1] else None

    def _check_number(self, level: list, token: Token) -> None:
        expected = level[2] + 1
        if token.n == expected:
            return
        label = format_number(token.style, token.n) if token.n <= 50 else str(token.n)
        before = format_number(token.style, level[2]) if 0 < level[2] <= 50 else "开头"
        if token.n == level[2]:
            self.parsed.notes.append((token.line.no, f"编号重复：{before}之后又是{label}（已按顺序重新编号）"))
        elif level[2] == 0:
            self.parsed.notes.append((token.line.no, f"编号不从一开始：第一项是{label}（已按顺序重新编号）"))
        else:
            self.parsed.notes.append((token.line.no, f"编号不连续：{before}之后是{label}（已按顺序重新编号）"))

    def heading(self, text: str, next_token: Token | None) -> None:
        depth = 0
        if next_token is not None and next_token.kind == "list":
            depth = next((i for i, level in enumerate(self.stack) if level[0] == next_token.style), 0)
        del self.stack[depth + 1:]
        level = self.stack[depth]
        node = {"h": text}
        if next_token is not None and next_token.kind == "list" and level[0] != next_token.style:
            node["_restyle"] = next_token.style
            level[0] = next_token.style
        level[1].append(node)
        level[2] = 0

    def wants_text(self, text: str) -> bool:
        """二、事项范围 on its own line, its opening words on the next: they are the item's text."""
        items = self.stack[-1][1]
        last = items[-1] if items else None
        if last is None or "_style" not in last or "text" in last or last.get("items"):
            return False
        if "title" not in last:
            return True  # （三） alone on its line
        return text.endswith(SENTENCE_END + ("：", ":"))

    def paragraph(self, text: str) -> None:
        if self.wants_text(text):
            self.stack[-1][1][-1]["text"] = text
            return
        self.stack[-1][1].append({"p": text})

    @property
    def empty(self) -> bool:
        return not self.top


def _item_node(rest: str, style: str) -> dict:
    node: dict = {"_style": style}
    if not rest:
        return node
    if not rest.endswith(SENTENCE_END + ("：", ":")) and len(rest) <= HEADING_MAX:
        node["title"] = rest  # 一、基本原则
        return node
    match = RUN_IN_TITLE.match(rest)
    if match and (match["text"] or rest.endswith(("：", ":"))):
        node["title"] = match["title"]
        if match["text"]:
            node["text"] = match["text"]
        return node
    node["text"] = rest
    return node


def is_heading(token: Token, following: Token | None) -> bool:
    """An unnumbered short line that introduces what follows (综合室主要工作职责, 工作职责：)."""
    text = token.rest
    if not text or len(text) > HEADING_MAX or following is None:
        return False
    if text.endswith(("：", ":")):
        return following.kind in ("plain", "list")
    if text.endswith(SENTENCE_END):
        return False
    return following.kind == "list" and following.n == 1


def finish_nodes(nodes: list[dict], style: str, chain: list[str]) -> list:
    """Drop the parser's bookkeeping, set `style` only where the default descent would number otherwise,
    and write single-text items as plain strings (the style of regulations/*.yaml)."""
    out = []
    for node in nodes:
        if "h" in node:
            restyle = node.pop("_restyle", None)
            if restyle and restyle != style:
                node["style"] = restyle
            style = restyle or style
            out.append(node)
            continue
        if "p" in node:
            out.append(node)
            continue
        own = node.pop("_style")
        children_style = node.pop("_child_style", None)
        if node.get("items"):
            if children_style != child_style(own, chain):
                node["style"] = children_style
            node["items"] = finish_nodes(node["items"], children_style, chain)
        else:
            node.pop("items", None)
        if set(node) == {"text"}:
            out.append(node["text"])
        elif not node:
            out.append({"text": ""})  # an empty item: kept visible so the check reports it
        else:
            out.append(node)
    return out


# ---------------------------------------------------------------- outline and duties

class _Outline:
    def __init__(self, parsed: Parsed):
        self.parsed = parsed
        self.body: list = []
        self.preamble: list[str] = []
        self.closing: list[str] = []
        self.lists = Lists(parsed, self.body)

    def run(self, tokens: list[Token]) -> None:
        for i, token in enumerate(tokens):
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            if token.kind in ("chapter", "section", "article"):
                token = Token("plain", None, None, token.line.text.strip(), token.line)
                self.parsed.notes.append((token.line.no, "提纲式文件中出现章、节或条的编号，已作为段落保留"))
            if token.kind == "list":
                self._flush_closing()
                self.lists.item(token)
            elif self.lists.empty and not (is_heading(token, following) and following.kind == "list"):
                self.preamble.append(token.rest)
            elif is_heading(token, following) and not self.lists.wants_text(token.rest):
                self._flush_closing()
                self.lists.heading(token.rest, following)
            elif self.closing or CLOSING.match(token.rest):
                self.closing.append(token.rest)
            else:
                self.lists.paragraph(token.rest)
        self._flush_closing(final=True)
        chain = self._chain()
        data = self.parsed.data
        if not self.body:  # free paragraphs only (a flowchart or table flattened to text)
            self.body = [{"p": text} for text in self.preamble]
            self.preamble = []
        if self.preamble:
            data["preamble"] = self.preamble
        if chain != DEFAULT_CHAINS.get(self.parsed.kind, DEFAULT_CHAINS["outline"])[:len(chain)]:
            data["styles"] = chain
        top = chain[0] if chain else "一、"
        data["body"] = finish_nodes(self.body, top, chain or DEFAULT_CHAINS["outline"])
        if self.closing:
            data["closing"] = self.closing

    def _flush_closing(self, final: bool = False) -> None:
        if not final:
            for text in self.closing:
                self.lists.paragraph(text)
            self.closing = []

    def _chain(self) -> list[str]:
        """The styles down the first path of the document: its default descent."""
        chain: list[str] = []
        nodes = self.body
        while nodes:
            first = next((n for n in nodes if "_style" in n), None)
            if first is None:
                break
            if first["_style"] in chain:
                break
            chain.append(first["_style"])
            nodes = next((n.get("items") for n in nodes if "_style" in n and n.get("items")), None)
        default = DEFAULT_CHAINS.get(self.parsed.kind, DEFAULT_CHAINS["outline"])
        if chain and chain == default[:len(chain)]:
            return default
        return chain or default


# ---------------------------------------------------------------- rules

class _Rules:
    """章—节—条—款—项—目. Articles may also be numbered 一、 inside chapters (article_style 一、)."""

    def __init__(self, parsed: Parsed):
        self.parsed = parsed
        self.chapters: list[dict] = []
        self.articles: list[dict] = []  # when there are no chapters
        self.preamble: list[str] = []
        self.article_n = 0
        self.last_source = 0  # the number the source gave the last article, for messages
        self.last_heading: dict[str, int] = {}  # the same for chapters and sections
        self.chapter_n = 0
        self.section_n = 0
        self.current: dict | None = None  # the article being read
        self.lists: Lists | None = None
        self.article_style = "第一条"

    def run(self, tokens: list[Token]) -> None:
        if not any(t.kind == "article" for t in tokens):
            self.article_style = "一、"
        for i, token in enumerate(tokens):
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            if token.kind == "chapter":
                self.chapter(token, following)
            elif token.kind == "section":
                self.section(token)
            elif self._is_article(token):
                self.article(token)
            elif token.kind == "list" and self.current is not None and self._fits(token):
                self.lists.item(token)
            elif token.kind == "plain" and self._pending_title(token):
                continue
            else:
                self.paragraph(token)
        self._finish()

    def _is_article(self, token: Token) -> bool:
        if self.article_style == "第一条":
            return token.kind == "article"
        return token.kind == "list" and token.style == "一、"

    def _fits(self, token: Token) -> bool:
        """Items under an article start at （一）; a list in another style cannot be derived there."""
        return self.lists.stack[0][0] is not None or token.style == "（一）"

    def _target(self) -> list:
        if not self.chapters:
            return self.articles
        chapter = self.chapters[-1]
        if chapter.get("sections"):
            return chapter["sections"][-1]["articles"]
        return chapter.setdefault("articles", [])

    def chapter(self, token: Token, following: Token | None) -> None:
        self.chapter_n = self._count("章", self.chapter_n, token)
        self.section_n = 0
        chapter = {"title": _collapse(token.rest)}
        if self.articles and not self.chapters:
            self.parsed.notes.append((token.line.no, "第一章之前已有条：规则的条要么都在章中，要么都不分章，"
                                                     "这些条只能归入第一章（核对会指出位置变化）"))
            chapter["articles"], self.articles = self.articles, []
        self.chapters.append(chapter)
        self.current = None

    def section(self, token: Token) -> None:
        if not self.chapters:
            self.parsed.notes.append((token.line.no, "节不在任何章中，已作为段落保留"))
            self.paragraph(Token("plain", None, None, token.line.text.strip(), token.line))
            return
        self.section_n = self._count("节", self.section_n, token)
        chapter = self.chapters[-1]
        if chapter.get("articles"):
            self.parsed.notes.append((token.line.no, "本章在第一节之前已有条，已归入第一节"))
        chapter.setdefault("sections", []).append({"title": _collapse(token.rest), "articles": chapter.pop("articles", [])})
        self.current = None

    def _count(self, unit: str, last: int, token: Token) -> int:
        """The derived number of a chapter or section; a gap or repeat in the source's own numbers is noted."""
        from ..numbering import chinese_numeral

        source_last = self.last_heading.get(unit, 0) if last else 0
        if token.n != source_last + 1:
            label = f"第{chinese_numeral(token.n)}{unit}"
            before = f"第{chinese_numeral(source_last)}{unit}" if source_last else "开头"
            message = f"编号重复：{before}之后又是{label}" if token.n == source_last else f"编号不连续：{before}之后是{label}"
            self.parsed.notes.append((token.line.no, f"{message}（已按顺序重新编号）"))
        self.last_heading[unit] = token.n
        return last + 1

    def _pending_title(self, token: Token) -> bool:
        """第一章 on its own line, its title on the next."""
        if self.chapters and self.current is None and not self.chapters[-1]["title"]:
            target = self.chapters[-1]["sections"][-1] if self.chapters[-1].get("sections") else self.chapters[-1]
            target["title"] = _collapse(token.rest)
            return True
        return False

    def article(self, token: Token) -> None:
        last = self.last_source
        if token.n != last + 1:
            style = self.article_style
            label = format_number(style, token.n) if token.n < 10000 else str(token.n)
            before = format_number(style, last) if last else "开头"
            if token.n == last:
                message = f"编号重复：{before}之后又是{label}"
            else:
                message = f"编号不连续：{before}之后是{label}"
            self.parsed.notes.append((token.line.no, f"{message}（已按顺序重新编号）"))
        self.last_source = token.n
        self.article_n += 1
        self.current = {"clauses": [], "_line": token.line.no}
        if token.rest:
            self.current["clauses"].append({"text": token.rest, "items": []})
        self._target().append(self.current)
        self.lists = Lists(self.parsed, self.current["clauses"][-1]["items"], None) if self.current["clauses"] else None

    def paragraph(self, token: Token) -> None:
        text = token.line.text.strip() if token.kind != "plain" else token.rest
        if token.kind == "list":
            self.parsed.notes.append((token.line.no, f"条中的编号「{token.style}」不能由系统生成（条下的项从（一）开始），编号作为文字保留"))
        if self.current is None:
            if self.chapters:
                self.parsed.notes.append((token.line.no, "章标题与第一条之间的段落无处安放，已作为正文前段落保留"))
            self.preamble.append(text)
            return
        clause = {"text": text, "items": []}
        self.current["clauses"].append(clause)
        self.lists = Lists(self.parsed, clause["items"], None)

    def _finish(self) -> None:
        data = self.parsed.data
        if self.preamble:
            data["preamble"] = self.preamble
        if self.article_style != "第一条":
            data["article_style"] = self.article_style
        if self.chapters:
            for chapter in self.chapters:
                if chapter.get("sections"):
                    for section in chapter["sections"]:
                        section["articles"] = [finish_article(a) for a in section["articles"]]
                else:
                    chapter["articles"] = [finish_article(a) for a in chapter.get("articles", [])]
            data["chapters"] = self.chapters
        else:
            data["articles"] = [finish_article(a) for a in self.articles]


def finish_article(article: dict) -> dict | str:
    clauses = []
    for clause in article["clauses"]:
        items = finish_nodes(clause["items"], "（一）", ARTICLE_ITEMS)
        clauses.append({"text": clause["text"], "items": items} if items else clause["text"])
    key = article.get("key")
    if not clauses:
        out: dict = {"text": ""}  # an article with no words: validation will point at it
    elif len(clauses) == 1:
        out = {"text": clauses[0]} if isinstance(clauses[0], str) else dict(clauses[0])
    else:
        out = {"clauses": clauses}
    if key:
        out = {"key": key, **out}
    return out["text"] if set(out) == {"text"} else out
