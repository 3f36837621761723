"""Shared fixtures: throwaway copies of the project with chosen regulations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECT_PARTS = ("templates", "overrides", "assets", "mkdocs.yml")
# Parts that name the real documents' words and ids: only with the real regulations
REAL_PARTS = ("forms", "synonyms.yaml")


def copy_project(target: Path, regulations: Path | None = None) -> Path:
    """A copy of the project's templates and config, with the regulations of `regulations` (default: the real
    ones, together with the real forms and synonyms, which refer to them)."""
    parts = PROJECT_PARTS if regulations else PROJECT_PARTS + REAL_PARTS
    for part in parts:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, target / part)
    shutil.copytree(regulations or ROOT / "regulations", target / "regulations")
    return target


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A project with the two small fixture documents alpha (rules) and beta (outline)."""
    return copy_project(tmp_path / "project", FIXTURES / "mini" / "regulations")


@pytest.fixture(scope="session")
def handbook():
    """The real handbook, loaded once per test session; it must load without errors."""
    from handbook.sources import load_handbook

    book, problems = load_handbook(ROOT)
    errors = [str(p) for p in problems if p.severity == "error"]
    assert book is not None and not errors, "\n".join(errors)
    return book


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real handbook, built once per test session."""
    from handbook.pipeline import build_site

    out = tmp_path_factory.mktemp("site") / "site"
    build_site(ROOT, out, build_dir=tmp_path_factory.mktemp("build"))
    return out


@pytest.fixture(scope="session")
def project_copy():
    """copy_project(target, regulations=None) for tests that need the real regulations or a module-wide copy.

    A fixture because `from conftest import …` is unreliable: tests/browser has a conftest.py of its own.
    """
    return copy_project
