"""议事决策自查: the decision rules beside the text, their check, the two evaluators and the worked cases."""

from __future__ import annotations

import functools
import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from handbook import cli, decide, decide_cli
from handbook.sources import load_handbook

ROOT = Path(__file__).resolve().parent.parent
NODE_SCRIPT = Path(__file__).resolve().parent / "decide_node.js"
ARTICLES = {"shiwuhui-rules", "zhuren-meeting-rules", "sanzhong-yida-rules"}


@pytest.fixture(scope="module")
def rules(handbook):
    return decide.rules_data(handbook.structures, handbook.index)


@pytest.fixture(scope="module")
def cases():
    return decide.load_cases(ROOT)


def verdicts(result: dict) -> dict[str, str]:
    return {a["question"]: a["word"] for a in result["answers"]}


def run_node(rules: dict, questions: list[dict]) -> list[dict]:
    node = shutil.which("node")
    assert node, "找不到 node（.ci/run 用 apt-get 安装 nodejs）"
    result = subprocess.run([node, str(NODE_SCRIPT)], input=json.dumps({"rules": rules, "questions": questions}),
                            capture_output=True, text=True, encoding="utf-8", check=True)
    return json.loads(result.stdout)


# ---------------------------------------------------------------- the rules as data

def test_rules_come_from_the_three_meeting_regulations(rules):
    assert {b["name"] for b in rules["bodies"]} == {"室务会会议", "主任办公会议"}
    docs = {c["href"].split(".html")[0] for c in rules["cites"].values()}
    assert docs == ARTICLES
    shiwuhui = next(b for b in rules["bodies"] if b["id"] == "shiwuhui-rules")
    assert [(q["share"], q["bound"], q["matters"]) for q in shiwuhui["quorum"]] == [([1, 2], "以上", []),
                                                                                  ([2, 3], "以上", ["cadre"])]
    assert (shiwuhui["passing"]["share"], shiwuhui["passing"]["bound"]) == ([1, 2], "超过")
    zhuren = next(b for b in rules["bodies"] if b["id"] == "zhuren-meeting-rules")
    assert zhuren["quorum"] == [] and zhuren["passing"] is None and zhuren["no_decisions"]
    thresholds = {m["id"]: m["threshold"] for m in rules["matters"] if m["threshold"]}
    assert thresholds == {"investment-project": 10, "one-off-purchase": 5, "unbudgeted-spending": 5}


def test_every_cited_quote_is_in_the_cited_article(handbook, rules):
    """The page links each citation to its article; that article's words hold the quote."""
    for cite in rules["cites"].values():
        doc_id, _, anchor = cite["href"].partition(".html#")
        structure = handbook.index.structures[doc_id]
        element = next(e for e in structure.walk() if e.id == anchor)
        assert cite["quote"] in decide.element_text(element, handbook.index, doc_id)


def project_with(tmp_path: Path, project_copy, edit) -> Path:
    project = project_copy(tmp_path / "project")
    path = project / "regulations" / "shiwuhui-rules.yaml"
    text = path.read_text(encoding="utf-8")
    changed = edit(text)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    return project


def problems_of(project: Path) -> list[str]:
    handbook, problems = load_handbook(project)
    assert handbook is None
    return [str(p) for p in problems if p.severity == "error"]


def test_check_fails_when_the_quorum_number_in_the_text_changes(tmp_path, project_copy):
    project = project_with(tmp_path, project_copy, lambda t: t.replace(
        "讨论和决定干部任免事项必须有三分之二以上的室务会成员到会。", "讨论和决定干部任免事项必须有四分之三以上的室务会成员到会。", 1))
    errors = problems_of(project)
    assert len(errors) == 1
    assert "shiwuhui-rules.yaml:" in errors[0] and "第十六条的条文中已没有这句原话" in errors[0]
    assert "三分之二以上" in errors[0]


def test_check_fails_when_the_fact_number_disagrees_with_its_quote(tmp_path, project_copy):
    project = project_with(tmp_path, project_copy, lambda t: t.replace(
        "      share: 2/3\n", "      share: 1/2\n", 1))
    errors = problems_of(project)
    assert len(errors) == 1 and "没有「半数」" in errors[0] and "share" in errors[0]


def test_check_fails_when_a_threshold_disagrees_with_its_quote(tmp_path, project_copy):
    project = project_with(tmp_path, project_copy, lambda t: t.replace("      threshold: 10\n", "      threshold: 20\n", 1))
    errors = problems_of(project)
    assert any("没有「20万元及以上」" in e for e in errors)
    assert any("investment-project 的 threshold" in e or "threshold 与别处" in e for e in errors)


