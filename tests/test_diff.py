"""`diff` compares versions article by article: added, removed, changed, moved, renumbered."""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from handbook import cli
from handbook.diff import Version, compare, format_html, format_text
from handbook.load import parse_yaml, validate
from handbook.model import DOCUMENT
from handbook.kinds import build_structure as build

HEAD = "id: demo\ntitle: 测试规则\nissuer: 机关\ncategory: 议事决策\nkind: rules\n"
ARTICLES = ["本规则适用于全区各级机关的会议活动。", "会议由主任召集和主持。", "会议一般每月召开一次。",
            "会议议题由办公室汇总后报主任确定。", "会议决定事项由办公室督促落实。", "本规则自印发之日起施行。"]
INSERTED = "会议材料应当在会前三天送达参会人员。"


def article_yaml(article, indent: str = "  ") -> str:
    if isinstance(article, tuple):
        return f"{indent}- key: {article[0]}\n{indent}  text: {article[1]}\n"
    return f"{indent}- {article}\n"


def version(articles: list, name: str = "B", chapters: list[tuple[str, list]] | None = None) -> Version:
    if chapters:
        body = "chapters:\n" + "".join(f"  - title: {title}\n    articles:\n" +
                                       "".join(article_yaml(a, "      ") for a in arts) for title, arts in chapters)
    else:
        body = "articles:\n" + "".join(article_yaml(a) for a in articles)
    return version_from(HEAD + body, name)


def version_from(text: str, name: str) -> Version:
    source, problems = parse_yaml(Path("regulations/demo.yaml"), Path("."), text=text)
    doc, problems = validate(source, DOCUMENT)
    assert not problems, problems
    return Version(name, {doc.id: build(doc)})


def changes_between(old: Version, new: Version) -> list[tuple]:
    diffs = compare(old, new)
    assert len(diffs) <= 1
    return [(c.kinds, c.old.label if c.old else None, c.new.label if c.new else None)
            for c in (diffs[0].units if diffs else [])]


OLD = version(ARTICLES, "A")


def test_same_text_no_changes():
    assert compare(OLD, version(ARTICLES)) == []
    assert "没有变化。" in format_text(OLD, version(ARTICLES), [])


def test_insert_is_one_addition_and_the_rest_renumbered():
    new = version(ARTICLES[:1] + [INSERTED] + ARTICLES[1:])
    assert changes_between(OLD, new) == [(("added",), None, "第二条")] + [
        (("renumbered",), f"第{a}条", f"第{b}条") for a, b in zip("二三四五六", "三四五六七")]
    text = format_text(OLD, new, compare(OLD, new))
    assert "新增 第二条\n      " + INSERTED in text
    assert "重新编号：第二条至第六条 依次改为 第三条至第七条（共 5 条，内容未变）" in text
    assert "修改 第" not in text


def test_delete_is_one_removal():
    new = version(ARTICLES[:2] + ARTICLES[3:])
    assert changes_between(OLD, new) == [(("removed",), "第三条", None)] + [
        (("renumbered",), f"第{a}条", f"第{b}条") for a, b in zip("四五六", "三四五")]
    assert "删除 第三条\n      会议一般每月召开一次。" in format_text(OLD, new, compare(OLD, new))


def test_edit_shows_the_character_difference():
    new = version(ARTICLES[:2] + ["会议一般每两个月召开一次。"] + ARTICLES[3:])
    assert changes_between(OLD, new) == [(("changed",), "第三条", "第三条")]
    diff = compare(OLD, new)[0].units[0]
    assert diff.segments() == [("equal", "会议一般每"), ("insert", "两个"), ("equal", "月召开一次。")]
    assert "会议一般每{+两个+}月召开一次。" in format_text(OLD, new, compare(OLD, new))


def test_replacing_an_article_with_unrelated_text_is_remove_and_add():
    new = version(ARTICLES[:2] + ["各室应当指定联络员负责信息报送工作。"] + ARTICLES[3:])
    assert sorted(c[0] for c in changes_between(OLD, new)) == [("added",), ("removed",)]


def test_move_is_a_move_not_a_delete_and_add():
    new = version([ARTICLES[0], ARTICLES[2], ARTICLES[3], ARTICLES[4], ARTICLES[1], ARTICLES[5]])
    found = changes_between(OLD, new)
    assert (("moved",), "第二条", "第五条") in found
    assert [c for c in found if c[0] != ("renumbered",)] == [(("moved",), "第二条", "第五条")]
    assert "移动 第二条 → 第五条" in format_text(OLD, new, compare(OLD, new))


def test_move_into_another_chapter_keeping_the_order_is_a_move():
    old = version([], "A", chapters=[("总则", ARTICLES[:3]), ("附则", ARTICLES[3:])])
    new = version([], "B", chapters=[("总则", ARTICLES[:2]), ("附则", ARTICLES[2:])])
    assert changes_between(old, new) == [(("moved",), "第三条", "第三条")]


