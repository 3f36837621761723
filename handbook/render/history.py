"""Revision history as data: the 修订记录 of each document and the site-wide 更新日志."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import model, urls
from ..sources import Handbook

CHANGELOG_PAGE = urls.CHANGELOG


@dataclass(frozen=True)
class Change:
    """One history entry of one document, as listed in the changelog."""

    date: dt.date
    doc: model.DocumentBase
    number: str | None
    change: str


def last_revised(doc: model.DocumentBase) -> dt.date | None:
    return max((entry.date for entry in doc.history), default=None)


def one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", "", text.strip())


def changes(handbook: Handbook) -> list[Change]:
    """Every history entry of every document, newest first (documents in compendium order within a day)."""
    found = [Change(entry.date, doc, entry.number, one_line(entry.change))
             for doc in handbook.documents for entry in doc.history]
    order = {doc.id: i for i, doc in enumerate(handbook.documents)}
    return sorted(found, key=lambda c: (-c.date.toordinal(), order[c.doc.id]))


def changelog_page(handbook: Handbook, env) -> str:
    """The Markdown of the 更新日志 page, from templates/pages/changelog.md.j2."""
    return env.get_template("changelog.md.j2").render(changes=changes(handbook))
