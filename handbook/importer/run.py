"""`python3 build.py import <文件>`: read, recognise, link, write, and prove nothing was lost."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import kinds, model, structure
from ..errors import HandbookError, Problem, display_path
from ..load import parse_yaml, validate
from ..refs import Index
from ..render.plain import document_lines
from . import grammar, links, reader, writer
from .grammar import normalise
from .reflow import reflow

INTO_CHANGE = "据原件录入"
KIND_NAMES = {"rules": "规则（章—条—款—项）", "outline": "提纲（一、（一）1.）", "duties": "职责清单", "pending": "待录入（只有标题）"}
TITLE_LIKE = re.compile(r"^[^。；，,：:]{4,40}(制度|规则|办法|细则|规定|职责|流程|流程图|总图|借阅单|审批表|条例|意见|方案|规范)(（试行）|\(试行\))?$")


@dataclass
class Difference:
    line: int
    source: str
    imported: str


@dataclass
class Outcome:
    title: str
    doc_id: str
    path: Path | None = None
    kind: str = ""
    source_format: str = ""
    counts: str = ""
    notes: list[tuple[int, str]] = field(default_factory=list)
    linked: list[tuple[str, str]] = field(default_factory=list)
    unlinked: list[tuple[str, str]] = field(default_factory=list)
    source_chars: int = 0
    imported_chars: int = 0
    differences: list[Difference] = field(default_factory=list)
    written: bool = False
    kept_keys: int = 0
    into: bool = False
    data: dict = field(default_factory=dict)
    yaml_text: str = ""

    @property
    def lossless(self) -> bool:
        return not self.differences


@dataclass
class Known:
    """The handbook's documents as the importer needs them."""

    docs: dict[str, model.DocumentBase]
    structures: dict[str, structure.Structure]
    by_title: dict[str, links.OtherDocument]
    issuer: str
    categories: list[str]


def known_documents(root: Path) -> Known:
    from ..sources import load_compendium, load_documents

    _, compendium, problems = load_compendium(root)
    if compendium is None:
        raise HandbookError(problems)
    loaded, _ = load_documents(root)
    docs = {doc.id: doc for _, doc in loaded}
    structures = {doc.id: kinds.build_structure(doc) for doc in docs.values()}
    by_title: dict[str, links.OtherDocument] = {}
    for doc_id, built in structures.items():
        keys = {}
        for element in built.walk():
            if element.kind == "article" and element.key:
                keys[int(element.anchor.removeprefix("art-"))] = element.key
        other = links.OtherDocument(doc_id, keys)
        for title in (built.doc.title, built.doc.short_title):
            if title:
                by_title.setdefault(links.title_key(title), other)
    return Known(docs, structures, by_title, compendium.issuer, [c.name for c in compendium.categories])


# ---------------------------------------------------------------- one document

def import_lines(root: Path, lines: list[grammar.Line], *, shown: str, source_format: str = "", doc_id: str | None = None,
                 kind: str | None = None, into: str | None = None, category: str | None = None, force: bool = False,
                 today: dt.date | None = None, known: Known | None = None) -> Outcome:
    """Recognise, link and check one document's lines; nothing is written (see write_outcome)."""
    known = known or known_documents(root)
    lines = reflow(lines, [d.title for d in known.docs.values()])
    existing = _target(known, lines, shown, doc_id, into, force)
    parsed = grammar.parse(lines, kind, known_title=existing.title if existing else None)
    title = parsed.data.get("title")
    if not title:
        raise HandbookError([Problem(shown, 1, 1, "找不到文件标题：第一行应为文件全称")])
    if existing is None:
        doc_id = doc_id or _id_by_title(known, title, shown)
        existing = known.docs.get(doc_id)
        if existing is not None:
            _may_replace(existing, shown, force)
    data = _header(parsed, existing, doc_id or existing.id, known, category, today)
    if existing is None:  # a new document joins the end of the compendium's contents, as `new` does
        data = {"id": data["id"], "kind": data["kind"],
                "seq": max((d.seq for d in known.docs.values() if d.seq), default=0) + 1, **data}
    outcome = Outcome(title, data["id"], kind=parsed.kind, source_format=source_format, notes=list(parsed.notes),
                      into=existing is not None)
    if existing is not None and existing.corrections:
        outcome.notes.append((1, f"原有勘误 {len(existing.corrections)} 条针对旧录入文字，未保留；请按原件核对后重新记录"))
    if existing is not None and existing.note and existing.kind != "pending":
        outcome.notes.append((1, f"原有编者注「{existing.note}」未保留"))
    if existing is not None and links.title_key(existing.title) != links.title_key(title):
        outcome.notes.insert(0, (lines[0].no if lines else 1,
                                 f"原件标题「{title}」与手册中的「{existing.title}」不同，已采用原件标题"))
    if existing is not None:
        outcome.kept_keys = carry_keys(known.structures[existing.id], data, Index(list(known.structures.values())))
    result = links.link(data, parsed.kind, known.by_title, data["id"])
    outcome.linked, outcome.unlinked = result.linked, result.unlinked
    outcome.data = data
    doc = _validated(data, shown)
    built = kinds.build_structure(doc)
    others = [s for i, s in known.structures.items() if i != doc.id]
    index = Index(others + [built])
    for element in built.walk():
        for text in (element.text, element.title):
            for ref in _refs(text):
                if index.resolve(ref, doc.id) is None:
                    raise HandbookError([Problem(shown, 1, 1, f"内部错误：生成的引用 [[{ref.target}]] 无法解析")])
    outcome.counts = _counts(built)
    compare(lines, document_lines(built, index), outcome)
    outcome.yaml_text = writer.document_yaml(data, f"由 python3 build.py import 自「{Path(shown).name}」导入。编号由系统生成。")
    return outcome