def test_check_fails_when_a_cited_article_is_gone(tmp_path, project_copy):
    project = project_with(tmp_path, project_copy, lambda t: t.replace("      - key: withdrawal\n        text:", "      -", 1))
    errors = problems_of(project)
    assert len(errors) == 1 and "引用的键「withdrawal」在本文件中不存在" in errors[0]
    line = int(re.search(r"shiwuhui-rules\.yaml:(\d+):", errors[0]).group(1))
    lines = (project / "regulations" / "shiwuhui-rules.yaml").read_text(encoding="utf-8").splitlines()
    assert "article: withdrawal" in lines[line - 1]


def test_the_real_rules_pass_check(handbook):
    assert handbook is not None  # the fixture fails on any error, decision facts included


# ---------------------------------------------------------------- worked cases

def test_there_are_enough_worked_cases_covering_every_matter_and_edge(rules, cases):
    assert len(cases) >= 30
    assert {c["matter"] for c in cases} == {m["id"] for m in rules["matters"]}
    assert {c["body"] for c in cases} == {b["id"] for b in rules["bodies"]}
    words = [(q, w) for c in cases for q, w in c["answers"].items()]
    for question, table in decide.VERDICT_WORDS.items():
        assert {w for q, w in words if q == question} >= {table["yes"], table["no"], table["open"]}, question
    # the edges the issue names: exactly half present, exactly half the votes, withdrawn members, amount at threshold
    assert any(c["present"] * 2 == c["expected"] and c["answers"]["convene"] == "可以召开" for c in cases)
    assert any(c.get("for", 0) * 2 == c["expected"] and c["answers"]["pass"] == "未通过" for c in cases)
    assert any(c.get("withdrawn") for c in cases)
    threshold = {m["id"]: m["threshold"] for m in rules["matters"]}
    assert any(threshold[c["matter"]] and c.get("amount") == str(threshold[c["matter"]]) for c in cases)


def test_python_gives_the_worked_answers(rules, cases):
    for case in cases:
        result = decide.evaluate(rules, case)
        assert "errors" not in result, (case["title"], result)
        assert verdicts(result) == case["answers"], case["title"]
        for answer in result["answers"]:
            assert answer["reason"]
            assert all(c in rules["cites"] for c in answer["cites"])


def test_javascript_gives_the_worked_answers_word_for_word(rules, cases):
    python = [decide.evaluate(rules, c) for c in cases]
    node = run_node(rules, cases)
    for case, js, py in zip(cases, node, python):
        assert verdicts(js) == case["answers"], case["title"]
        assert js == py, case["title"]


def random_questions(rules: dict, count: int, seed: int = 17) -> list[dict]:
    rng = random.Random(seed)
    questions = []
    for _ in range(count):
        body = rng.choice(rules["bodies"])["id"]
        matter = rng.choice(rules["matters"])
        expected = rng.randint(0, 13)
        present = rng.randint(0, expected + 1)
        withdrawn = rng.choice([0, 0, 0, 1, 2, 3])
        left = max(present - withdrawn, 0)
        ayes = rng.randint(0, left + 1)
        noes = rng.randint(0, max(left - ayes, 0))
        question = {"body": body, "matter": matter["id"], "expected": expected, "present": present,
                    "withdrawn": withdrawn, "for": ayes, "against": noes,
                    "abstain": rng.randint(0, max(left - ayes - noes, 0))}
        if rng.random() < 0.3:  # what a form sends: text
            question = {k: str(v) for k, v in question.items()}
        if matter["threshold"] or rng.random() < 0.1:
            question["amount"] = rng.choice(["", "0", "4.9999", "5", "5.0", "9.99", "10", "10.00", "12.5", "abc",
                                             "1e3", "-5", str(rng.randint(0, 40))])
        questions.append(question)
    return questions


def test_javascript_and_python_agree_on_thousands_of_questions(rules):
    questions = random_questions(rules, 3000)
    python = [decide.evaluate(rules, q) for q in questions]
    node = run_node(rules, questions)
    answered = sum("answers" in p for p in python)
    assert answered > 1000 and len(python) - answered > 100  # both answers and refusals are exercised
    for question, js, py in zip(questions, node, python):
        assert js == py, question


@pytest.mark.parametrize("bound, total, expected", [("以上", 8, 4), ("以上", 9, 5), ("超过", 8, 5), ("超过", 9, 5),
                                                    ("超过", 1, 1), ("以上", 0, 1)])
def test_half_counts_the_number_itself_only_for_yishang(bound, total, expected):
    assert decide.need(total, [1, 2], bound) == expected


def test_two_thirds():
    assert [decide.need(n, [2, 3], "以上") for n in (3, 9, 10, 11)] == [2, 6, 7, 8]


def test_amounts_are_read_without_floating_point():
    assert decide.parse_amount("4.9999") == 49999 and decide.parse_amount("5") == 50000
    assert decide.parse_amount("12.50") == 125000 and decide.wan(125000) == "12.5"
    assert decide.parse_amount("1e3") is None and decide.parse_amount("-5") is None and decide.parse_amount("５") is None


