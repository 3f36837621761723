"""Reading the handbook on every screen: phones to desktops, print, citing an article, the 404 page,
and what every page type looks like to axe-core.

Screenshots of every page type at every width go to test-artifacts/browser/reading/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, open_tab
from harness import prefixed_server

SHOTS = ARTIFACTS / "reading"
AXE = Path(__file__).resolve().parents[1] / "support" / "axe-core" / "axe.min.js"
WIDTHS = (360, 390, 768, 1366)
MIN_TEXT_PX = 12
PAGE_TYPES = {
    "home": "index.html",
    "rules": "shiwuhui-rules.html",  # chapters, articles, items, corrections
    "outline": "document-management.html",
    "duties": "general-office-rules.html",
    "flow": "outgoing-document-flow.html",
    "pending": "archives-bureau-rules.html",
    "form": "form-lending-slip.html",  # with its compendium entry merged in
    "decide": "decide.html",  # 议事决策自查
    "changelog": "changelog.html",
    "guide": "editor_guide.html",
    "404": "404.html",
}
QUORUM_CITATION = "《中共X区委员会办公室室务会会议议事决策规则》第十六条"

# Every visible text smaller than MIN_TEXT_PX, skipping the drawing on a flow page: it fits the
# column there and is read full screen (test_flowchart_opens_full_screen_with_readable_labels).
SMALL_TEXT_JS = """min => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest("figure.flowchart svg")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (!box.width || !box.height || !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < min) small.push(`${size}px: ${node.textContent.trim().slice(0, 20)}`);
  }
  return small;
}"""


def viewport(width: int) -> dict:
    return {"width": width, "height": 844 if width < 600 else 900}


def tab_at(browser, site_url, width):
    phone = width < 600
    return open_tab(browser, site_url, viewport=viewport(width), is_mobile=phone, has_touch=phone,
                    device_scale_factor=1)


def shot(page, name: str, **options) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), **options)
    return path


# --- 1. every page type at every width --------------------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
def test_no_horizontal_scroll_and_no_tiny_text(browser, site_url, width):
    problems = []
    for tab in tab_at(browser, site_url, width):
        for kind, name in PAGE_TYPES.items():
            page = tab.page
            page.goto(site_url + name)
            page.wait_for_load_state("load")
            scroll = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if scroll[0] > scroll[1]:
                problems.append(f"{name} 在 {width}px 宽时可横向滚动（内容宽 {scroll[0]}px）")
            small = page.evaluate(SMALL_TEXT_JS, MIN_TEXT_PX)
            if small:
                problems.append(f"{name} 在 {width}px 宽时有小于 {MIN_TEXT_PX}px 的文字：{small[:5]}")
            shot(page, f"{kind}-{width}", full_page=width < 600)
    assert not problems, "\n".join(problems)


def test_print_preview_of_every_page_type(desktop):
    """Printed, a page is its text: no buttons, no menus; the preview of each page type is kept."""
    for kind, name in PAGE_TYPES.items():
        page = desktop.open(name)
        page.emulate_media(media="print")
        shown = page.locator(".hb-action, .md-header, .md-sidebar--primary").evaluate_all(
            "els => els.filter(e => e.checkVisibility()).map(e => e.className)")
        assert not shown, f"{name} 打印时仍显示 {shown}"
        shot(page, f"print-{kind}", full_page=True)
        page.emulate_media(media="screen")


def test_phone_contents_are_a_list(phone):
    page = phone.open()
    row = page.locator("table.contents tr", has_text="室务会会议议事决策规则").first
    title = row.locator("td.contents-title")
    status = row.locator("td.contents-status")
    page_no = row.locator("td.contents-page")
    expect(title).to_be_visible()
    assert row.evaluate("r => getComputedStyle(r).display") == "grid", "手机上目录仍是表格"
    title_box, status_box, page_box = title.bounding_box(), status.bounding_box(), page_no.bounding_box()
    assert title_box["width"] > 250, f"手机上文件名只有 {title_box['width']}px 宽"
    assert status_box["y"] >= title_box["y"] + title_box["height"] - 1, "状态没有排在标题下面一行"
    expect(page_no).to_have_text("原第 5 页")
    assert page_box["x"] + page_box["width"] <= page.viewport_size["width"], "原页码超出屏幕"
    expect(page.locator("table.contents thead").first).to_be_hidden()
    shot(page, "phone-contents")


def test_flowchart_opens_full_screen_with_readable_labels(phone):
    page = phone.open("outgoing-document-flow.html")
    figure = page.locator("figure.flowchart")
    drawing = figure.locator("> svg")
    fitted = drawing.bounding_box()
    assert fitted["width"] <= page.viewport_size["width"], "流程图比屏幕宽"
    opener = figure.get_by_role("button", name=re.compile("放大查看"))
    expect(opener).to_be_visible()
    drawing.click()  # a tap on the drawing opens it too
    dialog = page.get_by_role("dialog", name=re.compile("发文流程图（放大）"))
    expect(dialog).to_be_visible()
    sizes = dialog.locator(".hb-zoom__canvas > svg").evaluate("""svg => {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
        .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    }""")
    assert sizes and min(sizes) >= MIN_TEXT_PX, f"放大后流程图文字最小 {min(sizes):.1f}px"
    shot(page, "phone-flowchart-full-screen")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(opener).to_be_focused()


# --- 2. citing and printing one article --------------------------------------------------------------

def test_copy_citation_gives_formal_citation_and_permanent_link(browser, site_url):
    for tab in open_tab(browser, site_url, viewport=viewport(1366)):
        tab.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = tab.open("shiwuhui-rules.html")
        text = page.locator("h3#quorum + .art-text")
        text.hover()
        text.get_by_role("button", name=re.compile("^复制引用")).click()
        expect(page.get_by_role("status")).to_contain_text(QUORUM_CITATION)
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == f"{QUORUM_CITATION}\n{site_url}shiwuhui-rules.html#quorum", copied


def test_copy_citation_of_an_item_and_a_flow_step(desktop):
    page = desktop.open("supervision-rules.html")
    item = page.locator("#art-4-item-1")
    expect(item).to_have_attribute("data-cite", "《X区委办公室督促检查室工作细则》第四条第（一）项")
    expect(item.get_by_role("button", name=re.compile("^复制引用"))).to_have_count(1)
    page = desktop.open("outgoing-document-flow.html")
    step = page.locator("#step-first-review")
    expect(step).to_have_attribute("data-cite", "《中共X区委办公室发文流程图》第2步（区委办秘书一室初审）")
    expect(step.get_by_role("button", name=re.compile("^复制引用"))).to_have_count(1)
    expect(step.get_by_role("button", name=re.compile("^打印本步"))).to_have_count(1)


def test_copy_citation_from_file_url(file_tab):
    """file:// has no clipboard API: the copy goes through execCommand("copy") (or a box to copy from)."""
    page = file_tab.open("shiwuhui-rules.html")
    page.evaluate("""() => { window.__copied = null;
      document.addEventListener('copy', () => { window.__copied = document.activeElement.value; }); }""")
    text = page.locator("h3#quorum + .art-text")
    text.hover()
    text.get_by_role("button", name=re.compile("^复制引用")).click()
    box = page.locator(".hb-copybox textarea")
    copied = page.evaluate("window.__copied") or (box.input_value() if box.count() else None)
    assert copied and copied.startswith(QUORUM_CITATION + "\n") and copied.endswith("shiwuhui-rules.html#quorum")
    file_tab.assert_stayed_local()