def carry_keys(old: structure.Structure, data: dict, index: Index) -> int:
    """Give the imported elements the keys their counterparts had (same kind, same words), so references
    from other documents keep working when a document is imported again. Returns how many were kept."""
    from ..refs import plain_text

    def words(text: str | None) -> str:
        return normalise(plain_text(text or "", lambda ref: index.words(ref, old.doc.id)))

    keys: dict[tuple[str, str], str] = {}
    for element in old.walk():
        if element.key:
            text = element.leading_clause.text if element.kind == "article" else (element.title or "") + (element.text or "")
            keys.setdefault((element.kind, words(text)), element.key)
    kept = 0

    def give(container: list, i: int, kind: str, text: str) -> None:
        nonlocal kept
        key = keys.pop((kind, words(text)), None)
        entry = container[i]
        if key is None or isinstance(entry, dict) and entry.get("key"):
            return
        container[i] = {"key": key, **(entry if isinstance(entry, dict) else {"text": entry})}
        kept += 1

    def nodes(items: list) -> None:
        for i, node in enumerate(items):
            if isinstance(node, str):
                give(items, i, "item", node)
            elif "h" in node:
                give(items, i, "heading", node["h"])
            elif "p" not in node:
                give(items, i, "item", (node.get("title") or "") + (node.get("text") or ""))
                nodes(items[i].get("items", []))

    def articles(entries: list) -> None:
        for i, entry in enumerate(entries):
            if isinstance(entry, str):
                text = entry
            else:
                first = (entry.get("clauses") or [entry])[0]
                text = first if isinstance(first, str) else first["text"]
            give(entries, i, "article", text)
            entry = entries[i]
            for clause in entry.get("clauses", [entry]) if isinstance(entry, dict) else []:
                if isinstance(clause, dict):
                    nodes(clause.get("items", []))

    for c, chapter in enumerate(data.get("chapters", [])):
        give(data["chapters"], c, "chapter", chapter["title"])
        for s, section in enumerate(chapter.get("sections", [])):
            give(chapter["sections"], s, "section", section["title"])
            articles(section["articles"])
        articles(chapter.get("articles", []))
    articles(data.get("articles", []))
    nodes(data.get("body", []))
    return kept


def _refs(text):
    from ..refs import refs_in
    return refs_in(text or "")


def _target(known: Known, lines, shown: str, doc_id, into, force) -> model.DocumentBase | None:
    if into:
        existing = known.docs.get(into)
        if existing is None:
            raise HandbookError([Problem(shown, 1, 1, f"--into 指定的文件「{into}」不存在",
                                         hint="用 regulations/ 中已有文件的 id，如 official-vehicle-rules")])
        _may_replace(existing, shown, force)
        return existing
    return None


DRAWN = {"flow": "流程图", "form": "表格"}


def _may_replace(existing: model.DocumentBase, shown: str, force: bool) -> None:
    if existing.kind in DRAWN:
        raise HandbookError([Problem(shown, 1, 1, f"「{existing.id}」是{DRAWN[existing.kind]}（{existing.title}），"
                                                  "由编辑按原件绘制或建模，导入不会覆盖")])
    if existing.kind != "pending" and not force:
        raise HandbookError([Problem(shown, 1, 1, f"「{existing.id}」已有正文（{existing.title}），不会覆盖",
                                     hint="确需用原件替换现有正文时加 --force；新文件请用 --id 另起一个标识")])


