"""议事决策自查 in Chromium: the page, opened from file://, gives every worked case's answers.

The cases are those of decisions/cases.yaml; the page must show the verdicts written there and,
word for word, the reasoning Python gives (handbook/decide.py), so the page and `build.py decide`
cannot disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from handbook import decide

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rules(handbook):
    return decide.rules_data(handbook.structures, handbook.index)


def shown_answers(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('#decide-answer .decide-card')].map(card => ({
        question: card.dataset.question,
        word: card.querySelector('.decide-card__verdict').textContent,
        reason: card.querySelector('.decide-card__reason').textContent,
        steps: [...card.querySelectorAll('.decide-card__steps li')].map(li => li.textContent),
        cites: [...card.querySelectorAll('.decide-cites a')].map(a => a.getAttribute('href')),
    }))""")


def test_every_worked_case_through_the_page(file_tab, rules):
    cases = decide.load_cases(ROOT)
    assert len(cases) >= 30
    errors = []
    page = file_tab.page
    page.on("pageerror", lambda error: errors.append(str(error)))
    file_tab.open("decide.html")
    expect(page.locator("#decide-form")).to_be_visible()
    rows = page.locator("table.decide-examples tbody tr")
    expect(rows).to_have_count(len(cases))
    for i, case in enumerate(cases):
        page.locator(f'[data-decide-case="{i}"]').click()
        shown = shown_answers(page)
        python = decide.evaluate(rules, case)["answers"]
        assert {a["question"]: a["word"] for a in shown} == case["answers"], case["title"]
        for seen, expected in zip(shown, python):
            assert seen["reason"] == expected["reason"], case["title"]
            assert seen["steps"] == expected["steps"], case["title"]
            assert seen["cites"] == [rules["cites"][c]["href"] for c in expected["cites"]], case["title"]
        # the static table says the same as the live answer
        row = rows.nth(i)
        for question in decide.QUESTIONS:
            assert row.locator(f'[data-answer="{question}"]').inner_text() == case["answers"][question]
    assert not errors
    file_tab.assert_stayed_local()


def test_the_issue_question_typed_in_by_hand(file_tab):
    """7 of 11 present, vote 4–2–1 on a 干部任免: the reader types it in and gets the articles."""
    page = file_tab.open("decide.html")
    page.select_option('select[name="body"]', label="室务会会议")
    page.select_option('select[name="matter"]', label="干部任免")
    for name, value in (("expected", "11"), ("present", "7"), ("for", "4"), ("against", "2"), ("abstain", "1")):
        page.fill(f'input[name="{name}"]', value)
    convene = page.locator('.decide-card[data-question="convene"]')
    expect(convene.locator(".decide-card__verdict")).to_have_text("不能召开")
    expect(convene).to_contain_text("即至少 8 人，差 1 人")
    link = convene.locator(".decide-cites a")
    expect(link).to_have_text("《室务会会议议事决策规则》第十六条")
    expect(convene.locator(".decide-cites q")).to_have_text("讨论和决定干部任免事项必须有三分之二以上的室务会成员到会")
    expect(page.locator('.decide-card[data-question="pass"] .decide-card__verdict')).to_have_text("未通过")
    link.click()
    expect(page).to_have_url(re.compile(r"/shiwuhui-rules\.html#quorum$"))
    expect(page.locator("[id=quorum] + p")).to_contain_text("三分之二以上")


def test_amount_field_only_for_matters_decided_by_amount(file_tab):
    page = file_tab.open("decide.html")
    amount = page.locator('[data-decide-amount]')
    page.select_option('select[name="matter"]', "cadre")
    expect(amount).to_be_hidden()
    page.select_option('select[name="matter"]', "one-off-purchase")
    expect(amount).to_be_visible()
    expect(page.locator(".decide-errors")).to_contain_text("请填写金额")
    page.fill('input[name="amount"]', "5")
    expect(page.locator('.decide-card[data-question="refer"]')).to_contain_text("恰为 5 万元，“及以上”含本数")


def test_page_fits_a_phone(phone):
    page = phone.open("decide.html")
    page.locator('[data-decide-case="8"]').click()
    width = page.evaluate("document.documentElement.clientWidth")
    for selector in ("#decide-form", "#decide-answer", "table.decide-examples"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, selector
    phone.screenshot("decide-phone", full_page=False)