def test_print_one_article(desktop):
    page = desktop.open("shiwuhui-rules.html")
    page.evaluate("() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }")
    page.emulate_media(media="print")
    page.locator("h3#quorum + .art-text button", has_text="打印本条").evaluate("b => b.click()")
    assert page.evaluate("window.__printed") == 1
    expect(page.locator("article h1")).to_be_visible()
    expect(page.locator("#quorum")).to_be_visible()
    expect(page.locator("h3#quorum + .art-text")).to_be_visible()
    other = page.locator("h3.article", has_text="第十五条")
    for hidden in (other, page.locator("h3.article", has_text="第十七条"), page.locator(".doc-meta"),
                   page.locator("h2.chapter").first):
        expect(hidden).to_be_hidden()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(SHOTS / "print-article-16.pdf"), prefer_css_page_size=True)
    shot(page, "print-article-16")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    expect(other).to_be_visible()


def test_print_one_flow_step_keeps_its_number(desktop):
    page = desktop.open("outgoing-document-flow.html")
    page.evaluate("() => { window.print = () => {}; }")
    page.emulate_media(media="print")
    page.locator("#step-first-review button", has_text="打印本步").evaluate("b => b.click()")
    expect(page.locator("#step-first-review")).to_be_visible()
    expect(page.locator("#step-office-draft")).to_be_hidden()
    expect(page.locator("figure.flowchart")).to_be_hidden()
    assert page.locator("#step-first-review").evaluate("li => li.value") == 2


