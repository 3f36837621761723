"""A phone (375 × 812): the menu opens and leads to a document; search works."""

from playwright.sync_api import expect

from harness import search


def test_phone_menu_opens_and_navigates(phone):
    page = phone.open("shiwuhui-rules.html")
    drawer_link = page.locator(".md-sidebar--primary a.md-nav__link", has_text="主任办公会议规则").first
    expect(drawer_link).not_to_be_in_viewport()
    page.locator('label.md-header__button[for="__drawer"]').click()
    expect(drawer_link).to_be_in_viewport()
    phone.screenshot("phone-menu")
    drawer_link.click()
    page.wait_for_url("**/zhuren-meeting-rules.html")
    expect(page.locator("article h1")).to_contain_text("主任办公会议规则")


def test_phone_search(phone):
    page = phone.open()
    results = search(page, "三分之二")
    assert "shiwuhui-rules.html#quorum" in [r.target for r in results if r.visible]
    phone.screenshot("phone-search")
    page.locator('.md-search-result__list a[href$="#quorum"]').click()
    page.wait_for_url("**/shiwuhui-rules.html*#quorum")
    expect(page.locator("#quorum")).to_be_in_viewport()
