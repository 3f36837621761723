"""Printing a document page: only the text, in the official fonts."""

from playwright.sync_api import expect

HIDDEN_IN_PRINT = {
    "页眉": ".md-header",
    "导航栏": ".md-sidebar--primary",
    "目录栏": ".md-sidebar--secondary",
    "搜索": ".md-search",
    "页脚翻页": ".md-footer",
}
OFFICIAL_BODY_FONT = "仿宋"


def test_document_prints_without_navigation(desktop):
    page = desktop.open("shiwuhui-rules.html")
    page.emulate_media(media="print")
    shown = [name for name, selector in HIDDEN_IN_PRINT.items() if page.locator(selector).first.is_visible()]
    assert not shown, f"打印时仍显示：{shown}"
    expect(page.locator("article h1")).to_be_visible()
    expect(page.locator("#art-1")).to_be_attached()
    expect(page.locator(".art-text").first).to_be_visible()
    desktop.screenshot("print-shiwuhui-rules")


def test_document_prints_in_official_fonts(desktop):
    page = desktop.open("shiwuhui-rules.html")
    page.emulate_media(media="print")
    font = page.locator(".art-text").first.evaluate("e => getComputedStyle(e).fontFamily")
    assert OFFICIAL_BODY_FONT in font, f"打印时正文字体为 {font}，未指定{OFFICIAL_BODY_FONT}"