def test_bad_input_is_refused_in_chinese(rules):
    result = decide.evaluate(rules, {"body": "shiwuhui-rules", "matter": "cadre", "expected": 5, "present": 6})
    assert result == {"errors": ["实到人数不能多于应到会人数"]}
    result = decide.evaluate(rules, {"body": "shiwuhui-rules", "matter": "one-off-purchase", "expected": 5,
                                     "present": 5, "for": 4, "against": 2})
    assert result["errors"] == ["表决票数合计 6 票，多于实到且未回避的 5 人", "本类事项按金额判断，请填写金额（万元）"]


# ---------------------------------------------------------------- command line

@pytest.fixture
def cli_rules(monkeypatch, handbook):
    rules = decide.rules_data(handbook.structures, handbook.index)
    monkeypatch.setattr(decide_cli, "handbook_rules", functools.partial(lambda *_: (rules, [])))
    return rules


def test_the_issue_question_from_the_command_line(capsys):
    """7 of 11 members present, vote 4–2–1 on a 干部任免: valid? (the real command, loading the handbook)"""
    code = cli.main(["decide", "--body", "室务会", "--matter", "干部任免", "--expected", "11", "--present", "7",
                     "--for", "4", "--against", "2", "--abstain", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "能否召开：不能召开" in out and "是否通过：未通过" in out and "是否须提交室务会：须提交室务会" in out
    assert "应到会 11 人，实到 7 人；研究干部任免事项须有三分之二以上的成员到会，即至少 8 人，差 1 人，不能召开。" in out
    assert "《室务会会议议事决策规则》第十六条：“讨论和决定干部任免事项必须有三分之二以上的室务会成员到会”" in out
    assert "同意票须超过应到会 11 人的半数，即至少 6 票" in out and "第二十五条" in out


def test_the_command_line_gives_the_worked_answers(cli_rules, cases, capsys):
    bodies = {b["id"]: b["name"] for b in cli_rules["bodies"]}
    matters = {m["id"]: m["name"] for m in cli_rules["matters"]}
    for case in cases:
        argv = ["decide", "--body", bodies[case["body"]], "--matter", matters[case["matter"]],
                "--expected", str(case["expected"]), "--present", str(case["present"])]
        for name, option in (("withdrawn", "--withdrawn"), ("for", "--for"), ("against", "--against"),
                             ("abstain", "--abstain"), ("amount", "--amount")):
            if name in case:
                argv += [option, str(case[name])]
        assert cli.main(argv) == 0, case["title"]
        out = capsys.readouterr().out
        shown = dict(re.findall(r"^(能否召开|是否须提交室务会|是否通过)：(\S+)$", out, re.M))
        assert shown == {decide.QUESTION_NAMES[q]: w for q, w in case["answers"].items()}, case["title"]


def test_the_command_line_refuses_unknown_matters_and_bad_numbers(cli_rules, capsys):
    assert cli.main(["decide", "--body", "室务会", "--matter", "不存在", "--expected", "9", "--present", "5"]) == 2
    assert "没有事项「不存在」" in capsys.readouterr().err
    assert cli.main(["decide", "--body", "室务会", "--matter", "干部任免", "--expected", "9", "--present", "五"]) == 2
    assert "错误：实到人数须为整数" in capsys.readouterr().err


def test_an_edition_without_the_room_rules_asks_only_what_it_can(handbook):
    structures = [s for s in handbook.structures if s.doc.id != "shiwuhui-rules"]
    rules = decide.rules_data(structures, handbook.index)
    assert [b["name"] for b in rules["bodies"]] == ["主任办公会议"]
    assert all(m["name"] and m["reserved"] is not None for m in rules["matters"])
    assert "cadre" not in {m["id"] for m in rules["matters"]}  # named only in the left-out document
    result = decide.evaluate(rules, {"body": "zhuren-meeting-rules", "matter": "section-chief-review",
                                     "expected": 5, "present": 3})
    assert [a["word"] for a in result["answers"]] == ["规则未明确", "须提交室务会", "不表决"]


def test_the_site_has_the_page_in_its_menu_and_the_cases_without_script(built_site):
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.hrefs, self.rows, self.scripts = [], 0, []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "a":
                self.hrefs.append(attrs.get("href"))
            if tag == "tr" and "data-case" in attrs:
                self.rows += 1
            if tag == "script":
                self.scripts.append(attrs.get("src") or attrs.get("id"))

    home, page = Links(), Links()
    home.feed((built_site / "index.html").read_text(encoding="utf-8"))
    page.feed((built_site / "decide.html").read_text(encoding="utf-8"))
    assert "decide.html" in home.hrefs
    assert page.rows == len(decide.load_cases(ROOT)) >= 30
    assert {"decide-rules", "decide-cases", "assets/javascripts/decide.js"} <= set(page.scripts)
    assert (built_site / "assets" / "javascripts" / "decide.js").is_file()
    assert "shiwuhui-rules.html#members" in page.hrefs  # the reading notes link the article on who the members are
