"""Throwaway copies of the project to build in, and synthetic regulations made from the real ones.

A copy holds the program (handbook/) as well as the data, so everything that
lives under the project root (build/, the flowchart cache) is the copy's own:
the first build in a fresh copy is a cold build, like on a fresh clone.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PROSE_KINDS = ("rules", "outline", "duties")
SYNTHETIC_PREFIX = "synthetic"


def _copy_project_function():
    # tests/conftest.py knows which parts make a project; reuse it rather than keep a second list
    spec = importlib.util.spec_from_file_location("handbook_tests_conftest", ROOT / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.copy_project


def project_copy(target: Path) -> Path:
    """A complete project at `target`: data, templates, config and the program itself."""
    _copy_project_function()(target)
    shutil.copytree(ROOT / "handbook", target / "handbook", ignore=shutil.ignore_patterns("__pycache__"))
    return target


def regulation_files(project: Path) -> list[Path]:
    return sorted(p for p in (project / "regulations").glob("*.yaml") if p.name != "compendium.yaml")


def prose_templates(project: Path) -> list[dict]:
    """The real documents with full text (rules, outline, duties), as loaded YAML."""
    documents = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in regulation_files(project)]
    return [d for d in documents if d.get("kind") in PROSE_KINDS]


def synthetic_document(template: dict, number: int) -> dict:
    """A copy of a real document under a new id and title, in its category after the real contents.

    Keys stay as they are (they are per document); references to other documents
    keep pointing at the real ones, which stay in the project.
    """
    doc = dict(template)
    doc["id"] = f"{SYNTHETIC_PREFIX}-{number:05d}-{template['id']}"
    doc["title"] = f"{template['title']}（合成样本{number}）"
    doc["short_title"] = f"{template.get('short_title') or template['title']}（合成{number}）"
    doc["seq"] = 1000 + number  # unique, after the 45 real entries; the category stays the template's
    return doc


def add_synthetic_documents(project: Path, total: int) -> int:
    """Add synthetic documents until the project holds `total` documents; returns how many were added."""
    templates = prose_templates(project)
    missing = total - len(regulation_files(project))
    for number in range(1, missing + 1):
        doc = synthetic_document(templates[(number - 1) % len(templates)], number)
        path = project / "regulations" / f"{doc['id']}.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return max(missing, 0)


def share_render_cache(source: Path, target: Path) -> None:
    """Give `target` the render caches of `source` (e.g. drawn flowcharts), so only documents are timed."""
    cache = source / "build" / "cache"
    if cache.is_dir():
        shutil.copytree(cache, target / "build" / "cache", dirs_exist_ok=True)