def test_print_whole_document_button(desktop):
    page = desktop.open("shiwuhui-rules.html")
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    page.locator(".doc-meta").get_by_role("button", name="打印本文件").click()
    assert page.evaluate("window.__printed")


# --- 3. the 404 page and the site in a subfolder -----------------------------------------------------

@pytest.fixture(scope="module")
def prefixed_url(built_site):
    with prefixed_server(built_site, "/zhidu/") as url:
        yield url


def test_site_in_a_subfolder_loads_every_page_and_asset(browser, built_site, prefixed_url):
    failed = []
    for tab in open_tab(browser, prefixed_url, viewport=viewport(1366)):
        tab.page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        # (a page left before it finished loading aborts its requests: that is not a failure)
        tab.page.on("requestfailed", lambda r: failed.append(f"失败 {r.url}") if "ABORTED" not in r.failure else None)
        for path in sorted(built_site.glob("*.html")):
            if path.name == "404.html":
                continue
            response = tab.page.goto(prefixed_url + path.name)
            assert response.ok, f"{path.name}: HTTP {response.status}"
            tab.page.wait_for_load_state("networkidle")
        tab.assert_stayed_local()
    assert not failed, failed


@pytest.mark.parametrize("width", (390, 1366))
def test_missing_page_in_a_subfolder_gets_the_chinese_404(browser, prefixed_url, width):
    for tab in tab_at(browser, prefixed_url, width):
        page = tab.page
        failed = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and "no-such-page" not in r.url else None)
        response = page.goto(prefixed_url + "no-such-page.html")
        assert response.status == 404
        expect(page.locator("article h1")).to_have_text("找不到该页面")
        assert page.title().startswith("找不到该页面")
        # styled: the site's stylesheet applied (the header is the site's red)
        assert page.locator(".md-header").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(155, 27, 27)"
        assert not failed, f"404 页的资源加载失败：{failed}"
        page.get_by_role("link", name="回到首页").click()
        page.wait_for_url(prefixed_url + "index.html")
        page.go_back()
        page.get_by_role("button", name="搜索本手册").click()
        expect(page.locator("input.md-search__input")).to_be_focused()
        page.keyboard.type("三分之二")
        page.keyboard.press("End")
        result = page.locator('.md-search-result__list a[href*="shiwuhui-rules.html"]').first
        expect(result).to_be_visible(timeout=30_000)
        assert result.evaluate("a => a.href").startswith(prefixed_url), result.evaluate("a => a.href")
        shot(page, f"404-subfolder-{width}")
        tab.assert_stayed_local()


# --- 4. one page per entry -----------------------------------------------------------------------------

def test_form_entry_leads_to_its_form_page(desktop):
    page = desktop.open("secret-document-lending-slip.html")
    page.wait_for_url("**/form-lending-slip.html")
    expect(page.get_by_role("heading", level=1)).to_have_accessible_name("中共X区委办公室涉密文件借阅单")
    expect(page.locator(".doc-meta")).to_contain_text("汇编第 7 篇")
    expect(page.locator("#source-text")).to_be_attached()


# --- 5. visual consistency -----------------------------------------------------------------------------

def test_notes_tables_and_captions_in_the_site_style(desktop):
    page = desktop.open("outgoing-document-flow.html")
    note = page.locator(".doc-note")
    assert note.evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(155, 27, 27)"
    caption = page.locator("figure.flowchart figcaption")
    assert caption.evaluate("e => getComputedStyle(e).fontStyle") == "normal"
    page = desktop.open("shiwuhui-rules.html#corrections")
    cell = page.locator("table.corrections td").first
    style = cell.evaluate("e => { const s = getComputedStyle(e); return [s.borderTopWidth, s.borderTopStyle, "
                          "parseFloat(s.paddingLeft), parseFloat(s.paddingTop)]; }")
    assert style[0] != "0px" and style[1] == "solid", f"勘误表格没有边框：{style}"
    assert style[2] >= 8 and style[3] >= 4, f"勘误表格没有内边距：{style}"
    desktop.screenshot("corrections")


