"""The regulations carry every word of the seed, changed only by recorded corrections (issue 3 §4)."""

from __future__ import annotations

import re

import pytest

from support import seed
from handbook.render.plain import document_text

BODY = seed.read_body()
CONTENTS = seed.table_of_contents(BODY)
SLICES = seed.document_slices(BODY)
TRANSCRIBED_LAST = 18  # the seed breaks off inside entry 18
FORM_WITHOUT_TEXT = 44  # 请销假审批表: designed anew by the forms issue
HALF_WIDTH = re.compile(r"[,:;()?!]")


def structure_of(handbook, seq):
    found = [s for s in handbook.structures if s.doc.seq == seq]
    assert len(found) == 1, f"目录第 {seq} 项应恰有一个文件，实际 {len(found)} 个"
    return found[0]


def first_difference(built: str, expected: str, width: int = 40) -> str:
    at = next((i for i, (a, b) in enumerate(zip(built, expected)) if a != b), min(len(built), len(expected)))
    start = max(0, at - width)
    return (f"第 {at} 个字处不同（已去空白、NFKC 规范化并还原勘误）：\n"
            f"  生成：…{built[start:at]}【{built[at:at + width]}】\n"
            f"  原件：…{expected[start:at]}【{expected[at:at + width]}】")


def test_seed_contents_has_45_entries_with_rising_pages():
    assert [e.seq for e in CONTENTS] == list(range(1, 46))
    pages = [e.page for e in CONTENTS]
    assert pages == sorted(pages) and pages[0] == 5 and pages[-1] == 100


def test_seed_carries_exactly_entries_1_to_18():
    assert sorted(SLICES) == list(range(1, TRANSCRIBED_LAST + 1))


def test_every_contents_entry_exists_in_order_with_title_and_page(handbook):
    numbered = [s.doc for s in handbook.structures if s.doc.seq is not None]
    assert [d.seq for d in numbered] == list(range(1, 46)), "目录序号应为 1–45，各出现一次，按顺序"
    for doc, entry in zip(numbered, CONTENTS):
        title = seed.normalise(doc.title).removeprefix(seed.TITLE_PREFIX)
        assert title == seed.normalise(entry.title), f"{doc.id}：标题与原件目录第 {entry.seq} 项「{entry.title}」不符"
        assert doc.source_page == entry.page, f"{doc.id}：页码应为 {entry.page}"


def test_categories_follow_compendium_order(handbook):
    order = [c.name for c in handbook.compendium.categories]
    positions = [order.index(s.doc.category) for s in handbook.structures if s.doc.seq is not None]
    assert positions == sorted(positions), "各文件的类别应按汇编类别顺序排列"
    assert set(positions) == set(range(len(order))), "每个类别至少有一个文件"


@pytest.mark.parametrize("seq", sorted(SLICES))
def test_document_text_matches_seed(handbook, seq):
    structure = structure_of(handbook, seq)
    doc = structure.doc
    built, unused = seed.as_in_seed(document_text(structure, handbook.index), doc.corrections)
    assert not unused, f"{doc.id}：勘误的更正文字在正文中找不到：{[c.corrected for c in unused]}"
    expected = seed.normalise(SLICES[seq])
    assert built == expected, f"{doc.id}：{first_difference(built, expected)}"


@pytest.mark.parametrize("seq", sorted(SLICES))
def test_text_uses_full_width_punctuation(handbook, seq):
    structure = structure_of(handbook, seq)
    text = document_text(structure, handbook.index)
    stray = [m.start() for m in HALF_WIDTH.finditer(text)]
    assert not stray, f"{structure.doc.id}：正文中有半角标点：…{text[max(0, stray[0] - 15):stray[0] + 15]}…"


def test_global_correction_is_the_nfkc_normalisation(handbook):
    punctuation = [c for c in handbook.compendium.corrections if HALF_WIDTH.search(c.original)]
    assert len(punctuation) == 1, "汇编应记录一条全角标点的总体勘误"
    correction = punctuation[0]
    assert seed.normalise(correction.corrected) == seed.normalise(correction.original)
    assert set(seed.normalise(correction.original)) == set(",:;()?!")


def test_cover_issuer_and_date_come_from_the_seed(handbook):
    cover = seed.normalise(seed.cover(BODY))
    compendium = handbook.compendium
    assert seed.normalise(compendium.issuer) in cover
    date, _ = seed.as_in_seed(compendium.edition_date, compendium.corrections)
    assert date in cover
    assert date != seed.normalise(compendium.edition_date), "封面日期丢失的“〇”应作为勘误记录"


def test_document_cut_off_in_the_seed_is_marked_incomplete(handbook):
    incomplete = [s.doc for s in handbook.structures if s.doc.incomplete]
    assert [d.seq for d in incomplete] == [TRANSCRIBED_LAST]
    assert incomplete[0].note, "不完整的文件应有编者注说明缺失"


def test_entries_the_seed_lost_have_no_text(handbook):
    for seq in range(TRANSCRIBED_LAST + 1, 46):
        if seq == FORM_WITHOUT_TEXT:
            continue
        doc = structure_of(handbook, seq).doc
        assert doc.kind == "pending" and doc.status == "待录入", f"{doc.id}：原件未保留正文，应为待录入"
        assert not doc.source_text and not doc.preamble and not doc.closing, f"{doc.id}：不得编造正文"
        assert document_text(structure_of(handbook, seq), handbook.index) == doc.title
