"""Nothing leaves the machine: every request outside 127.0.0.1 is blocked and recorded, and none may be tried."""

import zipfile

from playwright.sync_api import expect

from harness import search

FLOW_PAGE = "outgoing-document-flow.html"  # 发文流程图
FORM_PAGE = "form-lending-slip.html"  # 涉密文件借阅单


def test_pages_and_search_stay_local(desktop):
    page = desktop.open()
    desktop.screenshot("home", full_page=True)
    desktop.open("shiwuhui-rules.html")
    expect(page.locator("h1")).to_contain_text("室务会会议议事决策规则")
    desktop.screenshot("document-shiwuhui-rules")
    assert search(page, "领导"), "搜索没有结果"
    desktop.assert_stayed_local()


def test_flowchart_page_stays_local(desktop):
    page = desktop.open(FLOW_PAGE)
    expect(page.locator("figure.flowchart > svg")).to_be_visible()
    page.wait_for_load_state("networkidle")
    desktop.screenshot("flowchart-outgoing-document")
    desktop.assert_stayed_local()


def test_form_download_stays_local(desktop, tmp_path):
    page = desktop.open(FORM_PAGE)
    link = page.locator('a[href$=".docx"]').first
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename.endswith(".docx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as docx:
        assert "借阅" in docx.read("word/document.xml").decode("utf-8")
    desktop.assert_stayed_local()
