"""The one date a build may print: never the clock, so two builds of the same sources are the same bytes."""

from __future__ import annotations

import datetime as dt
import os

from . import model


def source_date(fallback: dt.datetime) -> dt.datetime:
    """The build date: SOURCE_DATE_EPOCH when set (reproducible builds), else the given date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    return fallback


def build_date(compendium: model.Compendium) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set, else 1 January of the edition year: never the clock."""
    year = int(compendium.edition[:4]) if compendium.edition[:4].isdigit() else 1980
    return source_date(dt.datetime(year, 1, 1))


def build_epoch(compendium: model.Compendium) -> int:
    """build_date as seconds since the epoch (what MkDocs reads from SOURCE_DATE_EPOCH)."""
    return int(build_date(compendium).replace(tzinfo=dt.timezone.utc).timestamp())
