import pytest

from handbook import kinds
from handbook.model import DOCUMENT
from handbook.numbering import chinese_numeral, format_number


@pytest.mark.parametrize("n, expected", [
    (1, "一"), (10, "十"), (11, "十一"), (16, "十六"), (20, "二十"), (39, "三十九"), (99, "九十九"),
    (100, "一百"), (101, "一百零一"), (110, "一百一十"), (119, "一百一十九"), (999, "九百九十九"),
    (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"), (2019, "二千零一十九"),
])
def test_chinese_numerals(n, expected):
    assert chinese_numeral(n) == expected


@pytest.mark.parametrize("style, n, expected", [
    ("第一条", 99, "第九十九条"), ("第一条", 100, "第一百条"), ("第一条", 105, "第一百零五条"),
    ("一、", 12, "十二、"), ("（一）", 3, "（三）"), ("1.", 12, "12."), ("1、", 2, "2、"), ("（1）", 4, "（4）"),
    ("①", 1, "①"), ("①", 21, "㉑"),
])
def test_styles(style, n, expected):
    assert format_number(style, n) == expected


def test_out_of_range_numbers_are_refused():
    with pytest.raises(ValueError):
        chinese_numeral(0)


def _rules(chapters):
    return DOCUMENT.validate_python({
        "id": "x", "title": "测试", "issuer": "机关", "category": "类", "seq": 1, "kind": "rules",
        "chapters": chapters})


def test_articles_run_on_across_chapters_and_sections():
    doc = _rules([
        {"title": "总则", "articles": ["甲", "乙"]},
        {"title": "分则", "sections": [{"title": "一般", "articles": ["丙"]}, {"title": "特别", "articles": ["丁"]}]},
        {"title": "附则", "articles": ["戊"]},
    ])
    articles = [e for e in kinds.build_structure(doc).walk() if e.kind == "article"]
    assert [a.label for a in articles] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    assert [a.anchor for a in articles] == ["art-1", "art-2", "art-3", "art-4", "art-5"]
    sections = [e for e in kinds.build_structure(doc).walk() if e.kind == "section"]
    assert [(s.label, s.citation) for s in sections] == [("第一节", "第二章第一节"), ("第二节", "第二章第二节")]


def test_a_hundred_and_more_articles():
    doc = _rules([{"title": "总则", "articles": [f"第{i}段" for i in range(120)]}])
    labels = [e.label for e in kinds.build_structure(doc).walk() if e.kind == "article"]
    assert labels[98:101] == ["第九十九条", "第一百条", "第一百零一条"]
    assert labels[-1] == "第一百二十条"


def test_items_and_sub_items():
    doc = _rules([{"title": "总则", "articles": [
        {"text": "包括：", "items": ["甲；", {"title": "乙：", "items": ["子一", "子二"]}]}]}])
    items = [e for e in kinds.build_structure(doc).walk() if e.kind == "item"]
    assert [(i.label, i.citation) for i in items] == [
        ("（一）", "第一条第（一）项"), ("（二）", "第一条第（二）项"),
        ("1.", "第一条第（二）项第1目"), ("2.", "第一条第（二）项第2目")]


def test_outline_levels_and_restart_after_heading():
    doc = DOCUMENT.validate_python({
        "id": "o", "title": "提纲", "issuer": "机关", "category": "类", "seq": 1, "kind": "outline",
        "body": [{"title": "原则", "items": ["甲", {"title": "乙", "items": ["a", {"text": "b", "items": ["x"]}]}]},
                 {"p": "说明"}, "丙", {"h": "附", "style": "（一）"}, "丁"]})
    labels = [e.label for e in kinds.build_structure(doc).walk() if e.kind == "item"]
    assert labels == ["一、", "（一）", "（二）", "1.", "2.", "（1）", "二、", "（一）"]
