"""Lints: mistakes a schema cannot see, reported at file:line:column with a hint.

Each rule is registered with a code, a Chinese name and a default severity; the
editors' guide page lists them from this registry. Errors are clear mistakes
(an empty article, a number typed in front of the very number the system
derives); everything that faithful source text may legitimately contain is a
warning, which `check --strict` turns into a failure.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterator

from .errors import Problem
from .load import Source

if TYPE_CHECKING:  # handbook.structure pulls in the model; lint itself only needs the types
    from .refs import Index
    from .structure import Element, Structure

# Fields whose strings are running prose (the last named part of a value's location)
PROSE_FIELDS = frozenset({"text", "title", "p", "h", "preamble", "closing", "articles", "items", "clauses",
                          "body", "note", "change", "label", "imprint", "purpose", "help", "description"})
# Fields whose text may begin with what looks like a number
NUMBERABLE_FIELDS = PROSE_FIELDS - {"note", "change", "label", "imprint", "purpose", "help", "description"}

_CN = "〇零一二三四五六七八九十百千两"
HAND_NUMBER = re.compile(
    # 第X条 only when set off like a label (第五条规定… is prose); the bracketed and dotted forms always
    rf"^\s*(第[{_CN}\d]+[章节条](?=[ \u3000]|$)|[（(][{_CN}]+[）)]|[{_CN}]+、|[（(]\d+[）)]|\d+[.．、](?!\d)|[\u2460-\u2473])"
)
CJK = r"\u3400-\u9fff\uf900-\ufaff"
CJK_OR_FULL = CJK + r"\u3000-\u303f\uff00-\uffef“”‘’《》"
HALF_PUNCT = re.compile(rf"(?<=[{CJK_OR_FULL}])[,;:?!()]|[,;:?!()](?=[{CJK_OR_FULL}])|(?<=[{CJK}])\.(?=[{CJK}]|$)")
FULL_OF = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}
PAIRS = (("《", "》"), ("（", "）"), ("“", "”"), ("‘", "’"), ("【", "】"))
SPACES = " \t\u3000"
EARLIEST_YEAR = 1949
DATE_FIELDS = ("issued", "effective", "reviewed")


@dataclass
class FileContext:
    """One YAML file under lint: its data with positions, raw lines, and numbered structure if any."""

    source: Source
    structure: Structure | None = None
    index: Index | None = None  # for checks that resolve references
    today: dt.date = field(default_factory=dt.date.today)

    @cached_property
    def raw_lines(self) -> list[str]:
        try:
            return self.source.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return []

    @cached_property
    def elements(self) -> dict[tuple, Element]:
        """Element by its location in the data; for a one-clause article the article wins over its clause."""
        found: dict[tuple, Element] = {}
        for element in self.structure.walk() if self.structure else []:
            found.setdefault(tuple(element.loc), element)
        return found

    def element_at(self, loc: tuple) -> Element | None:
        loc = tuple(loc)
        while loc:
            if loc in self.elements:
                return self.elements[loc]
            loc = loc[:-1]
        return None

    @cached_property
    def _all_strings(self) -> list[tuple[tuple, str, str]]:
        """(location, text, name of the field) of every string outside corrections."""
        from .validate import strings

        found = []
        for loc, text in strings(self.source.data):
            names = [part for part in loc if isinstance(part, str)]
            if names and "corrections" not in names:
                found.append((loc, text, names[-1]))
        return found

    def strings(self, fields: frozenset[str] = PROSE_FIELDS) -> Iterator[tuple[tuple, str]]:
        return ((loc, text) for loc, text, name in self._all_strings if name in fields)

    def position(self, loc: tuple, value: str, offset: int) -> tuple[int, int]:
        """Line and column of value[offset] in the file (the value's start when it cannot be placed)."""
        line, column = self.source.where(loc)
        start = value.rfind("\n", 0, offset) + 1
        context = value[max(start, offset - 8):offset + 1]
        last = line + value.count("\n") + len(value) // 10 + 2  # folded scalars span more lines than \n says
        for number in range(line - 1, min(len(self.raw_lines), last)):
            raw = self.raw_lines[number]
            found = raw.find(context, column - 1 if number == line - 1 else 0)
            if found >= 0:
                return number + 1, found + len(context)
        return line, column

    def problem(self, loc: tuple, message: str, severity: str, hint: str | None = None,
                value: str | None = None, offset: int = 0) -> Problem:
        line, column = self.position(loc, value, offset) if value is not None else self.source.where(loc)
        return Problem(self.source.shown, line, column, message, severity, hint)

    def label(self, loc: tuple) -> str:
        element = self.element_at(loc)
        return f"{element.citation}：" if element is not None and element.citation else ""


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str  # the usual severity; a rule may report a clearer case as an error
    description: str
    check: Callable[[FileContext], Iterator[Problem]]


RULES: list[Rule] = []


def rule(code: str, name: str, severity: str, description: str):
    def register(check: Callable[[FileContext], Iterator[Problem]]):
        RULES.append(Rule(code, name, severity, description, check))
        return check
    return register


@rule("empty-text", "空白内容", "error", "条、款、项或段落只有空格，没有文字。")
def empty_text(ctx: FileContext) -> Iterator[Problem]:
    for loc, text in ctx.strings():
        if text and not text.strip(SPACES + "\n"):
            yield ctx.problem(loc, f"{ctx.label(loc)}内容为空（只有空格）", "error",
                              hint="填写文字，或删除这一项")


@rule("hand-numbering", "手工编号", "warning",
      "文字以「第X条」「（一）」「一、」「1.」等编号开头。编号由系统按位置生成，手工输入会重复显示；"
      "与系统生成的编号相同时为错误。")
def hand_numbering(ctx: FileContext) -> Iterator[Problem]:
    for loc, text in ctx.strings(NUMBERABLE_FIELDS):
        match = HAND_NUMBER.match(text)
        if not match:
            continue
        typed = match.group(1)
        element = ctx.element_at(loc)
        derived = element.label if element is not None else ""
        same = bool(derived) and _normal_number(typed) == _normal_number(derived)
        message = (f"{ctx.label(loc)}开头手工输入了编号「{typed}」，与系统生成的编号重复" if same
                   else f"{ctx.label(loc)}文字以编号「{typed}」开头")
        hint = "删去这个编号：编号由系统按位置生成" + ("" if same else "；若它确是原文的一部分，可忽略本警告")
        yield ctx.problem(loc, message, "error" if same else "warning", hint, value=text, offset=match.start(1))


def _normal_number(text: str) -> str:
    return text.translate(str.maketrans("()．", "（）.")).strip()


@rule("half-width-punctuation", "半角标点", "warning",
      "中文文字中夹用了半角标点（, ; : ? ! ( )），应为全角（，；：？！（））。")
def half_width_punctuation(ctx: FileContext) -> Iterator[Problem]:
    for loc, text in ctx.strings():
        found = list(HALF_PUNCT.finditer(text))
        if not found:
            continue
        marks = "".join(dict.fromkeys(m.group() for m in found))
        fixes = "、".join(f"「{m}」→「{FULL_OF[m]}」" for m in marks)
        yield ctx.problem(loc, f"{ctx.label(loc)}中文里有 {len(found)} 处半角标点", "warning",
                          hint=f"改为全角：{fixes}", value=text, offset=found[0].start())


@rule("unbalanced-brackets", "括号不成对", "warning", "书名号《》、括号（）、引号“”‘’或【】不成对。")
def unbalanced_brackets(ctx: FileContext) -> Iterator[Problem]:
    for loc, text in ctx.strings():
        for opening, closing in PAIRS:
            offset = _unbalanced(text, opening, closing)
            if offset is not None:
                yield ctx.problem(loc, f"{ctx.label(loc)}「{opening}{closing}」不成对", "warning",
                                  hint=f"检查是否漏了「{opening}」或「{closing}」", value=text, offset=offset)
                break


def _unbalanced(text: str, opening: str, closing: str) -> int | None:
    """Offset of the first bracket without a partner, or None."""
    stack: list[int] = []
    for i, char in enumerate(text):
        if char == opening:
            stack.append(i)
        elif char == closing:
            if not stack:
                return i
            stack.pop()
    return stack[0] if stack else None


@rule("trailing-space", "多余空格", "warning", "行尾有空格或制表符，或文字首尾有空格（段首不必空两格，排版时自动处理）。")
def trailing_space(ctx: FileContext) -> Iterator[Problem]:
    for number, raw in enumerate(ctx.raw_lines, start=1):
        stripped = raw.rstrip(SPACES)
        if stripped != raw:
            yield Problem(ctx.source.shown, number, len(stripped) + 1, "行尾有多余的空格", "warning",
                          "删除行尾空格（编辑器可设置保存时自动删除）")
    for loc, text in ctx.strings():
        body = text.strip("\n")
        if body and body.strip(SPACES) != body and body.strip(SPACES):
            leading = body != body.lstrip(SPACES)
            yield ctx.problem(loc, f"{ctx.label(loc)}文字{'开头' if leading else '末尾'}有空格", "warning",
                              hint="删除首尾空格；段首缩进由排版自动处理" if leading else "删除末尾空格")


@rule("implausible-date", "日期可疑", "warning",
      "日期在今天之后、早于 1949 年，或施行日期、审核日期早于印发日期，修订记录的日期早于印发日期。"
      "（写法不是日期的，如 2019-02-30、2019年10月，由格式检查报错。）")
def implausible_date(ctx: FileContext) -> Iterator[Problem]:
    data = ctx.source.data if isinstance(ctx.source.data, dict) else {}
    dated = [((name,), data.get(name)) for name in DATE_FIELDS]
    history = data.get("history") if isinstance(data.get("history"), list) else []  # raw data: any shape
    dated += [(("history", i, "date"), entry.get("date")) for i, entry in enumerate(history)
              if isinstance(entry, dict)]
    issued = data.get("issued") if isinstance(data.get("issued"), dt.date) else None
    for loc, value in dated:
        if not isinstance(value, dt.date):
            continue
        if value > ctx.today:
            yield ctx.problem(loc, f"日期 {value} 在今天（{ctx.today}）之后", "warning", hint="检查年份是否写错")
        elif value.year < EARLIEST_YEAR:
            yield ctx.problem(loc, f"日期 {value} 早于 {EARLIEST_YEAR} 年", "warning", hint="检查年份是否写错")
        elif issued and loc != ("issued",) and value < issued:
            yield ctx.problem(loc, f"日期 {value} 早于印发日期 {issued}", "warning",
                              hint="施行、审核和修订都应在印发之后；检查两个日期是否写反")


@rule("flowchart", "流程图结构", "error",
      "流程图中框的 id 重复、箭头连到不存在的框、没有开始框、有从开始框无法到达的框、泳道未在 lanes 中列出，"
      "或框的跳转目标（link）找不到。")
def flowchart(ctx: FileContext) -> Iterator[Problem]:
    from . import flow

    doc = ctx.structure.doc if ctx.structure else None
    if isinstance(doc, flow.FlowDocument):
        yield from flow.check(doc, ctx.source, ctx.index)


def lint_file(ctx: FileContext) -> list[Problem]:
    if ctx.source.data is None:
        return []
    return [problem for r in RULES for problem in r.check(ctx)]


def lint_sources(pairs: list[tuple[Source, Structure]], others: list[Source | None] = (),
                 index: Index | None = None) -> list[Problem]:
    """Lint every regulation (with its numbered structure) and other YAML files such as compendium.yaml."""
    contexts = [FileContext(source, structure, index) for source, structure in pairs]
    contexts += [FileContext(source) for source in others if source is not None]
    return [problem for ctx in contexts for problem in lint_file(ctx)]
