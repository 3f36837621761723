"""The build pipeline: cached outputs are remade only when what they are made from changed."""

from pathlib import Path

import pytest

from handbook.outputs import OUTPUTS
from handbook.outputs.base import Build, cache_key
from handbook.outputs.compendium import Compendium
from handbook.outputs.forms import BlankForms, FormScripts
from handbook.outputs.search import SearchIndex
from handbook.pipeline import build_site, load_or_raise, preview_sources
from handbook.profile import select


def edit(project: Path) -> None:
    path = project / "regulations" / "alpha.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("本规则适用于测试会议。", "本规则适用于各类测试会议。"),
                    encoding="utf-8")


def test_unchanged_sources_reuse_the_downloads_and_a_change_remakes_them(mini_project, monkeypatch):
    out = mini_project / "site"
    build_site(mini_project, out)
    first = (out / "downloads").iterdir()
    before = {p.name: p.read_bytes() for p in first}
    assert any(name.endswith(".docx") for name in before)

    def must_not_run(*args, **kwargs):
        raise AssertionError("downloads were remade although nothing changed")

    search = {p.name: p.read_bytes() for p in (out / "search").iterdir()}
    assert "core.js" in search
    monkeypatch.setattr(Compendium, "produce", must_not_run)
    monkeypatch.setattr(BlankForms, "produce", must_not_run)
    monkeypatch.setattr(FormScripts, "produce", must_not_run)
    monkeypatch.setattr(SearchIndex, "produce", must_not_run)  # the pages MkDocs wrote are the same
    build_site(mini_project, out)
    assert {p.name: p.read_bytes() for p in (out / "downloads").iterdir()} == before
    assert {p.name: p.read_bytes() for p in (out / "search").iterdir()} == search

    edit(mini_project)
    with pytest.raises(AssertionError, match="nothing changed"):
        build_site(mini_project, out)
    monkeypatch.undo()
    build_site(mini_project, out)
    after = {p.name: p.read_bytes() for p in (out / "downloads").iterdir()}
    assert after.keys() == before.keys() and after != before


def keys(project: Path, tmp_path: Path) -> dict[str, str]:
    """The cache key of every cached output, for the project as it is now (upstream outputs and the site stubbed)."""
    build = Build(select(load_or_raise(project)[0], "internal"), project, tmp_path / "build", site_dir=project / "site")
    for output in OUTPUTS:
        build.produced[output.name] = []
    return {o.name: cache_key(o, build) for o in OUTPUTS if o.cached}


CACHED = {o.name for o in OUTPUTS if o.cached}


@pytest.mark.parametrize("touched, changed", [
    ("assets/fontconfig/fonts.conf", {"compendium"}),  # LibreOffice's fonts: the PDF
    ("requirements.lock", CACHED),  # pins every library (jieba, docxtpl, lxml …): every cached output's key
    ("forms/lending-slip.yaml", {"forms", "form-scripts"}),  # the compendium sees the forms through their DOCX
    ("templates/forms/lending-slip.docx", {"forms", "form-scripts"}),
    ("synonyms.yaml", {"search-index"}),
    ("site/shiwuhui-rules.html", {"search-index"}),  # a page MkDocs wrote: what the index reads
])
def test_touching_an_input_changes_the_key_of_the_outputs_made_from_it(project_copy, tmp_path, touched, changed):
    project = project_copy(tmp_path / "project")
    (project / "requirements.lock").write_bytes((Path(__file__).parents[1] / "requirements.lock").read_bytes())
    (project / "site").mkdir()
    (project / "site" / "shiwuhui-rules.html").write_text("<html></html>\n", encoding="utf-8")
    before = keys(project, tmp_path)
    assert set(before) == CACHED and {"forms", "form-scripts", "compendium", "search-index"} <= CACHED
    path = project / touched
    path.write_bytes(path.read_bytes() + b"\n")
    after = keys(project, tmp_path)
    assert {name for name in before if after[name] != before[name]} == changed


def test_the_pdf_option_changes_the_compendium_key_only(project_copy, tmp_path):
    project = project_copy(tmp_path / "project")
    edition = select(load_or_raise(project)[0], "internal")
    builds = [Build(edition, project, tmp_path / "build", pdf=pdf) for pdf in (False, True)]
    for build in builds:
        build.produced = {o.name: [] for o in OUTPUTS}
    compendium, forms = Compendium(), BlankForms()
    assert cache_key(compendium, builds[0]) != cache_key(compendium, builds[1])
    assert cache_key(forms, builds[0]) == cache_key(forms, builds[1])


def test_the_site_is_read_only_after_mkdocs_wrote_it(project_copy, tmp_path):
    project = project_copy(tmp_path / "project")
    build = Build(select(load_or_raise(project)[0], "internal"), project, tmp_path / "build")
    with pytest.raises(ValueError, match="reads_site"):
        cache_key(SearchIndex(), build)  # no site yet: its key cannot be known


def test_the_preview_makes_neither_downloads_nor_the_index_read_from_the_site(project_copy, tmp_path):
    project = project_copy(tmp_path / "project")
    generated = preview_sources(select(load_or_raise(project)[0], "internal"), project, tmp_path / "build")
    names = set(generated.files)
    assert any(name.endswith(".md") for name in names) and any(name.endswith(".svg") for name in names)
    assert not [n for n in names if n.startswith(("downloads/", "search/")) or n.endswith(".png")]
