"""The build pipeline: downloads are remade only when what they are made from changed."""

from pathlib import Path

import pytest

from handbook import site


def edit(project: Path) -> None:
    path = project / "regulations" / "alpha.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("本规则适用于测试会议。", "本规则适用于各类测试会议。"),
                    encoding="utf-8")


def test_unchanged_sources_reuse_the_downloads_and_a_change_remakes_them(mini_project, monkeypatch):
    out = mini_project / "site"
    site.build_site(mini_project, out)
    first = (out / "downloads").iterdir()
    before = {p.name: p.read_bytes() for p in first}
    assert any(name.endswith(".docx") for name in before)

    def must_not_run(*args, **kwargs):
        raise AssertionError("downloads were remade although nothing changed")

    monkeypatch.setattr(site, "make_downloads", must_not_run)
    site.build_site(mini_project, out)
    assert {p.name: p.read_bytes() for p in (out / "downloads").iterdir()} == before

    edit(mini_project)
    with pytest.raises(AssertionError, match="nothing changed"):
        site.build_site(mini_project, out)
    monkeypatch.undo()
    site.build_site(mini_project, out)
    after = {p.name: p.read_bytes() for p in (out / "downloads").iterdir()}
    assert after.keys() == before.keys() and after != before
