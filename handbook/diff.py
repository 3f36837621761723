"""`python3 build.py diff <rev-a> [<rev-b>]`: what changed in the rules, article by article.

Each document is cut into units (chapters, sections and articles of rules; items,
paragraphs and headings of outlines; nodes of flowcharts). Units of two versions
are matched by key first, then by identical text, then by similar text, so one
inserted article shows as one addition and the articles after it as renumbered,
not as changed. Git revisions are read with `git show rev:path`; no revision
means the working tree.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import html
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import model
from .errors import HandbookError, Problem
from .load import parse_yaml, validate
from .refs import Ref, plain_text
from .render.plain import element_lines
from .sources import COMPENDIUM_FILE, regulation_files
from .kinds import build_structure as build
from .structure import ELEMENT_KINDS, Element, Structure

SIMILAR = 0.5  # below this ratio two texts are different articles, not one edited article
SKIPPED_META = ("corrections", "history")  # shown by their own pages; a change there is summarised

KIND_NAMES = {"added": "新增", "removed": "删除", "changed": "修改", "moved": "移动", "renumbered": "重新编号"}
UNIT_NAMES = {**ELEMENT_KINDS, "node": "框"}  # a flow's boxes are compared too


@dataclass(frozen=True)
class Unit:
    """One comparable piece of a document."""

    kind: str
    label: str  # as printed: 第十六条, 第二章, （一）; for unnumbered pieces a short description
    key: str | None
    text: str
    position: int  # order in the document
    number: int  # ordinal among units of the same kind (for 第五条至第九条 summaries)
    parent: int | None = None  # position of the enclosing chapter/section/item


@dataclass
class UnitChange:
    kinds: tuple[str, ...]  # some of added / removed / changed / moved / renumbered
    old: Unit | None
    new: Unit | None
    order: float = 0.0

    @property
    def unit(self) -> Unit:
        return self.new or self.old  # type: ignore[return-value]

    def segments(self) -> list[tuple[str, str]]:
        """The text difference as (equal | delete | insert, text) runs, character by character."""
        return text_diff(self.old.text if self.old else "", self.new.text if self.new else "")


@dataclass
class DocDiff:
    doc_id: str
    title: str
    status: str  # added | removed | changed
    meta: list[tuple[str, str, str]] = field(default_factory=list)  # field, old, new
    units: list[UnitChange] = field(default_factory=list)


@dataclass
class Version:
    """The documents of one revision (None: the working tree)."""

    rev: str | None
    structures: dict[str, Structure]
    unreadable: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.rev or "工作区"


# ---- reading a revision ------------------------------------------------------------------------

def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, encoding="utf-8")
    if result.returncode != 0:
        raise HandbookError([Problem(str(root), 1, 1, f"git {' '.join(args)} 失败：{result.stderr.strip()}")])
    return result.stdout


def revision_files(root: Path, rev: str) -> dict[Path, str]:
    """regulations/*.yaml (without compendium.yaml) at a git revision: path → text."""
    try:
        git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except HandbookError:
        raise HandbookError([Problem(str(root), 1, 1, f"找不到版本「{rev}」",
                                     hint="可用提交号、分支或标签，如 HEAD~1、main；用 git log 查看历史")]) from None
    names = git(root, "ls-tree", "--name-only", rev, "regulations/").splitlines()
    names = [n for n in names if n.endswith(".yaml") and Path(n).name != COMPENDIUM_FILE
             and not Path(n).name.startswith((".", "_"))]
    return {root / name: git(root, "show", f"{rev}:{name}") for name in sorted(names)}


def load_version(root: Path, rev: str | None) -> Version:
    files = revision_files(root, rev) if rev else {p: None for p in regulation_files(root)}
    version = Version(rev, {})
    for path, text in files.items():
        source, problems = parse_yaml(path, root, text=text)
        doc = None
        if not problems:
            doc, problems = validate(source, model.DOCUMENT)
        if doc is None:
            version.unreadable += [dataclasses.replace(p, path=f"{rev}:{p.path}") if rev else p for p in problems]
            continue
        version.structures[doc.id] = build(doc)
    return version


# ---- cutting documents into units ---------------------------------------------------------------

def _as_written(ref: Ref) -> str:
    # references stay as written, so renumbering a target does not change the text that cites it
    return f"[[{ref.target}|{ref.words}]]" if ref.words else f"[[{ref.target}]]"


def units_of(structure: Structure) -> list[Unit]:
    doc = structure.doc
    if hasattr(doc, "nodes"):  # flowcharts: one unit per node, matched by node id
        return [Unit("node", node.label, node.id, node.label, i, i + 1) for i, node in enumerate(doc.nodes)]
    units: list[Unit] = []
    counts: dict[str, int] = {}

    def add(element: Element, label: str, text: str, parent: int | None) -> int:
        counts[element.kind] = counts.get(element.kind, 0) + 1
        units.append(Unit(element.kind, label or _short(text), element.key, text, len(units), counts[element.kind],
                          parent))
        return len(units) - 1

    def visit(element: Element, parent: int | None, prefix: str) -> None:
        if element.kind == "article":
            first, *rest = element_lines(element, _as_written)
            add(element, element.label, "\n".join([first.removeprefix(element.label).strip(), *rest]), parent)
            return
        if element.kind in ("chapter", "section", "heading"):
            here = add(element, element.label, element.title or "", parent)
            label = ""
        else:
            label = prefix + element.label if element.label else ""
            here = add(element, label, plain_text((element.title or "") + (element.text or ""), _as_written), parent)
        for child in element.children:
            visit(child, here, label)

    for element in structure.body:
        visit(element, None, "")
    return units


def _short(text: str, limit: int = 12) -> str:
    text = text.replace("\n", " ")
    return f"「{text[:limit]}…」" if len(text) > limit else f"「{text}」"


# ---- matching -----------------------------------------------------------------------------------

def match_units(old: list[Unit], new: list[Unit]) -> dict[int, int]:
    """old position → new position: by key, then identical text, then the most similar text."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()

    def pair(a: Unit, b: Unit) -> None:
        pairs[a.position] = b.position
        taken.add(b.position)

    new_by_key = {u.key: u for u in new if u.key}
    for a in old:
        b = new_by_key.get(a.key) if a.key else None
        if b is not None and b.kind == a.kind and b.position not in taken:
            pair(a, b)
    for a in old:
        if a.position in pairs:
            continue
        same = [u for u in new if u.position not in taken and u.kind == a.kind and u.text == a.text
                and not (u.key and a.key)]
        if same:
            pair(a, min(same, key=lambda u: abs(u.position - a.position)))
    candidates = []
    for a in old:
        if a.position in pairs:
            continue
        for b in new:
            if b.position in taken or b.kind != a.kind or (a.key and b.key and a.key != b.key):
                continue
            matcher = difflib.SequenceMatcher(None, a.text, b.text, autojunk=False)
            if matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR:
                ratio = matcher.ratio()
                if ratio >= SIMILAR:
                    candidates.append((-ratio, abs(a.position - b.position), a.position, b.position))
    for _, _, a_pos, b_pos in sorted(candidates):
        if a_pos not in pairs and b_pos not in taken:
            pair(old[a_pos], new[b_pos])
    for a in reversed(old):  # a retitled chapter (section, item) is the one most of its contents went to;
        # deepest first, so a section is matched before the chapter that holds it
        if a.position in pairs:
            continue
        moved_to = Counter(new[pairs[u.position]].parent for u in old if u.parent == a.position and u.position in pairs)
        target, count = moved_to.most_common(1)[0] if moved_to else (None, 0)
        children = sum(u.parent == a.position for u in old)
        if target is not None and target not in taken and new[target].kind == a.kind and 2 * count >= children:
            pair(a, new[target])
    return pairs


def in_order(pairs: dict[int, int]) -> set[int]:
    """Old positions of the largest set of pairs that kept their relative order (the others moved)."""
    tails_new: list[int] = []  # smallest last new position of an increasing run of each length
    tails_old: list[int] = []
    previous: dict[int, int | None] = {}
    for old_pos, new_pos in sorted(pairs.items()):
        i = bisect.bisect_left(tails_new, new_pos)
        previous[old_pos] = tails_old[i - 1] if i > 0 else None
        if i == len(tails_new):
            tails_new.append(new_pos)
            tails_old.append(old_pos)
        else:
            tails_new[i], tails_old[i] = new_pos, old_pos
    kept: set[int] = set()
    cursor = tails_old[-1] if tails_old else None
    while cursor is not None:
        kept.add(cursor)
        cursor = previous[cursor]
    return kept


def compare_units(old: list[Unit], new: list[Unit]) -> list[UnitChange]:
    pairs = match_units(old, new)
    kept = in_order(pairs)
    changes: list[UnitChange] = []
    for a in old:
        if a.position not in pairs:
            changes.append(UnitChange(("removed",), a, None, _removed_order(a.position, pairs)))
            continue
        b = new[pairs[a.position]]
        kinds = []
        if a.text != b.text:
            kinds.append("changed")
        parent_moved = a.parent is not None and b.parent is not None and pairs.get(a.parent) != b.parent
        if a.position not in kept or parent_moved or (a.parent is None) != (b.parent is None):
            kinds.append("moved")
        elif a.label != b.label:
            kinds.append("renumbered")
        if kinds:
            changes.append(UnitChange(tuple(kinds), a, b, b.position))
    matched_new = set(pairs.values())
    changes += [UnitChange(("added",), None, b, b.position) for b in new if b.position not in matched_new]
    return sorted(changes, key=lambda c: c.order)


def _removed_order(position: int, pairs: dict[int, int]) -> float:
    before = [pairs[p] for p in pairs if p < position]
    return (max(before) if before else -1) + 0.5


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("equal", old[i1:i2]))
            continue
        if op in ("delete", "replace"):
            out.append(("delete", old[i1:i2]))
        if op in ("insert", "replace"):
            out.append(("insert", new[j1:j2]))
    return out


# ---- documents ----------------------------------------------------------------------------------

def meta_changes(old: model.DocumentBase, new: model.DocumentBase) -> list[tuple[str, str, str]]:
    found = []
    for name in model.DocumentBase.model_fields:
        a, b = getattr(old, name), getattr(new, name)
        if a == b:
            continue
        if name in SKIPPED_META:
            found.append((name, f"{len(a)} 条", f"{len(b)} 条"))
        else:
            found.append((name, _shown(a), _shown(b)))
    if old.kind != new.kind:
        found.append(("kind", old.kind, new.kind))
    return found


def _shown(value) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, list):
        return "\n".join(str(v) for v in value) or "（无）"
    return str(value)


def compare(old: Version, new: Version) -> list[DocDiff]:
    """Document by document, in the new version's order (removed documents last)."""
    diffs = []
    for doc_id, b in new.structures.items():
        a = old.structures.get(doc_id)
        if a is None:
            diffs.append(DocDiff(doc_id, b.doc.title, "added", units=compare_units([], units_of(b))))
            continue
        found = DocDiff(doc_id, b.doc.title, "changed", meta_changes(a.doc, b.doc),
                        compare_units(units_of(a), units_of(b)))
        if found.meta or found.units:
            diffs.append(found)
    for doc_id, a in old.structures.items():
        if doc_id not in new.structures:
            diffs.append(DocDiff(doc_id, a.doc.title, "removed", units=compare_units(units_of(a), [])))
    return diffs


def diff_revisions(root: Path, rev_a: str, rev_b: str | None = None) -> tuple[Version, Version, list[DocDiff]]:
    old, new = load_version(root, rev_a), load_version(root, rev_b)
    return old, new, compare(old, new)


# ---- output -------------------------------------------------------------------------------------

def _groups(changes: list[UnitChange]) -> Iterable[list[UnitChange]]:
    """Consecutive plain renumberings of articles form one group; every other change stands alone."""
    run: list[UnitChange] = []
    for change in changes:
        if change.kinds == ("renumbered",) and change.unit.kind == "article":
            if run and change.old.number == run[-1].old.number + 1 and change.new.number == run[-1].new.number + 1:
                run.append(change)
                continue
            if run:
                yield run
            run = [change]
            continue
        if run:
            yield run
            run = []
        yield [change]
    if run:
        yield run


def headline(group: list[UnitChange]) -> str:
    first, last = group[0], group[-1]
    if len(group) > 1:
        return (f"重新编号：{first.old.label}至{last.old.label} 依次改为 {first.new.label}至{last.new.label}"
                f"（共 {len(group)} 条，内容未变）")
    names = "并".join(KIND_NAMES[k] for k in first.kinds)
    if first.old and first.new and first.old.label != first.new.label:
        where = f"{first.old.label} → {first.new.label}"
    else:
        where = first.unit.label
    unit = "" if first.unit.kind in ("chapter", "section", "article") else UNIT_NAMES[first.unit.kind] + " "
    return f"{names} {unit}{where}" + (f"（键 {first.unit.key}）" if first.unit.key else "")


def body_text(change: UnitChange, color: bool = False) -> str:
    """The text of an added/removed unit, or the marked-up difference of a changed one."""
    if "changed" not in change.kinds:
        shown = set(change.kinds) & {"added", "removed"} and change.unit.text != change.unit.label
        return change.unit.text if shown else ""
    marks = {"delete": ("\033[31m[-", "-]\033[0m") if color else ("[-", "-]"),
             "insert": ("\033[32m{+", "+}\033[0m") if color else ("{+", "+}")}
    return "".join(text if op == "equal" else marks[op][0] + text + marks[op][1] for op, text in change.segments())


DOC_STATUS = {"added": "新增文件", "removed": "删除文件", "changed": "修改"}


def format_text(old: Version, new: Version, diffs: list[DocDiff], color: bool = False) -> str:
    lines = [f"比较 {old.name} → {new.name}"]
    for problem in old.unreadable + new.unreadable:
        lines.append(f"（无法读取，未比较）{problem}")
    if not diffs:
        lines.append("没有变化。")
    for diff in diffs:
        lines.append("")
        lines.append(f"《{diff.title}》（{diff.doc_id}）：{DOC_STATUS[diff.status]}")
        for name, a, b in diff.meta:
            lines.append(f"  字段 {name}：{a} → {b}")
        if diff.status != "changed":
            lines.append(f"  共 {len(diff.units)} 处条文")
            continue
        for group in _groups(diff.units):
            lines.append("  " + headline(group))
            text = body_text(group[0], color) if len(group) == 1 else ""
            lines += ["      " + line for line in text.splitlines()]
    counts = summary(diffs)
    lines += ["", "合计：" + "，".join(f"{KIND_NAMES[k]} {n} 处" for k, n in counts.items() if n) if any(counts.values())
              else ""]
    return "\n".join(lines).rstrip() + "\n"


def summary(diffs: list[DocDiff]) -> dict[str, int]:
    counts = {kind: 0 for kind in KIND_NAMES}
    for diff in diffs:
        if diff.status != "changed":
            continue
        for change in diff.units:
            for kind in change.kinds:
                counts[kind] += 1
    return counts


HTML_STYLE = """
body{font-family:"Noto Serif CJK SC","Source Han Serif SC",SimSun,serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.8;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:2em}
.change{margin:.6em 0 .6em 1em}.what{font-weight:bold}.text{white-space:pre-wrap;margin:.2em 0 0 1.5em}
del{background:#fdd;color:#900}ins{background:#dfd;color:#060;text-decoration:none}
.added .text{background:#efe}.removed .text{background:#fee;text-decoration:line-through}
.meta{color:#555}.summary{margin-top:2em;color:#555}
"""


def format_html(old: Version, new: Version, diffs: list[DocDiff]) -> str:
    esc = html.escape
    parts = [f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
             f"<title>制度修订对照：{esc(old.name)} → {esc(new.name)}</title><style>{HTML_STYLE}</style></head><body>",
             f"<h1>制度修订对照：{esc(old.name)} → {esc(new.name)}</h1>"]
    for problem in old.unreadable + new.unreadable:
        parts.append(f'<p class="unreadable">无法读取，未比较：{esc(str(problem))}</p>')
    if not diffs:
        parts.append("<p>没有变化。</p>")
    for diff in diffs:
        parts.append(f'<h2 class="doc {diff.status}">《{esc(diff.title)}》（{esc(diff.doc_id)}）：{DOC_STATUS[diff.status]}</h2>')
        for name, a, b in diff.meta:
            parts.append(f'<p class="meta">字段 <code>{esc(name)}</code>：{esc(a)} → {esc(b)}</p>')
        if diff.status != "changed":
            parts.append(f'<p class="meta">共 {len(diff.units)} 处条文</p>')
            continue
        for group in _groups(diff.units):
            change = group[0]
            kinds = " ".join(change.kinds)
            parts.append(f'<div class="change {kinds}"><div class="what">{esc(headline(group))}</div>')
            if len(group) == 1 and "changed" in change.kinds:
                marked = "".join(esc(t) if op == "equal" else f"<{op[:3]}>{esc(t)}</{op[:3]}>"
                                 for op, t in change.segments())
                parts.append(f'<div class="text">{marked}</div>')
            elif len(group) == 1 and body_text(change):
                parts.append(f'<div class="text">{esc(body_text(change))}</div>')
            parts.append("</div>")
    counts = summary(diffs)
    if any(counts.values()):
        parts.append('<p class="summary">合计：' + "，".join(f"{KIND_NAMES[k]} {n} 处" for k, n in counts.items() if n) + "</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
