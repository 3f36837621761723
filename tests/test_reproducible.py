"""The same sources give the same bytes: whole site trees, DOCX packages, flowchart drawings.

Nothing in the output may depend on the clock, the folder the project sits in,
the order a process happens to iterate a set in (PYTHONHASHSEED) or a cache.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import struct
import zipfile
from pathlib import Path

import pytest

from handbook import cli
from handbook.forms.example import example_yaml
from handbook.forms.output import fill_one, find_form, write_blank_forms
from handbook.profile import source_date_epoch
from handbook.render.compendium import build_compendium
from handbook.render.flowcharts import rasterise_all, render_all
from handbook.sources import load_handbook

ROOT = Path(__file__).resolve().parent.parent


def tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def differing(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def today_stamps() -> list[bytes]:
    today = dt.date.today()
    return [today.isoformat().encode(), today.strftime("%Y%m%d").encode()]


def zip_dates(data: bytes) -> set[tuple]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.date_time[:3] for info in archive.infolist()}


def build(project: Path, out: Path, hash_seed: str, monkeypatch) -> None:
    monkeypatch.setattr(cli, "ROOT", project)
    monkeypatch.setenv("PYTHONHASHSEED", hash_seed)  # the MkDocs process iterates sets in another order
    assert cli.main(["build", "--out", str(out)]) == 0


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory, project_copy):
    """The real handbook built twice by the real command, from copies in different folders."""
    outs = []
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
        for n, seed in enumerate(("1", "2")):
            base = tmp_path_factory.mktemp(f"repro{n}-{'x' * (n * 7)}")
            project = project_copy(base / "project")
            build(project, base / "site", seed, monkeypatch)
            outs.append(base / "site")
    return outs


def test_two_clean_builds_are_byte_identical(two_builds):
    first, second = (tree_hashes(out) for out in two_builds)
    assert len(first) > 40
    assert differing(first, second) == []


def test_no_output_carries_the_build_date_or_the_project_folder(two_builds):
    for out in two_builds:
        for path in sorted(out.rglob("*")):
            if not path.is_file():
                continue
            data = path.read_bytes()
            assert not [s for s in today_stamps() if s in data], f"{path.name} 含有今天的日期"
            assert str(out.parent).encode() not in data, f"{path.name} 含有构建目录的路径"
            if data[:4] == b"PK\x03\x04":
                assert dt.date.today().timetuple()[:3] not in zip_dates(data), path.name


def test_sitemap_gz_is_stamped_with_the_source_date_not_the_clock(two_builds, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    handbook, _ = load_handbook(ROOT)
    data = (two_builds[0] / "sitemap.xml.gz").read_bytes()
    (mtime,) = struct.unpack("<I", data[4:8])  # RFC 1952: MTIME follows magic, method and flags
    assert mtime == source_date_epoch(handbook)
    assert gzip.decompress(data) == (two_builds[0] / "sitemap.xml").read_bytes()


def test_source_date_epoch_sets_the_one_date(monkeypatch):
    handbook, _ = load_handbook(ROOT)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    edition_year = int(handbook.compendium.edition[:4])
    assert source_date_epoch(handbook) == int(dt.datetime(edition_year, 1, 1, tzinfo=dt.timezone.utc).timestamp())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert source_date_epoch(handbook) == 1700000000


def test_compendium_docx_is_reproducible(handbook, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    paths = [build_compendium(handbook.compendium, handbook.structures, handbook.index, tmp_path / f"{n}.docx")
             for n in range(2)]
    first, second = (p.read_bytes() for p in paths)
    assert first == second
    assert zip_dates(first) == {(int(handbook.compendium.edition[:4]), 1, 1)}
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        names = [info.filename for info in archive.infolist()]
    assert names[0] == "[Content_Types].xml"


def test_blank_and_filled_forms_are_reproducible(tmp_path):
    first = [p.read_bytes() for p in write_blank_forms(tmp_path / "a", ROOT)]
    second = [p.read_bytes() for p in write_blank_forms(tmp_path / "b", ROOT)]
    assert first and first == second
    form = find_form(ROOT, "meeting-notice").form
    data = tmp_path / "data.yaml"
    data.write_text(example_yaml(form), encoding="utf-8")
    filled = []
    for n in range(2):
        assert fill_one(ROOT, form, data, tmp_path / f"filled-{n}.docx") == []
        filled.append((tmp_path / f"filled-{n}.docx").read_bytes())
    assert filled[0] == filled[1]
    for docx in first + filled[:1]:
        assert dt.date.today().timetuple()[:3] not in zip_dates(docx)


def test_flowchart_drawings_are_reproducible_without_a_cache(handbook, tmp_path):
    flow = next(s.doc for s in handbook.structures if s.doc.kind == "flow")
    drawn = []
    for n in range(2):
        rendered = render_all([flow], tmp_path / f"out-{n}", index=handbook.index, cache_dir=tmp_path / f"cache-{n}")[flow.id]
        png = rasterise_all({flow.id: rendered.svg_path}, tmp_path / f"out-{n}", cache_dir=tmp_path / f"cache-{n}")
        drawn.append((rendered.svg_path.read_bytes(), png[flow.id].read_bytes()))
    assert drawn[0][0] == drawn[1][0], "SVG 不同（元素 id 或属性顺序不稳定？）"
    assert drawn[0][1] == drawn[1][1], "PNG 不同"
    assert b'id="' in drawn[0][0]
