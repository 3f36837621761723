"""Revision history as data: 修订记录 and 最后修订 / 最后审核 on each page, and the site-wide 更新日志."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import lxml.html
import pytest

from handbook.render.history import changes, last_revised
from handbook.outputs.pages import generate_pages
from handbook.pipeline import build_site
from handbook.site import navigation
from handbook.sources import load_handbook

MINI = Path(__file__).resolve().parent / "fixtures" / "mini" / "regulations"

ALPHA_HISTORY = """\
reviewed: 2024-03-01
history:
  - date: 2020-05-01
    number: X办发〔2020〕3号
    change: 修订第二条，到会人数改为半数以上。
  - date: 2023-01-10
    change: |-
      增加第五条
      （会议记录）。
"""
BETA_HISTORY = """\
history:
  - date: 2021-07-01
    change: 发文办理增加复核程序 <b>不是标签</b>。
  - date: 2023-01-10
    number: X办发〔2023〕1号
    change: 调整基本原则。
"""


def with_history(copy_project, target: Path) -> Path:
    project = copy_project(target, MINI)
    for name, block in (("alpha", ALPHA_HISTORY), ("beta", BETA_HISTORY)):
        path = project / "regulations" / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\nkind: ", "\n" + block + "kind: ", 1), encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory, project_copy) -> Path:
    base = tmp_path_factory.mktemp("history")
    project = with_history(project_copy, base / "project")
    out = base / "site"
    build_site(project, out, build_dir=base / "build")
    return out


def page(site: Path, name: str):
    return lxml.html.fromstring((site / name).read_text(encoding="utf-8"))


def rows(table) -> list[list[str]]:
    return [[cell.text_content().strip() for cell in tr.findall("td")] for tr in table.iter("tr") if tr.findall("td")]


def test_changes_are_newest_first_across_documents(tmp_path, project_copy):
    handbook, problems = load_handbook(with_history(project_copy, tmp_path / "project"))
    assert problems == []
    assert [(c.date.isoformat(), c.doc.id) for c in changes(handbook)] == [
        ("2023-01-10", "alpha"), ("2023-01-10", "beta"), ("2021-07-01", "beta"), ("2020-05-01", "alpha")]
    assert changes(handbook)[0].change == "增加第五条（会议记录）。"  # a wrapped line is one line of Chinese
    alpha = next(d for d in handbook.documents if d.id == "alpha")
    assert last_revised(alpha) == dt.date(2023, 1, 10)


def test_document_page_shows_last_revised_and_last_reviewed(site):
    alpha = page(site, "alpha.html")
    revised, = alpha.find_class("doc-revised")
    assert revised.text_content().strip() == "最后修订：2023-01-10"
    assert revised.find("a").get("href") == "#history"
    reviewed, = alpha.find_class("doc-reviewed")
    assert reviewed.text_content().strip() == "最后审核：2024-03-01"
    beta = page(site, "beta.html")
    assert beta.find_class("doc-reviewed")[0].text_content().strip() == "最后审核：未记录"


def test_document_page_lists_its_history_newest_first(site):
    alpha = page(site, "alpha.html")
    heading = alpha.get_element_by_id("history")
    assert heading.text_content().strip().startswith("修订记录")
    table = heading.getnext()
    assert table.tag == "table"
    assert rows(table) == [["2023-01-10", "", "增加第五条（会议记录）。"],
                           ["2020-05-01", "X办发〔2020〕3号", "修订第二条，到会人数改为半数以上。"]]


def test_history_text_is_shown_as_text(site):
    beta = page(site, "beta.html")
    table = beta.get_element_by_id("history").getnext()
    assert ["2021-07-01", "", "发文办理增加复核程序 <b>不是标签</b>。"] in rows(table)
    assert not table.findall(".//b")


def test_changelog_page_lists_every_change_newest_first_with_links(site):
    changelog = page(site, "changelog.html")
    table, = changelog.findall(".//table")
    assert [r[0] for r in rows(table)] == ["2023-01-10", "2023-01-10", "2021-07-01", "2020-05-01"]
    assert rows(table)[1][1:] == ["X区委办公室乙规则", "X办发〔2023〕1号", "调整基本原则。"]
    links = [a.get("href") for a in table.iter("a")]
    assert links == ["alpha.html#history", "beta.html#history", "beta.html#history", "alpha.html#history"]
    nav_links = {a.text_content().strip(): a.get("href") for a in changelog.iter("a") if a.get("href")}
    assert nav_links.get("更新日志") == "changelog.html" and nav_links.get("编辑指南") == "editor_guide.html"


def test_without_history_there_is_no_revision_line_and_an_empty_changelog(mini_project):
    handbook, _ = load_handbook(mini_project)
    pages = generate_pages(handbook, mini_project)
    assert "doc-revision" not in pages["alpha.md"] and "修订记录" not in pages["alpha.md"]
    assert "暂无修订记录" in pages["changelog.md"]
    assert {"更新日志": "changelog.md"} in navigation(handbook)
