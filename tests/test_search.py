"""Chinese search, tested with Material's own search worker run under Node on the built site.

tests/support/search_worker.js loads the worker the site ships (with the fixes the search
hook applies) and sends it the index exactly as the page would, so these tests
see what a reader sees: which sections a query finds, in which order, and what
the result snippet highlights.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from material.plugins.search.plugin import Parser as MaterialParser

ROOT = Path(__file__).resolve().parent.parent
WORKER_RUNNER = Path(__file__).resolve().parent / "support" / "search_worker.js"
HOOK = ROOT / "overrides" / "hooks" / "search.py"
ZWSP = "\u200b"

# query → a place in the real text it must find: (page, element id, why).
# The id may be positional (art-16) even where the article has a key: the
# expected search result is the section (heading) that contains the element.
RECALL = [
    ("干部任免", "shiwuhui-rules.html", "art-9", "第九条 干部任免：…"),
    ("三分之二", "shiwuhui-rules.html", "art-16", "第十六条 …必须有三分之二以上的室务会成员到会"),
    ("半数以上", "shiwuhui-rules.html", "art-16", "第十六条 …应当有半数以上的室务会成员到会"),
    ("领导", "shiwuhui-rules.html", "art-22", "第二十二条 …经分管领导先行审核 (领导 inside 分管领导)"),
    ("分管领导", "shiwuhui-rules.html", "art-22", "the compound itself"),
    ("集体领导", "shiwuhui-rules.html", "art-6", "第六条 实行集体领导和个人分工负责相结合"),
    ("管理", "finance-rules.html", None, "X区委办公室财务管理制度 (管理 inside 财务管理)"),
    ("财务管理", "finance-rules.html", None, "the compound itself"),
    ("列席", "shiwuhui-rules.html", "art-15", "第十五条 …可以列席相关议题"),
    ("列席", "shiwuhui-rules.html", "art-17", "第十七条 参加或列席室务会会议人员"),
    ("列席", "zhuren-meeting-rules.html", "art-13", "第十三条 会议召集人可根据工作需要安排列席人员"),
    ("列席", "zhuren-meeting-rules.html", "art-19", "第十九条 参加或列席区委办公室主任办公会议的人员"),
    ("借阅", "form-lending-slip.html", None, "涉密文件借阅单（表格页）"),
    ("借阅", "document-management.html", "s-3", "公文管理制度 三、公文借阅"),
    ("末位表态", "shiwuhui-rules.html", "art-24", "第二十四条 实行末位表态制"),
    ("少数服从多数", "shiwuhui-rules.html", "art-25", "第二十五条 表决按照少数服从多数原则"),
    ("无记名投票", "shiwuhui-rules.html", "art-25", "第二十五条 …无记名投票或者记名投票"),
    ("回避", "shiwuhui-rules.html", "art-27", "第二十七条 …有关成员应当回避"),
    ("纪律处分", "shiwuhui-rules.html", "art-27", "第二十七条 讨论和决定干部任免或者纪律处分"),
    ("请假", "shiwuhui-rules.html", "art-17", "第十七条 原则上不允许请假"),
    ("请假", "zhuren-meeting-rules.html", "art-19", "第十九条 原则上不得请假"),
    ("民主集中制", "shiwuhui-rules.html", "art-6", "第六条 坚持民主集中制"),
    ("固定资产", "shiwuhui-rules.html", "art-10", "第十条 …固定资产、办公用品"),
    ("大额资金", "shiwuhui-rules.html", "art-11", "第十一条 大额资金使用"),
    ("风险评估", "shiwuhui-rules.html", "art-20", "第二十条 …风险评估、前置审核"),
    ("存档备查", "shiwuhui-rules.html", "art-28", "第二十八条 …按照规定存档备查"),
    ("讲真话", "shiwuhui-rules.html", "art-30", "第三十条 …讲真话、讲实话"),
    ("负责解释", "shiwuhui-rules.html", "art-38", "第三十八条 本规则由区委办公室负责解释"),
    ("召集人", "zhuren-meeting-rules.html", "art-13", "第十三条 会议召集人"),
    ("秘书室", "zhuren-meeting-rules.html", "art-15", "第十五条 区委办公室秘书室负责收集、汇总…议题建议"),
    ("临时性议题", "zhuren-meeting-rules.html", "art-16", "第十六条 …临时性议题"),
    ("签收", "document-management.html", "s-1-1", "（一）收文办理主要程序 1.签收"),
    ("三重一大", "sanzhong-yida-rules.html", None, "“三重一大”议事规则"),
    ("第十六条", "shiwuhui-rules.html", "art-16", "an article by its number"),
]

RANKED = [
    # (query, page, element id, best rank among sections that must hold)
    ("三分之二", "shiwuhui-rules.html", "art-16", 1),
    ("干部任免", "shiwuhui-rules.html", "art-9", 3),
    ("末位表态", "shiwuhui-rules.html", "art-24", 1),
    ("借阅", "form-lending-slip.html", None, 1),
]

EXTRA_QUERIES = ["三分之二 列席"]
QUERIES = sorted({q for q, *_ in RECALL} | {q for q, *_ in RANKED} | set(EXTRA_QUERIES))


@pytest.fixture(scope="module")
def hook():
    """overrides/hooks/search.py, loaded the way MkDocs loads a hook."""
    spec = importlib.util.spec_from_file_location("handbook_search_hook", HOOK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def visible(markup: str) -> str:
    return markup.replace(ZWSP, "")


def run_worker(site: Path, queries: list[str]) -> dict[str, list[dict]]:
    """query → the sections Material's worker finds, best first (the page fillers with score 0 left out)."""
    done = subprocess.run(["node", str(WORKER_RUNNER), str(site)], input=json.dumps(queries),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    results = {}
    for query, result in zip(queries, json.loads(done.stdout)):
        hits = [item for group in result["items"] for item in group if item["score"] > 0]
        results[query] = sorted(hits, key=lambda item: -item["score"])
    return results


@pytest.fixture(scope="module")
def found(built_site) -> dict[str, list[dict]]:
    return run_worker(built_site, QUERIES)


@pytest.fixture(scope="module")
def index(built_site) -> dict:
    return json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))


