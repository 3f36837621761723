"""`check` finds each kind of mistake, at file:line:column, as an error or a warning."""

from __future__ import annotations

from pathlib import Path

from handbook import cli
from handbook.lint import RULES
from handbook.sources import load_handbook

ROOT = Path(__file__).resolve().parent.parent

GAMMA = """\
id: gamma
title: 测试规则
issuer: 中共X区委员会办公室
category: 其他
seq: 3
kind: rules
issued: 2019-10-01
articles:
  - 本规则适用于测试。
  - key: notice
    text: 会议通知应当提前送达。
  - text: 会议研究下列事项：
    items:
      - 重大问题；
      - 干部任免。
"""


def check(project: Path, text: str, name: str = "gamma.yaml"):
    (project / "regulations" / name).write_text(text, encoding="utf-8")
    _, problems = load_handbook(project)
    return problems


def found(problems, message: str):
    hits = [p for p in problems if message in p.message]
    assert hits, [str(p) for p in problems]
    return hits


def where(problem) -> tuple:
    return problem.path, problem.line, problem.column, problem.severity


def test_clean_document_has_no_problems(mini_project):
    assert check(mini_project, GAMMA) == []


def test_every_rule_is_named_and_explained():
    assert len({r.code for r in RULES}) == len(RULES) >= 6
    for rule in RULES:
        assert rule.severity in ("error", "warning") and rule.name and rule.description


def test_empty_article_is_an_error(mini_project):
    problem, = found(check(mini_project, GAMMA.replace("  - 本规则适用于测试。", '  - "　　"')), "内容为空")
    assert where(problem) == ("regulations/gamma.yaml", 9, 5, "error")
    assert problem.message.startswith("第一条：")


def test_empty_item_is_an_error(mini_project):
    problem, = found(check(mini_project, GAMMA.replace("      - 重大问题；", "      - text: ' '")), "内容为空")
    assert where(problem)[1:] == (14, 15, "error")
    assert problem.message.startswith("第三条第（一）项：")


def test_number_typed_before_the_derived_one_is_an_error(mini_project):
    problem, = found(check(mini_project, GAMMA.replace("  - 本规则适用于测试。", "  - 第一条 本规则适用于测试。")), "手工输入了编号")
    assert where(problem)[1:] == (9, 5, "error")
    assert problem.hint.startswith("删去这个编号")


def test_item_number_typed_by_hand_is_an_error(mini_project):
    problem, = found(check(mini_project, GAMMA.replace("      - 干部任免。", "      - （二）干部任免。")), "「（二）」")
    assert where(problem)[1:] == (15, 9, "error")


def test_other_number_at_the_start_is_a_warning(mini_project):
    problems = check(mini_project, GAMMA.replace("      - 重大问题；", "      - 1.重大问题；"))
    problem, = found(problems, "以编号「1.」开头")
    assert where(problem)[1:] == (14, 9, "warning")


def test_article_citing_another_article_is_not_numbering(mini_project):
    assert check(mini_project, GAMMA.replace("  - 本规则适用于测试。", "  - 第五条规定的事项，依照本规则办理。")) == []


def test_half_width_punctuation_in_chinese_is_a_warning_at_its_column(mini_project):
    problems = check(mini_project, GAMMA.replace("会议通知应当提前送达。", "会议通知(书面)应当提前送达,不得延误。"))
    problem, = found(problems, "3 处半角标点")
    assert where(problem)[1:] == (11, 15, "warning")
    assert "「(」→「（」" in problem.hint and "「,」→「，」" in problem.hint


def test_half_width_marks_between_digits_are_fine(mini_project):
    assert check(mini_project, GAMMA.replace("会议通知应当提前送达。", "会议于 9:30 开始，材料共 1.5 万字。")) == []


def test_unbalanced_book_title_marks_are_a_warning(mini_project):
    problem, = found(check(mini_project, GAMMA.replace("本规则适用于测试。", "依照《条例执行。")), "「《》」不成对")
    assert where(problem)[1:] == (9, 7, "warning")