def _id_by_title(known: Known, title: str, shown: str) -> str:
    other = known.by_title.get(links.title_key(title))
    if other is None:
        raise HandbookError([Problem(shown, 1, 1, f"手册中没有标题为「{title}」的文件，请用 --id 指定新文件的标识",
                                     hint="例如 --id vehicle-rules（小写字母、数字和连字符）")])
    return other.id


def _header(parsed: grammar.Parsed, existing, doc_id: str, known: Known, category, today) -> dict:
    fields = parsed.fields
    data: dict = {"id": doc_id, "kind": parsed.kind}
    if existing is not None:
        for name in ("seq", "short_title", "source_page", "visibility"):
            value = getattr(existing, name)
            if value is not None and value != model.DocumentBase.model_fields[name].default:
                data[name] = value
    title = parsed.data.pop("title")
    if existing is not None and links.title_key(existing.title) == links.title_key(title):
        title = existing.title if normalise(existing.title) == normalise(title) else title
    data["title"] = title
    data["issuer"] = _issuer(fields.get("issuer")) or (existing.issuer if existing else known.issuer)
    data["category"] = category or (existing.category if existing else known.categories[0])
    if category and category not in known.categories:
        raise HandbookError([Problem(doc_id, 1, 1, f"类别「{category}」不在汇编的类别中", hint="可选：" + "、".join(known.categories))])
    status = existing.status if existing is not None and existing.status != "待录入" else "现行"
    data["status"] = "待录入" if parsed.kind == "pending" else status
    issued = _date(fields.get("date")) or (existing.issued if existing else None)
    data.update(parsed.data)
    if issued:
        data["issued"] = issued
    history = [h.model_dump(exclude_none=True) for h in existing.history] if existing is not None else []
    number = fields.get("number")
    if issued and number and not any(h.get("number") == number for h in history):
        history.insert(0, {"date": issued, "number": number, "change": "印发"})  # the 文号 has a place of its own here
    if existing is not None:
        history.append({"date": today or dt.date.today(), "change": INTO_CHANGE})
    if history:
        data["history"] = history
    return data


def _issuer(line: str | None) -> str | None:
    return line.strip() if line else None


def _date(line: str | None) -> dt.date | None:
    if not line:
        return None
    match = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", line)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            return None
    match = re.search(rf"([〇零一二三四五六七八九]{{4}})年({grammar.CN})月({grammar.CN})日", line)
    if match:
        year = int("".join(str("〇一二三四五六七八九".index(c.replace("零", "〇"))) for c in match[1]))
        try:
            return dt.date(year, grammar.chinese_to_int(match[2]), grammar.chinese_to_int(match[3]))
        except (TypeError, ValueError):
            return None
    return None


def _validated(data: dict, shown: str) -> model.DocumentBase:
    text = writer.document_yaml(data, "check")
    source, problems = parse_yaml(Path(shown), None, text=text)
    if not problems:
        doc, problems = validate(source, model.DOCUMENT)
        if doc is not None:
            return doc
    raise HandbookError([Problem(shown, 1, 1, f"导入结果不符合文件格式：{p.message}") for p in problems])


def _counts(built: structure.Structure) -> str:
    kinds: dict[str, int] = {}
    for element in built.walk():
        kinds[element.kind] = kinds.get(element.kind, 0) + 1
    names = [("chapter", "章"), ("section", "节"), ("article", "条"), ("item", "项"), ("heading", "小标题"),
             ("paragraph", "段")]
    return "，".join(f"{kinds[k]} {n}" for k, n in names if kinds.get(k)) or "只有标题"


# ---------------------------------------------------------------- nothing lost