class _Sections(HTMLParser):
    """Map every element id of a page to the search location of the section that holds it."""

    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.location = page
        self.seen_heading = False
        self.of: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        ident = dict(attrs).get("id")
        if re.fullmatch(r"h[1-6]", tag) and ident:
            # Material: the first heading is the page itself, later ones are sections
            self.location = f"{self.page}#{ident}" if self.seen_heading else self.page
            self.seen_heading = True
        if ident:
            self.of[ident] = self.location


def section_of(site: Path, page: str, element: str | None) -> str:
    if element is None:
        return page
    sections = _Sections(page)
    sections.feed((site / page).read_text(encoding="utf-8"))
    assert element in sections.of, f"{page} has no element #{element}"
    return sections.of[element]


def locations(hits: list[dict]) -> list[str]:
    return [hit["location"] for hit in hits]


def test_the_query_list_is_large_enough():
    assert len(RECALL) >= 20
    assert len({q for q, *_ in RECALL}) >= 20


@pytest.mark.parametrize("query,page,element,why", RECALL, ids=[f"{q}-{p}-{e}" for q, p, e, _ in RECALL])
def test_query_finds_the_article(found, built_site, query, page, element, why):
    expected = section_of(built_site, page, element)
    assert expected in locations(found[query]), f"「{query}」没有找到 {expected}（{why}）"


@pytest.mark.parametrize("query,page,element,best", RANKED, ids=[q for q, *_ in RANKED])
def test_query_ranks_the_article_high(found, built_site, query, page, element, best):
    expected = section_of(built_site, page, element)
    assert expected in locations(found[query])[:best]


def test_a_word_inside_a_compound_is_found_and_highlighted(found, built_site):
    expected = section_of(built_site, "shiwuhui-rules.html", "art-22")
    hit = next(h for h in found["领导"] if h["location"] == expected)
    assert "分管<mark>领导</mark>" in visible(hit["text"])


def test_a_compound_query_matches_the_compound_not_its_parts_apart(found):
    # 分管领导 is one word: every section found holds it, not just 分管 or 领导 somewhere
    hits = found["分管领导"]
    assert hits
    for hit in hits:
        assert "分管领导" in visible(re.sub(r"</?mark>", "", hit["title"] + hit["text"])), hit["location"]


def test_every_word_of_a_query_is_searched(found):
    # Material's worker drops a word that ends the query (干部任免 → 干部*) and marks
    # segments it joined with "* " as missing; the hook fixes both.
    for hit in found["干部任免"][:3]:
        assert hit["terms"] == {"干部": True, "任免": True}, hit["location"]
    assert found["三分之二 列席"][0]["terms"] == {"三分之二": True, "列席": False}


def test_index_reads_exactly_like_the_page(index, built_site):
    """The parts and U+200B change nothing a reader sees: each entry is Material's own extraction."""
    expected = {}
    for page in sorted({doc["location"].split("#")[0] for doc in index["docs"]}):
        html = (built_site / page).read_text(encoding="utf-8")
        content = html.split('<article class="md-content__inner md-typeset">', 1)[1].rsplit("</article>", 1)[0].strip()
        parser = MaterialParser()
        parser.feed(content)
        parser.close()
        for section in parser.data:
            location = f"{page}#{section.id}" if section.id else page
            expected[location] = ("".join(section.title).strip(), "".join(section.text).strip())
    for doc in index["docs"]:
        title, text = expected[doc["location"]]
        assert visible(doc["text"]) == text, doc["location"]
        if title:  # Material puts the page title into sections without one
            assert visible(doc["title"]) == title, doc["location"]


def test_compounds_are_indexed_whole_in_a_hidden_field(index):
    assert index["config"]["fields"]["compounds"] == {"boost": 1.0}
    quorum = next(d for d in index["docs"] if d["location"] == "shiwuhui-rules.html#quorum")
    assert "三分之二" in quorum["compounds"].split(ZWSP)
    assert f"{ZWSP}三分{ZWSP}之二{ZWSP}" in quorum["text"]


def test_separator_splits_at_u200b_and_chinese_punctuation(index):
    separator = index["config"]["separator"]
    assert "\\u200b" in separator
    tokens = [t for t in re.split(separator, f"分管{ZWSP}领导，（一）《条例》：“三重一大”、GB/T 1.5") if t]
    assert tokens == ["分管", "领导", "一", "条例", "三重一大", "GB", "T", "1.5"]


def test_split_word_uses_dictionary_parts(hook):
    assert hook.split_word("分管领导") == ["分管", "领导"]
    assert hook.split_word("财务管理") == ["财务", "管理"]
    assert hook.split_word("三分之二") == ["三分", "之二"]
    assert hook.split_word("室务会") == ["室务会"]  # no split into single characters
    assert hook.split_word("领导") == ["领导"]


def test_segment_keeps_text_and_collects_compounds(hook):
    text, compounds = hook.segment("<p>经分管领导先行审核后，报秘书室。</p>")
    assert visible(text) == "<p>经分管领导先行审核后，报秘书室。</p>"
    assert f"{ZWSP}分管{ZWSP}领导{ZWSP}" in text
    assert "分管领导" in compounds
