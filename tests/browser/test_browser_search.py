"""Search through the real search box in Chromium: the results users see and where they lead."""

import pytest
from playwright.sync_api import expect

from harness import Result, search, target_of


def targets(results: list[Result]) -> list[str]:
    return [r.target for r in results if r.visible]


def in_viewport(page, selector: str) -> bool:
    return page.locator(selector).evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight; }")


@pytest.mark.parametrize("query, target", [
    ("三分之二", "shiwuhui-rules.html#quorum"),  # 第十六条: 应当有三分之二以上成员到会
    ("干部任免", "shiwuhui-rules.html#cadre-appointment"),  # 第九条
])
def test_query_finds_the_article(desktop, query, target):
    desktop.open()
    results = search(desktop.page, query)
    assert target in targets(results), f"搜索「{query}」的结果中没有 {target}：{targets(results)}"


def test_lingdao_finds_several_documents(desktop):
    desktop.open()
    results = search(desktop.page, "领导")
    pages = {r.page for r in results if r.visible}
    assert len(pages) >= 3, f"搜索「领导」只找到 {sorted(pages)}"
    assert all("领导" in r.text for r in results if r.visible and "#" in r.target), \
        [r.text[:40] for r in results if r.visible and "领导" not in r.text]


def test_jieyue_finds_the_lending_rules(desktop):
    desktop.open()
    results = search(desktop.page, "借阅")
    found = targets(results)
    lending = {"document-management.html#lending", "secret-document-lending-slip.html", "form-lending-slip.html"}
    assert lending & {*found, *(t.partition("#")[0] for t in found)}, f"搜索「借阅」没有找到公文借阅或借阅单：{found}"


def test_result_opens_the_article(desktop):
    page = desktop.open()
    search(page, "三分之二")
    desktop.screenshot("search-results")
    link = page.locator('.md-search-result__list a[href*="shiwuhui-rules.html"][href$="#quorum"]')
    link.click()
    page.wait_for_url("**/shiwuhui-rules.html*#quorum")
    assert target_of(page.url) == "shiwuhui-rules.html#quorum"
    heading = page.locator("#quorum")
    expect(heading).to_contain_text("第十六条")
    assert in_viewport(page, "#quorum"), "打开结果后第十六条不在可见区域"
    expect(page.locator("mark").first).to_be_visible()  # search.highlight marks the words found
    desktop.screenshot("search-landed-quorum")


def test_search_from_file_url(file_tab):
    page = file_tab.open()
    assert page.url.startswith("file://")
    results = search(page, "三分之二")
    assert "shiwuhui-rules.html#quorum" in targets(results), targets(results)
    page.locator('.md-search-result__list a[href$="#quorum"]').click()
    page.wait_for_url("file://**/shiwuhui-rules.html*#quorum")
    expect(page.locator("#quorum")).to_contain_text("第十六条")
    file_tab.assert_stayed_local()