def test_renumber_by_key_even_when_text_changes():
    old = version([("quorum", "会议应当有半数以上成员到会。")] + ARTICLES[1:], "A")
    new = version([INSERTED, ("quorum", "会议应当有三分之二以上成员到会方能召开，不得委托他人。")] + ARTICLES[1:])
    found = changes_between(old, new)
    assert found[:2] == [(("added",), None, "第一条"), (("changed", "renumbered"), "第一条", "第二条")]
    assert "修改并重新编号 第一条 → 第二条（键 quorum）" in format_text(old, new, compare(old, new))


def test_chapter_renamed_is_a_change_of_the_chapter():
    old = version([], "A", chapters=[("总则", ARTICLES[:3]), ("附则", ARTICLES[3:])])
    new = version([], "B", chapters=[("总则", ARTICLES[:3]), ("其他规定", ARTICLES[3:])])
    assert changes_between(old, new) == [(("changed",), "第二章", "第二章")]


OUTLINE = """\
id: demo
title: 测试制度
issuer: 机关
category: 议事决策
kind: outline
body:
  - title: 收文办理
    items: [签收。, 登记。, 初审。]
  - title: 发文办理
    items: [复核。, 印制。]
"""


def test_outline_items_are_compared_item_by_item():
    old = version_from(OUTLINE, "A")
    new = version_from(OUTLINE.replace("[签收。, 登记。, 初审。]", "[签收。, 初审。]")
                       .replace("[复核。, 印制。]", "[复核。, 登记。, 印制。]"), "B")
    found = changes_between(old, new)
    assert (("moved",), "一、（二）", "二、（二）") in found
    assert (("renumbered",), "一、（三）", "一、（二）") in found


def test_documents_added_and_removed():
    other = version_from(OUTLINE.replace("id: demo", "id: other"), "B")
    diffs = compare(OLD, other)
    assert [(d.doc_id, d.status) for d in diffs] == [("other", "added"), ("demo", "removed")]


def test_metadata_change_is_reported():
    new = version_from(HEAD.replace("title: 测试规则", "title: 测试会议规则") + "status: 废止\narticles:\n" +
                       "".join(article_yaml(a) for a in ARTICLES), "B")
    diff, = compare(OLD, new)
    assert diff.meta == [("title", "测试规则", "测试会议规则"), ("status", "现行", "废止")]
    assert diff.units == []


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, str]] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._stack.append(tag)

    def handle_endtag(self, tag):
        self._stack.pop()

    def handle_data(self, data):
        if self._stack:
            self.tags.append((self._stack[-1], data))


def test_html_marks_insertions_and_deletions_and_escapes_text():
    new = version(ARTICLES[:2] + ["会议一般<b>每季度</b>召开一次。"] + ARTICLES[3:])
    page = format_html(OLD, new, compare(OLD, new))
    parser = _Text()
    parser.feed(page)
    inserted = "".join(text for tag, text in parser.tags if tag == "ins")
    assert "<b>" in inserted and "季度" in inserted  # shown as text, inside the insertion
    assert "".join(text for tag, text in parser.tags if tag == "del") == "月"
    assert "<b>" not in page.replace("&lt;b&gt;", "")
    assert "://" not in page and "src=" not in page  # self-contained: nothing fetched from elsewhere


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=测试", "-c", "user.email=t@example.invalid",
                           "-c", "commit.gpgsign=false", *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(mini_project) -> Path:
    git(mini_project, "init", "-q")
    git(mini_project, "add", "regulations")
    git(mini_project, "commit", "-q", "-m", "第一版")
    alpha = mini_project / "regulations" / "alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace(
        "      - 本规则适用于测试会议。\n", "      - 本规则适用于测试会议。\n      - 会议由主任召集。\n"), encoding="utf-8")
    git(mini_project, "commit", "-q", "-am", "第二版")
    return mini_project


def test_git_revisions_and_working_tree(repo, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(cli, "ROOT", repo)
    assert cli.main(["diff", "HEAD~1", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("比较 HEAD~1 → HEAD\n")
    assert "新增 第二条\n      会议由主任召集。" in out
    assert "重新编号：第二条至第四条 依次改为 第三条至第五条（共 3 条，内容未变）" in out
    assert "beta" not in out  # unchanged documents are not listed
    beta = repo / "regulations" / "beta.yaml"
    beta.write_text(beta.read_text(encoding="utf-8").replace("坚持集体领导。", "坚持党的集体领导。"), encoding="utf-8")
    page = tmp_path / "diff.html"
    assert cli.main(["diff", "HEAD", "--html", str(page)]) == 0
    out = capsys.readouterr().out
    assert "比较 HEAD → 工作区" in out and "坚持{+党的+}集体领导。" in out
    assert "<ins>党的</ins>" in page.read_text(encoding="utf-8")


def test_unknown_revision_is_a_chinese_error(repo, monkeypatch, capsys):
    monkeypatch.setattr(cli, "ROOT", repo)
    assert cli.main(["diff", "no-such-rev"]) == 1
    assert "找不到版本「no-such-rev」" in capsys.readouterr().err