def compare(lines: list[grammar.Line], rendered: list[str], outcome: Outcome) -> None:
    """Source and rendered text, numbers as derived (a line's own number is left out of the comparison),
    whitespace and character width normalised. Every difference is kept with its source line."""
    source_chars: list[str] = []
    where: list[int] = []
    for line in lines:
        text = normalise(grammar.tokenize(line).rest)
        source_chars += list(text)
        where += [line.no] * len(text)
    imported = "".join(normalise(grammar.tokenize(grammar.Line(r, 0)).rest) for r in rendered)
    source = "".join(source_chars)
    outcome.source_chars = len(normalise("".join(line.text for line in lines)))
    outcome.imported_chars = len(normalise("".join(rendered)))
    matcher = difflib.SequenceMatcher(None, source, imported, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        line = where[min(i1, len(where) - 1)] if where else 1
        outcome.differences.append(Difference(line, source[i1:i2], imported[j1:j2]))
    _compare_numbering(lines, rendered, outcome)


def _compare_numbering(lines: list[grammar.Line], rendered: list[str], outcome: Outcome) -> None:
    """Numbers may be renumbered (the grammar notes it), but each must keep its kind and style:
    a （一） that would show as 一、 is a difference too."""
    def marks(texts):
        out = []
        for no, text in texts:
            token = grammar.tokenize(grammar.Line(text, no))
            if token.kind != "plain":
                out.append((token.kind, token.style, no, text[:len(text) - len(token.rest)].strip()))
        return out

    source = marks((line.no, line.text.strip()) for line in lines)
    imported = marks((0, text) for text in rendered)
    for a, b in zip(source, imported):
        if a[:2] != b[:2]:
            outcome.differences.append(Difference(a[2], f"编号 {a[3]}", f"编号 {b[3]}"))
            return
    if len(source) != len(imported):
        extra = source[len(imported)] if len(source) > len(imported) else None
        outcome.differences.append(Difference(extra[2] if extra else 1, f"编号 {len(source)} 处", f"编号 {len(imported)} 处"))


# ---------------------------------------------------------------- files

def write_outcomes(root: Path, outcomes: list[Outcome]) -> list[Path]:
    """Write regulations/<id>.yaml for each; when `check` then finds an error it did not find before (in these
    files or in a document whose references they broke), every file is put back as it was."""
    from ..sources import load_handbook

    for outcome in outcomes:
        if not outcome.lossless:
            raise HandbookError([Problem(outcome.doc_id, d.line, 1, f"导入会丢失或改动原文：原文「{d.source}」，导入「{d.imported}」")
                                 for d in outcome.differences])
    _, before = load_handbook(root)
    known_errors = {str(p) for p in before if p.severity == "error"}
    previous: dict[Path, bytes | None] = {}
    for outcome in outcomes:
        path = root / "regulations" / f"{outcome.doc_id}.yaml"
        previous.setdefault(path, path.read_bytes() if path.exists() else None)
        path.write_text(outcome.yaml_text, encoding="utf-8")
    _, after = load_handbook(root)
    new_errors = [p for p in after if p.severity == "error" and str(p) not in known_errors]
    if new_errors:
        for path, content in previous.items():
            if content is None:
                path.unlink()
            else:
                path.write_bytes(content)
        raise HandbookError(new_errors + [Problem(display_path(path, root), 1, 1, "导入后 check 不通过，已恢复原文件，未写入")
                                          for path in previous])
    for outcome in outcomes:
        outcome.path = root / "regulations" / f"{outcome.doc_id}.yaml"
        outcome.written = True
    return list(previous)


def write_outcome(root: Path, outcome: Outcome) -> Path:
    return write_outcomes(root, [outcome])[0]


def import_file(root: Path, path: Path, *, doc_id: str | None = None, kind: str | None = None,
                into: str | None = None, category: str | None = None, force: bool = False,
                write: bool = True, today: dt.date | None = None) -> Outcome:
    source = reader.read_source(path)
    outcome = import_lines(root, source.lines, shown=str(path), source_format=_format(source), doc_id=doc_id,
                           kind=kind, into=into, category=category, force=force, today=today)
    outcome.notes = [(no, f"已略去页码行「{text}」") for no, text in source.skipped] + outcome.notes
    outcome.notes += [(first, f"表格（{rows} 行 {cols} 列）已逐行录为段落，单元格之间以全角空格分隔")
                      for first, rows, cols in source.tables]
    if outcome.kind == "pending":
        raise HandbookError([Problem(str(path), 1, 1, f"原件中只有标题「{outcome.title}」，没有可导入的正文，未写入")])
    if write and outcome.lossless:
        write_outcome(root, outcome)
    return outcome


def _format(source: reader.SourceText) -> str:
    extra = f"，Word 自动编号 {source.auto_numbered} 处" if source.auto_numbered else ""
    return source.format + extra


# ---------------------------------------------------------------- a whole compendium

@dataclass
class SplitResult:
    outcomes: list[Outcome]
    unmatched: list[tuple[int, str]]  # title-like lines that match no entry (left inside the document before them)
    before_first: list[grammar.Line]  # text before the first recognised title (not imported)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # entries found but not imported, and why


def split_lines(lines: list[grammar.Line], known: Known) -> tuple[list[tuple[str, list[grammar.Line]]], list, list]:
    """Cut at lines that are the title of a compendium entry (fuzzy on the 中共…区委办公室 prefix)."""
    entries = {links.title_key(d.title): d.id for d in known.docs.values() if d.seq is not None}
    parts: list[tuple[str, list[grammar.Line]]] = []
    unmatched = []
    before: list[grammar.Line] = []
    for line in lines:
        key = links.title_key(line.text)
        if key in entries and not line.text.strip().endswith(grammar.SENTENCE_END):
            parts.append((entries[key], [line]))
            continue
        if TITLE_LIKE.match(line.text.strip()) and (found := links.PREFIX.match(line.text.strip())) and found.group() \
                and grammar.tokenize(line).kind == "plain":
            unmatched.append((line.no, line.text.strip()))
        if parts:
            parts[-1][1].append(line)
        else:
            before.append(line)
    return parts, unmatched, before


def import_split(root: Path, path: Path, *, force: bool = False, write: bool = True,
                 today: dt.date | None = None) -> SplitResult:
    source = reader.read_source(path)
    known = known_documents(root)
    parts, unmatched, before = split_lines(source.lines, known)
    if not parts:
        raise HandbookError([Problem(str(path), 1, 1, "文件中没有找到汇编目录中任何一个文件的标题，无法拆分")])
    outcomes, skipped = [], []
    for doc_id, part in parts:
        doc = known.docs[doc_id]
        if doc.kind in DRAWN:
            skipped.append((part[0].no, f"「{doc.title}」是{DRAWN[doc.kind]}，由编辑按原件绘制或建模，未导入"))
            continue
        outcomes.append(import_lines(root, part, shown=str(path), source_format=_format(source), into=doc_id,
                                     force=force, today=today, known=known))
    for outcome in outcomes:
        if outcome.kind == "pending":
            skipped.append((0, f"「{outcome.title}」在原件中只有标题，没有正文，未写入"))
    if write and all(o.lossless for o in outcomes):
        write_outcomes(root, [o for o in outcomes if o.kind != "pending"])
    return SplitResult([o for o in outcomes if o.kind != "pending"], unmatched, before, skipped)


# ---------------------------------------------------------------- the report

def format_report(outcome: Outcome, root: Path | None = None) -> str:
    where = display_path(outcome.path, root) if outcome.path else f"regulations/{outcome.doc_id}.yaml（未写入）"
    lines = [f"导入《{outcome.title}》→ {where}"]
    lines.append(f"  识别：{KIND_NAMES.get(outcome.kind, outcome.kind)}，{outcome.counts}"
                 + (f"；读取方式：{outcome.source_format}" if outcome.source_format else "")
                 + ("；写入已有条目，保留标识、类别、页码和修订记录，并加修订记录「据原件录入」" if outcome.into else ""))
    for no, note in outcome.notes:
        lines.append(f"  注意：第 {no} 行：{note}")
    if outcome.kept_keys:
        lines.append(f"  键：沿用原有的键 {outcome.kept_keys} 个，别处对这些条款的引用不受影响")
    if outcome.linked:
        lines.append(f"  引用：已转为链接 {len(outcome.linked)} 处：" + "、".join(w for w, _ in outcome.linked[:8])
                     + ("……" if len(outcome.linked) > 8 else ""))
    for words, why in outcome.unlinked:
        lines.append(f"  引用：「{words}」保留为文字：{why}")
    if outcome.lossless:
        lines.append(f"  核对：原文 {outcome.source_chars} 字，导入 {outcome.imported_chars} 字，一致。")
    else:
        lines.append(f"  核对：原文 {outcome.source_chars} 字，导入 {outcome.imported_chars} 字，"
                     f"有 {len(outcome.differences)} 处不一致，未写入：")
        for d in outcome.differences[:20]:
            lines.append(f"    第 {d.line} 行：原文「{d.source or '（无）'}」，导入「{d.imported or '（无）'}」")
    return "\n".join(lines)


def format_split(result: SplitResult, root: Path | None = None) -> str:
    lines = [f"拆分为 {len(result.outcomes)} 个文件。"]
    if result.before_first:
        lines.append(f"  第一个标题之前的 {len(result.before_first)} 行未导入（第 {result.before_first[0].no} 行起）。")
    for no, why in result.skipped:
        lines.append(f"  {f'第 {no} 行：' if no else ''}{why}")
    for no, text in result.unmatched:
        lines.append(f"  第 {no} 行「{text}」像是标题，但不在汇编目录中：未拆分，留在上一文件中。")
    return "\n".join(lines + [format_report(o, root) for o in result.outcomes])
