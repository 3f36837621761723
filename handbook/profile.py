"""Editions of the handbook: which documents and forms one build publishes.

Every document and form is internal (内部资料) unless its YAML says
`visibility: public`. The internal edition publishes everything and carries the
内部资料 mark; the public edition publishes only what is public, and a
reference from a public document to an internal one keeps its words but loses
its link. The selection happens once, before any page or download is made, so
nothing downstream can reach an internal document by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .dates import build_epoch
from .refs import Index
from . import urls
from .sources import Handbook

PROFILES = ("internal", "public")
INTERNAL_MARK = "内部资料"
PROFILE_NAMES = {"internal": "内部版", "public": "公开版"}
DEFAULT_OUT = {"internal": "site", "public": "site-public"}


@dataclass
class Edition(Handbook):
    """The handbook as one edition publishes it: only its documents, an index that knows the rest."""

    profile: str = "internal"
    withheld: frozenset[str] = frozenset()  # ids of the documents this edition leaves out

    def __post_init__(self) -> None:
        if self.index is None:
            super().__post_init__()

    @property
    def public(self) -> bool:
        return self.profile == "public"

    @property
    def mark(self) -> str | None:
        """The classification printed in the site header and on the compendium cover."""
        return None if self.public else INTERNAL_MARK

    def publishes(self, item) -> bool:
        """Whether this edition carries a document or form (anything with a `visibility`)."""
        return published_in(self.profile, item)

    def by_category(self):
        groups = super().by_category()
        return [(c, entries) for c, entries in groups if entries] if self.public else groups


def published_in(profile: str, item) -> bool:
    return profile != "public" or item.visibility == "public"


def select(handbook: Handbook, profile: str) -> Edition:
    """The edition `profile` of a loaded handbook."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}")
    keep = [s for s in handbook.structures if published_in(profile, s.doc)]
    kept_ids = {s.doc.id for s in keep}
    withheld = frozenset(s.doc.id for s in handbook.structures) - kept_ids
    forms = [f for f in handbook.forms if published_in(profile, f.form)]
    index = Index(handbook.structures, excluded=withheld,
                  pages=urls.form_entry_pages([s.doc for s in keep], {f.form.id for f in forms}))
    sources = {doc_id: src for doc_id, src in handbook.sources.items() if doc_id in kept_ids}
    return Edition(handbook.root, handbook.compendium, keep, sources, index, forms, profile=profile, withheld=withheld)


def edition_of(handbook: Handbook) -> Edition:
    """The handbook as an edition; a plain loaded handbook is the internal one (e.g. the live preview)."""
    return handbook if isinstance(handbook, Edition) else select(handbook, "internal")


def mkdocs_config(edition: Edition) -> dict:
    """What the edition adds to the generated mkdocs.yml: the header mark (overrides/partials/classification.html)."""
    return {"extra": {"classification": edition.mark}} if edition.mark else {}


def source_date_epoch(handbook: Handbook) -> int:
    """The one date a build may print: SOURCE_DATE_EPOCH when set, else the compendium's edition date.

    The same date the compendium DOCX carries, so no output depends on the clock.
    """
    return build_epoch(handbook.compendium)


def default_out(root: Path, profile: str) -> Path:
    return root / DEFAULT_OUT[profile]