def test_trailing_space_is_a_warning_at_the_end_of_the_line(mini_project):
    problem, = found(check(mini_project, GAMMA.replace("  - 本规则适用于测试。\n", "  - 本规则适用于测试。  \n")), "行尾")
    assert where(problem)[1:] == (9, 14, "warning")


def test_indented_paragraph_is_a_warning(mini_project):
    problem, = found(check(mini_project, GAMMA.replace("  - 本规则适用于测试。", '  - "　　本规则适用于测试。"')), "开头有空格")
    assert where(problem)[1:] == (9, 5, "warning")


def test_date_that_is_not_a_date_is_an_error(mini_project):
    problem, = check(mini_project, GAMMA.replace("issued: 2019-10-01", "issued: 2019-02-30"))
    assert where(problem)[1:] == (7, 9, "error")
    assert "2019-02-30" in problem.message
    problem, = check(mini_project, GAMMA.replace("issued: 2019-10-01", "issued: 2019年10月"))
    assert where(problem)[1:] == (7, 9, "error")
    assert "应写成 2019-10-23" in problem.message


def test_implausible_dates_are_warnings(mini_project):
    text = GAMMA.replace("issued: 2019-10-01", "issued: 2019-10-01\neffective: 2019-09-01\nreviewed: 2999-01-01")
    problems = check(mini_project, text)
    assert where(found(problems, "早于印发日期")[0])[1:] == (8, 12, "warning")
    assert where(found(problems, "在今天")[0])[1:] == (9, 11, "warning")


def test_document_outside_every_category_is_an_error(mini_project):
    problem, = check(mini_project, GAMMA.replace("category: 其他", "category: 杂项"))
    assert where(problem)[1:] == (4, 11, "error")
    assert "议事决策" in problem.hint


def test_duplicate_id_is_an_error(mini_project):
    problems = check(mini_project, GAMMA.replace("id: gamma", "id: alpha").replace("seq: 3", "seq: 4"))
    assert where(found(problems, "重复")[0])[1:] == (1, 5, "error")


def test_duplicate_key_is_an_error(mini_project):
    problem, = check(mini_project, GAMMA.replace("  - text: 会议研究", "  - key: notice\n    text: 会议研究"))
    assert where(problem)[1:] == (12, 10, "error")
    assert "notice" in problem.message and "第 10 行" in problem.message


def test_broken_reference_is_an_error(mini_project):
    problem, = check(mini_project, GAMMA.replace("本规则适用于测试。", "依照[[notise]]办理。"))
    assert where(problem)[1:] == (9, 5, "error")
    assert "[[notise]]" in problem.message


FLOW = """\
id: gamma
title: 测试流程图
issuer: 中共X区委员会办公室
category: 其他
seq: 3
kind: flow
nodes:
  - id: start
    label: 开始
    kind: start
  - id: sign
    label: 签收
  - id: orphan
    label: 登记
  - id: end
    label: 结束
    kind: end
edges:
  - from: start
    to: sign
  - from: sign
    to: end
"""


def test_unreachable_flowchart_node_is_an_error(mini_project):
    problem, = found(check(mini_project, FLOW), "无法到达")
    assert where(problem)[1:] == (13, 9, "error")


def test_exit_codes_errors_warnings_and_strict(mini_project, monkeypatch, capsys):
    monkeypatch.setattr(cli, "ROOT", mini_project)
    check(mini_project, GAMMA.replace("会议通知应当", "会议通知,应当"))
    assert cli.main(["check"]) == 0
    assert cli.main(["check", "--strict"]) == 1
    err = capsys.readouterr().err
    assert "regulations/gamma.yaml:11:15: 警告：第二条：中文里有 1 处半角标点" in err
    assert "提示：改为全角" in err
    check(mini_project, GAMMA.replace("  - 本规则适用于测试。", "  - 第一条 本规则适用于测试。"))
    assert cli.main(["check"]) == 1
    assert "共 1 个错误，0 个警告。" in capsys.readouterr().err


def test_real_regulations_have_no_lint_errors():
    handbook, problems = load_handbook(ROOT)
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert handbook is not None
