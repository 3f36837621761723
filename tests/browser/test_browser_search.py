"""Search through the real search box in Chromium, over http and from file://: the query list, and what a reader sees."""

import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from harness import Result, search, search_box, target_of

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support import search_queries as sq  # noqa: E402
from support.search_node import run_engine  # noqa: E402

UI_PAGE_LIMIT = 10  # PAGE_LIMIT of assets/javascripts/search-ui.js: the pages listed before "显示更多结果"


@pytest.fixture(scope="module")
def engine_answers(built_site) -> dict[str, dict]:
    """The same engine under Node, asked for what the panel asks: the first UI_PAGE_LIMIT pages."""
    queries = sorted({q for q, _, _ in sq.expectations()})
    return dict(zip(queries, run_engine(built_site, [[q, {"limit": UI_PAGE_LIMIT}] for q in queries])))


def targets(results: list[Result]) -> list[str]:
    return [r.target for r in results]


def meta(page) -> str:
    return page.locator("[data-handbook-meta]").inner_text()


def in_viewport(page, selector: str) -> bool:
    return page.locator(selector).evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight; }")


def run_query_list(page, site, engine_answers) -> list[str]:
    failures = []
    for query, target, within in sq.expectations():
        target = sq.canonical(site, target)
        found = targets(search(page, query))
        if target not in found[:within]:
            failures.append(f"「{query}」前 {within} 个结果中没有 {target}：{found[:within]}")
        if found != engine_answers[query]["ranked"]:  # the page lists exactly what the engine ranks under Node
            failures.append(f"「{query}」页面上的结果与 Node 中的引擎不同：{found} ≠ {engine_answers[query]['ranked']}")
    for query, message in sq.ABSENT:
        search(page, query)
        if meta(page) != message or page.locator("[data-handbook-results]").get_attribute("data-state") == "results":
            failures.append(f"「{query}」应显示「{message}」，实际：{meta(page)}")
    return failures


def test_query_list_over_http(desktop, built_site, engine_answers):
    page = desktop.open()
    assert run_query_list(page, built_site, engine_answers) == []
    desktop.assert_stayed_local()


def test_query_list_from_file_url(file_tab, built_site, engine_answers):
    page = file_tab.open()
    assert page.url.startswith("file://")
    assert run_query_list(page, built_site, engine_answers) == []
    file_tab.assert_stayed_local()


def test_result_opens_the_article_and_marks_the_word(desktop):
    page = desktop.open()
    search(page, "三分之二")
    snippet = page.locator('.md-search-result__list a[data-target="shiwuhui-rules.html#quorum"] .md-search-result__teaser')
    expect(snippet.locator("mark")).to_have_text("三分之二")  # a four-character word, marked whole
    desktop.screenshot("search-results")
    page.locator('.md-search-result__list a[data-target="shiwuhui-rules.html#quorum"]').click()
    page.wait_for_url("**/shiwuhui-rules.html*#quorum")
    assert target_of(page.url) == "shiwuhui-rules.html#quorum"
    expect(page.locator("#quorum")).to_contain_text("第十六条")
    assert in_viewport(page, "#quorum"), "打开结果后第十六条不在可见区域"
    expect(page.locator("article.md-content__inner mark").first).to_have_text("三分之二")
    desktop.screenshot("search-landed-quorum")


def test_paste_searches(desktop):
    page = desktop.open()
    box = search_box(page)
    box.click()
    # a paste with the mouse: no key event, only the input event a paste fires
    page.evaluate("""() => {
        const box = document.querySelector('[data-handbook-query]');
        const data = new DataTransfer(); data.setData('text/plain', '末位表态');
        box.value = '末位表态';
        box.dispatchEvent(new InputEvent('input', {inputType: 'insertFromPaste', dataTransfer: data, bubbles: true}));
    }""")
    expect(page.locator('.md-search-result__list a[data-target="shiwuhui-rules.html#art-24"]')).to_be_visible()


