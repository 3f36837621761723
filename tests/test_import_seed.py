"""Each of the 18 documents the seed carries, imported from text, matches the hand transcription (issue 15).

Comparison rule (what "the same structure and text" means here):
- The .txt is the seed's own text of the document, cut into the paragraphs of the printed original
  (see import_helpers.cut_into_paragraphs): every character is the seed's.
- The two documents are compared element by element in reading order: kind (chapter, section,
  article, clause = 款, item, heading, paragraph), derived number (第三条, （二）, 1、 …) and text.
- Text is compared as the seed is: NFKC, no whitespace, references by the words they render, and the
  hand transcription's recorded corrections (勘误) undone — the importer keeps the seed as it is.
- Where an item's title ends and its text begins is an editor's choice the printed page does not show,
  so an item's title and text are compared joined; free paragraphs (p, preamble, closing) are compared
  by their place in reading order, not by the list they are filed under.
- Flowcharts and forms (kinds flow, form) are drawn, not written: the text carries no structure, so the
  import (free paragraphs) is compared by text only; an entry whose text the seed lost is imported as
  待录入 with its title alone.
"""

from __future__ import annotations

import pytest

from support import seed
from handbook.importer import run
from handbook.importer.grammar import Line
from handbook.refs import plain_text
from handbook.render.plain import document_lines
from handbook.kinds import build_structure
from import_helpers import cut_into_paragraphs

SLICES = seed.document_slices(seed.read_body())
DRAWN = ("flow", "form")


def reading_order(built, index, corrections) -> list[tuple[str, str, str]]:
    words = lambda ref: index.words(ref, built.doc.id)  # noqa: E731
    doc = built.doc
    out = [("paragraph", "", seed.as_in_seed(plain_text(p, words), corrections)[0]) for p in doc.preamble]
    for element in built.walk():
        kind = "paragraph" if element.kind in ("paragraph",) else element.kind
        text = plain_text((element.title or "") + (element.text or ""), words)
        out.append((kind, element.label, seed.as_in_seed(text, corrections)[0]))
    out += [("paragraph", "", seed.as_in_seed(plain_text(p, words), corrections)[0]) for p in doc.closing]
    return out


def seed_import(handbook, seq, known):
    hand = next(s for s in handbook.structures if s.doc.seq == seq)
    paragraphs = cut_into_paragraphs(SLICES[seq], document_lines(hand, handbook.index), hand.doc.corrections)
    lines = [Line(text, no) for no, text in enumerate(paragraphs, start=1)]
    # a flowchart or form entry is never overwritten by an import: its text goes to a new document
    target = {"doc_id": f"{hand.doc.id}-text"} if hand.doc.kind in DRAWN else {"into": hand.doc.id}
    outcome = run.import_lines(handbook.root, lines, shown=f"{hand.doc.id}.txt", force=True, known=known, **target)
    return hand, outcome


def compare_with_hand(handbook, seq, known) -> str:
    """'' when the import matches the hand transcription by the rule above, else what differs."""
    hand, outcome = seed_import(handbook, seq, known)
    if not outcome.lossless:
        return f"与原文不一致：{outcome.differences[:3]}"
    from handbook import model
    imported = build_structure(model.DOCUMENT.validate_python(outcome.data))
    if hand.doc.kind in DRAWN or hand.doc.kind == "pending":
        expected_kind = "pending" if not document_lines(hand, handbook.index)[1:] else "outline"
        if imported.doc.kind != expected_kind:
            return f"应导入为 {expected_kind}，实际 {imported.doc.kind}"
        built = seed.normalise("".join(document_lines(imported, handbook.index)))
        wanted, _ = seed.as_in_seed("".join(document_lines(hand, handbook.index)), hand.doc.corrections)
        return "" if built == wanted else "文字不同"
    family = {"duties": "outline"}
    if family.get(imported.doc.kind, imported.doc.kind) != family.get(hand.doc.kind, hand.doc.kind):
        return f"类型不同：手工 {hand.doc.kind}，导入 {imported.doc.kind}"
    a = reading_order(hand, handbook.index, hand.doc.corrections)
    b = reading_order(imported, handbook.index, [])
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"第 {i + 1} 个元素不同：手工 {x[:2]}「{x[2][:30]}」，导入 {y[:2]}「{y[2][:30]}」"
    if len(a) != len(b):
        return f"元素个数不同：手工 {len(a)}，导入 {len(b)}"
    return ""


