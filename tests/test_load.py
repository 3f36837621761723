"""Bad input gets a Chinese message at file:line:column, and nothing is built."""

from pathlib import Path

import pytest

from handbook.load import parse_yaml, validate
from handbook.model import DOCUMENT

GOOD = """\
id: demo
title: 测试规则
issuer: 机关
category: 议事决策
seq: 1
kind: rules
chapters:
  - title: 总则
    articles:
      - 第一段。
"""


def problems_for(tmp_path: Path, text: str):
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    source, problems = parse_yaml(path, tmp_path)
    if problems:
        return problems
    return validate(source, DOCUMENT)[1]


def only(problems):
    assert len(problems) == 1, problems
    return problems[0]


def test_good_file_has_no_problems(tmp_path):
    assert problems_for(tmp_path, GOOD) == []


def test_syntax_error_points_at_line_and_column(tmp_path):
    problem = only(problems_for(tmp_path, GOOD.replace("  - title: 总则", "  - title: 总则: 错")))
    assert (problem.path, problem.line, problem.column) == ("demo.yaml", 8, 14)
    assert "YAML 语法错误" in problem.message


def test_tab_indentation_is_explained(tmp_path):
    problem = only(problems_for(tmp_path, GOOD.replace("    articles:", "\tarticles:")))
    assert problem.line == 9
    assert "Tab" in problem.message


def test_unknown_field_suggests_the_right_one(tmp_path):
    problem = only(problems_for(tmp_path, GOOD.replace("    articles:", "    artcles:")))
    assert (problem.line, problem.column) == (9, 5)
    assert "未知字段「artcles」" in problem.message
    assert "articles" in problem.hint


def test_wrong_type(tmp_path):
    problem = only(problems_for(tmp_path, GOOD.replace("seq: 1", "seq: 第一")))
    assert (problem.line, problem.column) == (5, 6)
    assert "应为整数" in problem.message


def test_missing_field(tmp_path):
    problem = only(problems_for(tmp_path, GOOD.replace("issuer: 机关\n", "")))
    assert "缺少必填字段「issuer」" in problem.message
    assert problem.line == 1


def test_wrong_kind(tmp_path):
    problem = only(problems_for(tmp_path, GOOD.replace("kind: rules", "kind: rule")))
    assert "kind「rule」不是允许的文件类型" in problem.message


def test_bad_status_lists_the_allowed_values(tmp_path):
    problem = only(problems_for(tmp_path, GOOD.replace("seq: 1", "seq: 1\nstatus: 有效")))
    assert (problem.line, problem.column) == (6, 9)
    assert "现行" in problem.message


def test_bad_date(tmp_path):
    problem = only(problems_for(tmp_path, GOOD.replace("seq: 1", "seq: 1\nissued: 2019年10月")))
    assert problem.line == 6 and "不是有效日期" in problem.message


def test_duplicate_field_in_one_mapping(tmp_path):
    problem = only(problems_for(tmp_path, GOOD.replace("seq: 1", "seq: 1\nseq: 2")))
    assert (problem.line, problem.column) == (6, 1)
    assert "重复" in problem.message


def test_empty_article(tmp_path):
    problem = only(problems_for(tmp_path, GOOD.replace("      - 第一段。", "      - ''")))
    assert problem.line == 10 and "不能为空" in problem.message


def test_language_tags_are_refused(tmp_path):
    problem = only(problems_for(tmp_path, GOOD + "note: !!python/object/apply:os.system ['true']\n"))
    assert problem.line == 11
    assert "不支持" in problem.message


def test_alias_bomb_fails_fast(tmp_path):
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        bomb.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    problem = only(problems_for(tmp_path, "\n".join(bomb) + "\n"))
    assert "别名" in problem.message


def test_not_utf8(tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_bytes(GOOD.encode("gbk"))
    problem = only(parse_yaml(path, tmp_path)[1])
    assert "UTF-8" in problem.message


def test_id_must_be_a_safe_slug(tmp_path):
    problem = only(problems_for(tmp_path, GOOD.replace("id: demo", "id: ../etc")))
    assert problem.line == 1 and "格式不对" in problem.message


@pytest.mark.parametrize("reserved", ["index", "assets", "search"])
def test_reserved_ids(tmp_path, reserved):
    problem = only(problems_for(tmp_path, GOOD.replace("id: demo", f"id: {reserved}")))
    assert "保留" in problem.message
