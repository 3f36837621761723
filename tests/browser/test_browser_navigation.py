"""Links users follow: a flowchart step to the rule behind it, a reference to the other document."""

from playwright.sync_api import expect

from harness import target_of


def test_flowchart_step_opens_its_article(desktop):
    # 区委重大决策、重要工作部署督促检查工作程序图 is drawn from 督促检查室工作细则 第八条
    page = desktop.open("supervision-decision-flow.html")
    step = page.locator("figure.flowchart svg a").filter(has_text="审核验收")
    expect(step).to_have_count(1)
    step.click()
    page.wait_for_url("**/supervision-rules.html#*")
    anchor = target_of(page.url).partition("#")[2]
    article = page.locator(f"[id='{anchor}']")
    expect(article).to_contain_text("第八条")
    expect(article).to_be_in_viewport()
    desktop.screenshot("flowchart-step-landed")


def test_cross_reference_opens_the_other_document(desktop):
    # 室务会规则 第七条: 应当召开区委办公室主任办公会议进行酝酿
    page = desktop.open("shiwuhui-rules.html#art-7")
    reference = page.locator("h3.article:has(#art-7) + .art-text a.ref")
    expect(reference).to_have_text("区委办公室主任办公会议")
    reference.click()
    page.wait_for_url("**/zhuren-meeting-rules.html")
    expect(page.locator("article h1")).to_contain_text("主任办公会议规则")


def test_reference_to_the_lending_slip_opens_it(desktop):
    # 公文管理制度 三、公文借阅 refers to the lending slip (issue 3)
    page = desktop.open("document-management.html#lending")
    reference = page.locator("#lending ~ * a.ref").first
    expect(reference).to_be_visible()
    href = reference.get_attribute("href")
    reference.click()
    page.wait_for_url("**/" + href.split("#")[0].lstrip("./") + "*")
    expect(page.locator("article h1")).to_contain_text("借阅单")