@pytest.fixture(scope="module")
def known(handbook):
    return run.known_documents(handbook.root)


def test_all_18_seed_documents_import_like_the_hand_transcription(handbook, known, capsys):
    assert sorted(SLICES) == list(range(1, 19))
    rows, failures = [], []
    for seq in sorted(SLICES):
        hand = next(s for s in handbook.structures if s.doc.seq == seq)
        problem = compare_with_hand(handbook, seq, known)
        rule = "仅比文字" if hand.doc.kind in DRAWN else "结构与文字"
        rows.append(f"  {seq:>2} {hand.doc.id:<38} {hand.doc.kind:<8} {rule}：{problem or '一致'}")
        if problem:
            failures.append(rows[-1])
    with capsys.disabled():
        print("\n种子文本逐篇导入，与手工录入比较：\n" + "\n".join(rows))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("seq", [2, 4, 14, 18])
def test_seed_document_numbers_are_derived_not_stored(handbook, known, seq):
    _, outcome = seed_import(handbook, seq, known)
    text = outcome.yaml_text
    for label in ("第一条", "（一）", "(一)", "一、", "1.", "1、"):
        assert f"- {label}" not in text and f"text: {label}" not in text and f"title: {label}" not in text


def test_a_repeated_number_in_the_seed_is_reported_with_its_line(handbook, known):
    _, outcome = seed_import(handbook, 15, known)  # 综合文稿工作规则 has 三、 twice
    notes = [(no, note) for no, note in outcome.notes if "编号重复" in note]
    assert len(notes) == 1 and "三、之后又是三、" in notes[0][1]
    hand = next(s for s in handbook.structures if s.doc.seq == 15)
    paragraphs = cut_into_paragraphs(SLICES[15], document_lines(hand, handbook.index), hand.doc.corrections)
    assert paragraphs[notes[0][0] - 1].lstrip().startswith("三、")
    assert outcome.lossless, "重复的编号按顺序重新编号，仍应核对一致"


# Run together, the seed cannot show where one 款 or free paragraph ends and the next begins, nor a
# heading that ends in a colon before a new list (工作职责：（一）…): those are the only differences allowed.
RUN_TOGETHER_DIFFERENCES = {"secretariat-two-rules": [("heading", ""), ("heading", "")]}


def numbered_skeleton(built) -> list[tuple[str, str]]:
    return [(e.kind, e.label) for e in built.walk() if e.kind in ("chapter", "section", "article", "item", "heading")]


def test_seed_documents_run_together_on_one_line_keep_their_numbered_skeleton(handbook, known, capsys):
    """The seed as it is: each document one line with no breaks. Cut back into paragraphs by the
    expected numbers, it imports with every character and the hand transcription's numbering."""
    from collections import Counter

    from handbook import model

    rows, failures = [], []
    for seq in sorted(SLICES):
        hand = next(s for s in handbook.structures if s.doc.seq == seq)
        if hand.doc.kind in DRAWN:
            continue
        outcome = run.import_lines(handbook.root, [Line(SLICES[seq], 1)], shown="seed.txt", into=hand.doc.id,
                                   force=True, known=known)
        imported = build_structure(model.DOCUMENT.validate_python(outcome.data))
        a, b = numbered_skeleton(hand), numbered_skeleton(imported)
        missing = sorted((Counter(a) - Counter(b)).elements())
        extra = sorted((Counter(b) - Counter(a)).elements())
        expected = RUN_TOGETHER_DIFFERENCES.get(hand.doc.id, [])
        ok = outcome.lossless and not extra and missing == expected and [x for x in a if x not in expected] == \
            [x for x in b if x not in expected]
        rows.append(f"  {seq:>2} {hand.doc.id:<38} 文字{'一致' if outcome.lossless else '不一致'}，编号骨架"
                    + ("一致" if not missing and not extra else f"差 {len(missing) + len(extra)} 处（已说明）" if ok else
                       f"不同：缺 {missing[:4]}，多 {extra[:4]}"))
        if not ok:
            failures.append(rows[-1])
    with capsys.disabled():
        print("\n种子原样（整篇一行）导入：\n" + "\n".join(rows))
    assert not failures, "\n".join(failures)