def test_query_in_the_url_runs_from_file_url(file_tab):
    page = file_tab.open("zhuren-meeting-rules.html?q=三分之二")
    expect(page.locator('.md-search-result__list a[data-target="shiwuhui-rules.html#quorum"]')).to_be_visible()
    expect(page.locator("input.md-search__input")).to_have_value("三分之二")
    file_tab.assert_stayed_local()


def test_no_result_and_pending_messages(desktop):
    page = desktop.open()
    search(page, "报销")
    expect(page.locator("[data-handbook-meta]")).to_have_text("手册中没有找到“报销”")
    desktop.screenshot("search-no-result")
    search(page, "财务管理")
    expect(page.locator("[data-handbook-meta]")).to_have_text("《X区委办公室财务管理制度》正文待录入，原汇编第 94 页")


@pytest.mark.parametrize("query", ["请假", "值班", "印章", "出差", "编辑指南", "YAML", "更新日志", "领导"])
def test_editor_guide_never_appears(desktop, query):
    page = desktop.open()
    found = targets(search(page, query))
    assert not [t for t in found if t.startswith(("editor_guide.html", "changelog.html", "index.html"))], found


def test_status_filter(desktop):
    page = desktop.open()
    search(page, "列席")
    page.locator('[data-filter="status"] button', has_text="试行").click()
    expect(page.locator('[data-filter="status"] button[aria-pressed="true"]')).to_have_text("试行")
    places = page.locator(".md-search-result__list .hb-search-place").all_inner_texts()
    assert places and all(p.endswith("试行") for p in places), places
    desktop.screenshot("search-filter-status")


def test_search_on_a_phone(phone):
    page = phone.open()
    found = targets(search(page, "保密"))
    assert found and not found[0].startswith(("editor_guide", "index"))
    phone.screenshot("search-phone")


def test_ime_composition_searches_when_it_ends(desktop):
    page = desktop.open()
    box = search_box(page)
    box.click()
    page.evaluate("""() => {
        const box = document.querySelector('[data-handbook-query]');
        box.dispatchEvent(new CompositionEvent('compositionstart', {bubbles: true}));
        box.value = 'mowei';  // the pinyin while composing is not searched
        box.dispatchEvent(new InputEvent('input', {isComposing: true, bubbles: true}));
        box.value = '末位表态';
        box.dispatchEvent(new CompositionEvent('compositionend', {data: '末位表态', bubbles: true}));
    }""")
    expect(page.locator('.md-search-result__list a[data-target="shiwuhui-rules.html#art-24"]')).to_be_visible()
    assert page.locator("[data-handbook-results]").get_attribute("data-query") == "末位表态"


def shown_pages(page) -> int:
    return page.locator(".md-search-result__item:not(.hb-search-pending-item)").evaluate_all(
        "items => new Set(items.map(item => item.dataset.page)).size")


def test_more_results_lists_the_next_pages(desktop, built_site):
    total = run_engine(built_site, ["会议"])[0]["total"]
    assert total > UI_PAGE_LIMIT  # else this test shows nothing
    page = desktop.open()
    search(page, "会议")
    assert shown_pages(page) == UI_PAGE_LIMIT
    page.locator(".hb-search-more").click()
    page.wait_for_function("n => new Set(Array.from(document.querySelectorAll("
                           "'.md-search-result__item:not(.hb-search-pending-item)'), i => i.dataset.page)).size === n",
                           arg=min(total, 2 * UI_PAGE_LIMIT))
    expect(page.locator(".hb-search-more")).to_have_count(1 if total > 2 * UI_PAGE_LIMIT else 0)


def test_a_small_index_is_read_before_the_first_query(desktop, built_site):
    # nothing typed: the page reads every index file once it has loaded, so the first query waits for none
    names = sorted(p.name for p in (built_site / "search").glob("*.js"))
    page = desktop.open()
    page.wait_for_function("names => names.every(n => performance.getEntriesByType('resource')"
                           ".some(e => e.name.endsWith('/search/' + n)))", arg=names)
    assert page.locator("[data-handbook-results]").get_attribute("data-state") is None
