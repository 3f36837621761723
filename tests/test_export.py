"""handbook.json, the whole edition as data: every URL in it lands on a page and an anchor of the built site."""

from __future__ import annotations

import json
import re

import pytest


@pytest.fixture(scope="module")
def export(built_site):
    return json.loads((built_site / "handbook.json").read_text(encoding="utf-8"))


def ids_on(page) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8")))


def test_every_url_lands_on_a_page_and_an_anchor_of_the_site(export, built_site):
    urls = [d["url"] for d in export["documents"]]
    for doc in export["documents"]:
        urls += [e["url"] for e in doc["elements"]] + [s["url"] for s in doc.get("steps", [])]
        urls += [r["url"] for e in doc["elements"] for r in e["refs"] if r["url"]]
    urls += [f["url"] for f in export["forms"]] + [f["download"] for f in export["forms"]]
    pages: dict[str, set[str]] = {}
    missing = []
    for url in urls:
        page, _, anchor = url.partition("#")
        if not (built_site / page).is_file():
            missing.append(url)
        elif anchor and anchor not in pages.setdefault(page, ids_on(built_site / page)):
            missing.append(url)
    assert len(urls) > 500
    assert missing == []


def test_articles_carry_their_derived_numbers_and_references(export, handbook):
    rules = next(d for d in export["documents"] if d["id"] == "shiwuhui-rules")
    assert rules["url"] == "shiwuhui-rules.html" and rules["kind"] == "rules"
    quorum = next(e for e in rules["elements"] if e["key"] == "quorum")
    assert quorum["kind"] == "article" and quorum["number"] == quorum["citation"] == "第十六条"
    assert quorum["url"] == "shiwuhui-rules.html#quorum"
    structure = next(s for s in handbook.structures if s.doc.id == "shiwuhui-rules")
    assert len(rules["elements"]) == len(list(structure.walk()))
    linked = [r for e in rules["elements"] for r in e["refs"] if r["document"]]
    assert linked and all(r["url"].startswith(r["document"] + ".html") for r in linked)


def test_the_export_holds_every_document_and_form_of_the_edition(export, handbook):
    assert [d["id"] for d in export["documents"]] == [s.doc.id for s in handbook.structures]
    assert [f["id"] for f in export["forms"]] == [f.form.id for f in handbook.forms]
    assert export["format"] == "handbook-export/1"


def test_the_url_owner_knows_every_name_at_the_top_of_the_site(built_site, handbook):
    """urls.generated_names is what a reserved-id check can be derived from: it must list what the build writes."""
    from handbook import urls
    from handbook.model import FlowDocument

    names = urls.generated_names([s.doc.id for s in handbook.structures], [f.form.id for f in handbook.forms],
                                 [s.doc.id for s in handbook.structures if isinstance(s.doc, FlowDocument)],
                                 handbook.compendium)
    on_disk = {p.name for p in built_site.iterdir()} - {".handbook-edition"}
    assert on_disk == {name.split("/")[0] for name in names}
    downloads = {f"downloads/{p.name}" for p in (built_site / "downloads").iterdir()}
    assert downloads <= names


def redirects_elsewhere(page) -> bool:
    return 'http-equiv="refresh"' in page.read_text(encoding="utf-8")


def test_no_url_is_a_redirect_page(export, built_site):
    """A form's compendium entry lives on its form page: the export names that page, not the old redirect."""
    entries = [d for d in export["documents"] if d["kind"] == "form"]
    assert entries and all(d["url"].startswith("form-") for d in entries)
    assert not [d["url"] for d in export["documents"] if redirects_elsewhere(built_site / d["url"])]
