"""Whole-handbook checks, and `build.py check` / build behaviour on bad input."""

import subprocess
import sys
from pathlib import Path

from handbook.pipeline import build_site
from handbook.errors import HandbookError
from handbook.sources import load_handbook

import pytest


def edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / "regulations" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def messages(project: Path) -> list[str]:
    handbook, problems = load_handbook(project)
    assert handbook is None
    return [str(p) for p in problems]


def test_fixture_project_is_valid(mini_project):
    handbook, problems = load_handbook(mini_project)
    assert problems == []
    assert [s.doc.id for s in handbook.structures] == ["alpha", "beta"]


def test_duplicate_id(mini_project):
    edit(mini_project, "beta.yaml", "id: beta", "id: alpha")
    found = messages(mini_project)
    assert any("regulations/beta.yaml:1:5" in m and "文件名「beta.yaml」与 id「alpha」不一致" in m for m in found)
    assert any("id「alpha」与 regulations/alpha.yaml 重复" in m for m in found)


def test_duplicate_key(mini_project):
    edit(mini_project, "alpha.yaml", "    key: scope", "    key: quorum")
    [message] = messages(mini_project)
    assert message.startswith("regulations/alpha.yaml:19:10: 错误：键「quorum」重复（第 16 行已使用）")


def test_broken_reference(mini_project):
    edit(mini_project, "alpha.yaml", "[[quorum]]", "[[quorom]]")
    [message] = messages(mini_project)
    assert message.startswith("regulations/alpha.yaml:34:17: 错误：引用「[[quorom]]」找不到目标")


def test_reference_to_a_key_of_another_document_must_exist(mini_project):
    edit(mini_project, "alpha.yaml", "[[beta#method]]", "[[beta#nothing]]")
    [message] = messages(mini_project)
    assert "[[beta#nothing]]" in message


def test_unknown_category(mini_project):
    edit(mini_project, "beta.yaml", "category: 其他", "category: 杂项")
    [message] = messages(mini_project)
    assert "regulations/beta.yaml:4:11" in message and "类别「杂项」不在汇编的类别中" in message


def test_duplicate_seq(mini_project):
    edit(mini_project, "beta.yaml", "seq: 2", "seq: 1")
    [message] = messages(mini_project)
    assert "序号 1 与 regulations/alpha.yaml 重复" in message


def test_every_problem_is_reported_in_one_run(mini_project):
    edit(mini_project, "alpha.yaml", "[[quorum]]", "[[quorom]]")
    edit(mini_project, "beta.yaml", "status: 试行", "status: 有效")
    edit(mini_project, "compendium.yaml", "edition:", "editon:")
    handbook, problems = load_handbook(mini_project)
    assert handbook is None
    assert {p.path for p in problems} == {"regulations/alpha.yaml", "regulations/beta.yaml",
                                          "regulations/compendium.yaml"}


def test_failed_build_leaves_the_previous_site_untouched(mini_project):
    out = mini_project / "site"
    build_site(mini_project, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    edit(mini_project, "alpha.yaml", "[[quorum]]", "[[quorom]]")
    with pytest.raises(HandbookError):
        build_site(mini_project, out)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(mini_project.glob(".site.tmp-*"))


def test_check_command_exit_codes():
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "build.py", "check"], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "检查通过" in result.stdout
