"""Search through the real search box in Chromium, over http and from file://: the query list, and what a reader sees."""

import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from harness import Result, search, search_box, target_of

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support import search_queries as sq  # noqa: E402


def targets(results: list[Result]) -> list[str]:
    return [r.target for r in results]


def meta(page) -> str:
    return page.locator("[data-handbook-meta]").inner_text()


def in_viewport(page, selector: str) -> bool:
    return page.locator(selector).evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight; }")


def run_query_list(page, site) -> list[str]:
    failures = []
    for query, target, within in sq.expectations():
        target = sq.canonical(site, target)
        found = targets(search(page, query))
        if target not in found[:within]:
            failures.append(f"「{query}」前 {within} 个结果中没有 {target}：{found[:within]}")
    for query, message in sq.ABSENT:
        search(page, query)
        if meta(page) != message or page.locator("[data-handbook-results]").get_attribute("data-state") == "results":
            failures.append(f"「{query}」应显示「{message}」，实际：{meta(page)}")
    return failures


def test_query_list_over_http(desktop, built_site):
    page = desktop.open()
    assert run_query_list(page, built_site) == []
    desktop.assert_stayed_local()


def test_query_list_from_file_url(file_tab, built_site):
    page = file_tab.open()
    assert page.url.startswith("file://")
    assert run_query_list(page, built_site) == []
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
