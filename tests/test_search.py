"""Staff search: the index the build writes and the one engine (search-engine.js) run under Node on it.

tests/support/search_engine.js loads the engine the site ships and feeds it the site's own
index files, as the page does; the browser tests (tests/browser/test_browser_search.py)
run the same query list through the real search box.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jieba
import pytest

from support import search_queries as sq
from support.search_node import run_engine
from handbook import search_index
from handbook.synonyms import load_synonyms, synonym_problems

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def answers(built_site) -> dict[str, dict]:
    queries = sq.queries() + ["三分之二 列席", "报销请假"]
    return dict(zip(queries, run_engine(built_site, queries)))


def read_script(path: Path):
    text = path.read_text(encoding="utf-8")
    match = re.fullmatch(r'HandbookSearch\.receive\("([\w-]+)",(.*)\);\n', text, re.S)
    assert match, path
    return match.group(1), json.loads(match.group(2))


@pytest.fixture(scope="module")
def core(built_site) -> dict:
    return read_script(built_site / "search" / "core.js")[1]


def entry_texts(site: Path, core: dict) -> dict[str, str]:
    """target → title and text of every entry in the index."""
    rows = []
    for number in range(len(core["chunks"])):
        rows += read_script(site / "search" / f"t-{number}.js")[1]
    pages = []
    for doc, following in zip(core["docs"], core["docs"][1:] + [None]):
        end = following[5] if following else len(rows)
        pages += [doc[0]] * (end - doc[5])
    return {page + (f"#{a}" if a else ""): f"{t} {x}" for page, (a, t, x) in zip(pages, rows)}


def test_the_query_list_is_as_large_as_asked():
    assert len(sq.EXACT) + len(sq.RECALL) + len(sq.INSIDE_COMPOUNDS) >= 60
    assert len(sq.INSIDE_COMPOUNDS) >= 15
    assert len(sq.ABSENT) >= 10


@pytest.mark.parametrize("query,target,within", sq.expectations(), ids=[f"{q}-{t}" for q, t, _ in sq.expectations()])
def test_query_finds_the_entry(answers, built_site, query, target, within):
    target = sq.canonical(built_site, target)
    ranked = answers[query]["ranked"]
    assert target in ranked[:within], f"「{query}」的前 {within} 个结果中没有 {target}：{ranked[:within]}"


@pytest.mark.parametrize("query,target", sq.EXACT + sq.RECALL + sq.INSIDE_COMPOUNDS)
def test_the_expected_entry_holds_the_query(built_site, core, query, target):
    # the list is checked against the text itself, not against what the engine answers
    assert query in entry_texts(built_site, core)[sq.canonical(built_site, target)]


@pytest.mark.parametrize("word,target", sq.INSIDE_COMPOUNDS)
def test_compound_words_are_only_inside_longer_words(built_site, core, word, target):
    text = entry_texts(built_site, core)[sq.canonical(built_site, target)]
    assert word in text
    assert word in search_index.terms(text)  # a term of the entry, though jieba never cuts it out alone
    assert word not in [w for run in search_index.HAN.findall(text) for w in jieba.cut(run)], \
        f"{word} is a word of its own in {target}; the list wants words found only inside compounds"


@pytest.mark.parametrize("query,message", sq.ABSENT)
def test_absent_words_say_so(answers, query, message):
    answer = answers[query]
    assert answer["message"] == message
    assert not answer["groups"], [e["target"] for g in answer["groups"] for e in g["entries"]]


def test_no_single_character_stands_in_for_an_unknown_word(answers):
    # 报 and 销 are both in the index, 报销 is not: nothing that has 报 or 销 is a match
    assert answers["报销"]["ranked"] == []
    answer = answers["报销请假"]
    assert answer["missing"] == ["报销"]
    assert answer["message"].startswith("手册中没有找到“报销”")
    assert all("报销" not in e["snippet"] for g in answer["groups"] for e in g["entries"])


@pytest.mark.parametrize("word,means,target", sq.SYNONYMS)
def test_synonyms_find_and_mark_the_rule_word(answers, word, means, target):
    answer = answers[word]
    assert means in answer["words"][0]["alternatives"]
    marked = [m for e in answer["results"] for m in e["marks"]]
    assert means in marked or any(means.startswith(m) for m in marked)


def test_the_synonym_list_in_the_query_list_is_the_file(built_site):
    assert {(w, m) for w, m, _ in sq.SYNONYMS} <= {(w, m) for w, ms in load_synonyms(ROOT).items() for m in ms}


def test_a_four_character_word_is_marked_in_the_sentence_that_matched(answers):
    entry = next(e for e in answers["三分之二"]["results"] if e["target"] == "shiwuhui-rules.html#quorum")
    assert entry["snippet"] == "讨论和决定干部任免事项必须有<mark>三分之二</mark>以上的室务会成员到会。"
    assert "h=" + "%E4%B8%89%E5%88%86%E4%B9%8B%E4%BA%8C" in entry["url"] and entry["url"].endswith("#quorum")


def test_a_word_inside_a_compound_is_marked(answers):
    hit = next(e for e in answers["分管领导"]["results"] if e["target"] == "shiwuhui-rules.html#art-22")
    assert "<mark>分管领导</mark>" in hit["snippet"]


def test_every_word_of_a_query_is_searched(answers):
    answer = answers["三分之二 列席"]
    assert [w["text"] for w in answer["words"]] == ["三分之二", "列席"]
    assert answer["ranked"][0] == "shiwuhui-rules.html#quorum"


def test_placeholders_come_after_every_entry_with_text(answers):
    answer = answers["保密"]
    pending = [e["doc"]["pending"] for e in answer["results"]]
    assert pending == sorted(pending) and any(pending) and not pending[0]
    assert answer["ranked"][0] in {"secretariat-two-rules.html#s-5", "shiwuhui-rules.html#art-31"} or \
        not answer["results"][0]["doc"]["pending"]


def test_placeholders_contribute_their_title_only(core, built_site):
    texts = entry_texts(built_site, core)
    for doc in core["docs"]:
        if doc[3] == search_index.PENDING_STATUS:
            own = {t: x for t, x in texts.items() if t.split("#")[0] == doc[0]}
            assert list(own) == [doc[0]], own
            assert own[doc[0]].strip() == doc[1]  # the title, never the editor's note


def test_editor_guide_changelog_and_home_are_not_searched(core):
    pages = {doc[0] for doc in core["docs"]}
    assert not pages & {"editor_guide.html", "changelog.html", "index.html", "404.html"}


def test_filters_by_category_and_status(built_site):
    everything, current, category = run_engine(built_site, [
        ["列席", {}], ["列席", {"status": "试行"}], ["列席", {"category": "议事决策"}]])
    assert {e["doc"]["status"] for e in current["results"]} == {"试行"}
    assert len(current["results"]) < len(everything["results"])
    assert {e["doc"]["category"] for e in category["results"]} == {"议事决策"}
    assert everything["facets"]["statuses"]["试行"] >= 1


def test_index_shards_postings_and_text(core, built_site):
    files = sorted(p.name for p in (built_site / "search").iterdir())
    assert files == sorted(["core.js"] + [f"p-{n}.js" for n in range(core["shards"])]
                           + [f"t-{n}.js" for n in range(len(core["chunks"]))])
    for name in files:
        assert read_script(built_site / "search" / name)[0] == name[:-3]


def test_a_small_index_is_read_whole_and_a_large_one_as_queries_need_it(core, monkeypatch):
    assert core["preload"] is True  # the real handbook: every file once the page has loaded
    page = search_index.Page("a.html", "甲规则", "议事决策", "现行", None, False)
    html = '<article class="md-content__inner md-typeset"><h1>甲规则</h1><p>会议应当有半数以上成员到会。</p></article>'
    small = search_index.build_index([page], lambda name: html)
    monkeypatch.setattr(search_index, "PRELOAD_BYTES", sum(len(t.encode()) for n, t in small.items() if n != "core.js") - 1)
    large = search_index.build_index([page], lambda name: html)
    assert read_core(small["core.js"])["preload"] is True and read_core(large["core.js"])["preload"] is False


def read_core(text: str) -> dict:
    return json.loads(text[text.index(",") + 1:text.rindex(")")])


def test_python_and_javascript_hash_terms_alike(built_site):
    words = ["三分之二", "x", "𠀀字", "领导"]
    script = (f"const E = require({json.dumps(str(built_site / 'assets' / 'javascripts' / 'search-engine.js'))});"
              f"console.log(JSON.stringify({json.dumps(words)}.map(E.termHash)))")
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [search_index.term_hash(w) for w in words]


def test_split_word_uses_dictionary_parts():
    assert search_index.split_word("分管领导") == ["分管", "领导"]
    assert search_index.split_word("三分之二") == ["三分", "之二"]
    assert search_index.split_word("室务会") == ["室务会"]  # no split into single characters
    assert set(search_index.word_terms("分管领导")) == {"分管领导", "分管", "领导"}


def test_check_warns_about_a_synonym_whose_target_occurs_nowhere(tmp_path, handbook):
    (tmp_path / "synonyms.yaml").write_text("synonyms:\n  - word: 报销\n    means: [差旅费报销]\n", encoding="utf-8")
    problems = synonym_problems(tmp_path, handbook)
    assert [(p.line, p.severity) for p in problems] == [(3, "warning")]
    assert "差旅费报销" in problems[0].message


def test_the_real_synonyms_all_occur(handbook):
    assert synonym_problems(ROOT, handbook) == []


def test_a_broken_synonyms_file_is_an_error_with_its_place(tmp_path, handbook):
    (tmp_path / "synonyms.yaml").write_text("synonyms:\n  - word: 公车\n    target: [公务用车]\n", encoding="utf-8")
    problems = synonym_problems(tmp_path, handbook)
    assert problems and problems[0].severity == "error" and problems[0].line >= 2


def test_the_editor_guide_shows_the_synonyms_file(built_site):
    guide = (built_site / "editor_guide.html").read_text(encoding="utf-8")
    assert "检索同义词（synonyms.yaml）" in guide
    assert "<code>means</code>" in guide and "<code>word</code>" in guide