def test_document_head_and_article_spacing(desktop):
    page = desktop.open("shiwuhui-rules.html")
    title = page.locator("article h1").bounding_box()
    meta = page.locator(".doc-meta").bounding_box()
    gap = meta["y"] - (title["y"] + title["height"])
    assert gap < 24, f"标题与信息行之间空了 {gap}px"
    download = page.locator(".doc-meta .compendium-download")
    assert download.evaluate("a => a.getClientRects().length") == 1, "「下载印刷版汇编（DOCX）」被折行"
    em = page.evaluate("""() => {
      const heading = document.querySelector('h3.article');
      const label = document.createRange();
      label.selectNodeContents([...heading.childNodes].find(n => n.nodeType === 3 && n.textContent.trim()));
      const text = heading.nextElementSibling;
      const first = document.createRange();
      first.setStart(text.firstChild, 0); first.setEnd(text.firstChild, 1);
      return (first.getBoundingClientRect().left - label.getBoundingClientRect().right)
        / parseFloat(getComputedStyle(text).fontSize);
    }""")
    assert 0.75 <= em <= 1.25, f"第X条后空 {em:.2f} 个字"


def test_contents_columns_line_up_and_home_toc_title(desktop):
    page = desktop.open()
    lefts = page.locator("table.contents").evaluate_all(
        "ts => ts.map(t => [...t.querySelectorAll('thead th')].map(th => Math.round(th.getBoundingClientRect().left)))")
    assert len(lefts) > 3 and all(l == lefts[0] for l in lefts), f"各类目录的列宽不一致：{lefts}"
    toc = page.locator(".md-sidebar--secondary")
    expect(toc.locator(".md-nav__title")).not_to_have_text("目录")
    assert toc.locator(".md-nav__link").first.inner_text().strip() == "目录"


# --- 6. accessibility ----------------------------------------------------------------------------------

@pytest.mark.parametrize("width", (390, 1366))
def test_axe_finds_no_serious_violation(browser, site_url, width):
    report = {}
    for tab in tab_at(browser, site_url, width):
        for kind, name in PAGE_TYPES.items():
            page = tab.page
            page.goto(site_url + name)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            serious = [f"{v['id']}（{v['impact']}）：{v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
                       for v in result["violations"] if v["impact"] in ("serious", "critical")]
            if serious:
                report[name] = serious
    assert not report, "\n".join(f"{name}: {v}" for name, vs in report.items() for v in vs)


def test_language_and_heading_order(browser, site_url):
    problems = []
    for tab in tab_at(browser, site_url, 1366):
        for kind, name in PAGE_TYPES.items():
            tab.page.goto(site_url + name)
            lang = tab.page.locator("html").get_attribute("lang")
            if not lang or not lang.startswith("zh"):
                problems.append(f"{name}: lang={lang}")
            levels = tab.page.locator("article h1, article h2, article h3, article h4, article h5, article h6") \
                .evaluate_all("hs => hs.map(h => Number(h.tagName[1]))")
            if not levels or levels[0] != 1 or levels.count(1) != 1:
                problems.append(f"{name}: 页面应以唯一的一级标题开始：{levels[:5]}")
            skips = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
            if skips:
                problems.append(f"{name}: 标题跳级 {skips[:3]}")
    assert not problems, "\n".join(problems)


def tab_until(page, predicate_js: str, limit: int = 400) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return True
    return False


def test_keyboard_only_search_menu_and_flowchart_steps(desktop):
    page = desktop.open("outgoing-document-flow.html")
    # search: Tab reaches the box; typing finds; Enter on a result opens it
    assert tab_until(page, "document.activeElement.matches('input.md-search__input')"), "Tab 到不了搜索框"
    page.keyboard.type("三分之二")
    page.keyboard.press("End")
    expect(page.locator(".md-search-result__list a").first).to_be_visible(timeout=30_000)
    page.keyboard.press("Escape")
    # menu: Tab reaches a document in the menu, Enter opens it
    page = desktop.open("outgoing-document-flow.html")
    assert tab_until(page, "document.activeElement.matches('.md-sidebar--primary a[href$=\"document-management.html\"]')"), \
        "Tab 到不了菜单中的文件"
    page.keyboard.press("Enter")
    page.wait_for_url("**/document-management.html")
    # flowchart: Tab reaches a box of the drawing, its focus is visible, Enter follows it
    page = desktop.open("outgoing-document-flow.html")
    assert tab_until(page, "document.activeElement.closest('figure.flowchart svg a') !== null"), "Tab 到不了流程图中的框"
    stroke = page.evaluate("getComputedStyle(document.activeElement.querySelector('.shape > *')).strokeWidth")
    assert stroke == "4px", f"流程图中获得焦点的框没有醒目边框（{stroke}）"
    shot(page, "keyboard-flowchart-focus")
    page.keyboard.press("Enter")
    page.wait_for_url("**/document-management.html#*")
