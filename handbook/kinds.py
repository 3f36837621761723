"""Every document kind in one table: its schema class, how its numbered body is built, its page, its starter.

A new kind is a class in model.py (added to the `Document` union) and one row here; a test
(tests/test_kinds.py) fails when the union and this table disagree. The plain-text walk
(render/plain.document_pairs), and with it the compendium and `diff`, reads the built body and a
kind's `source_text`, so it needs no row of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import model
from .paths import ROOT
from .structure import Element, Structure, outline_body, rules_body

STARTERS = ROOT / "templates" / "new"  # the body `python3 build.py new <kind>` writes, with editors' comments


@dataclass(frozen=True)
class Kind:
    name: str  # the value of `kind:` in the YAML
    schema: type[model.DocumentBase]
    page_template: str  # in templates/pages/
    body: Callable[[model.DocumentBase], list[Element]] | None = None  # the numbered body; None: the page has none

    @property
    def starter(self) -> Path:
        return STARTERS / f"{self.name}.yaml"


TABLE: tuple[Kind, ...] = (
    Kind("rules", model.RulesDocument, "document.md.j2", rules_body),
    Kind("outline", model.OutlineDocument, "document.md.j2", outline_body),
    Kind("duties", model.OutlineDocument, "document.md.j2", outline_body),
    Kind("pending", model.PendingDocument, "pending.md.j2"),
    Kind("form", model.FormEntryDocument, "form.md.j2"),
    Kind("flow", model.FlowDocument, "flow.md.j2"),
)
BY_NAME = {kind.name: kind for kind in TABLE}


def kind_of(doc: model.DocumentBase) -> Kind:
    return BY_NAME[doc.kind]


def build_structure(doc: model.DocumentBase) -> Structure:
    """The document with its numbered body (numbers, anchors, citations derived here, never typed)."""
    body = kind_of(doc).body
    return Structure(doc, body(doc) if body else [])
