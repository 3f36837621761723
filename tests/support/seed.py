"""The seed: the 2019 compendium as it survived text extraction.

The seed file is the user's data and is only read. Its body is one long line:
the cover, the table of contents (title + page, run together) and then the
documents back to back. These functions cut that line into its parts so tests
can compare every document with what the seed carries.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

SEED_ENV = "HANDBOOK_SEED"
REPO = Path(__file__).resolve().parents[2]
# CI and every checkout have the shared folder beside the project root
SEED_DIRS = (REPO / "seed", REPO.parent / "shared" / "seed")
TOC_MARK = "目录"
# A title in the body may carry the party prefix the table of contents leaves out.
TITLE_PREFIX = "中共"


@dataclass(frozen=True)
class TocEntry:
    seq: int
    title: str
    page: int


def locate_seed() -> Path:
    """The seed file: $HANDBOOK_SEED, else the only .txt in seed/ of the repo or /work/shared/seed."""
    explicit = os.environ.get(SEED_ENV)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise FileNotFoundError(f"环境变量 {SEED_ENV} 指向的原件文本不存在：{path}")
        return path
    for directory in SEED_DIRS:
        found = sorted(directory.glob("*.txt")) if directory.is_dir() else []
        if found:
            return found[0]
    places = "、".join(str(d) for d in SEED_DIRS)
    raise FileNotFoundError(f"找不到原件文本：请设置环境变量 {SEED_ENV}，或将其放在 {places}")


def read_body(path: Path | None = None) -> str:
    """The seed's body: its longest line (cover, contents and all documents)."""
    lines = (path or locate_seed()).read_text(encoding="utf-8").splitlines()
    return max(lines, key=len)


def cover(body: str) -> str:
    """The cover text, everything before 目录."""
    return body[:body.index(TOC_MARK)]


def _contents_span(body: str) -> tuple[int, int]:
    """Start and end of the contents: they end where the first document's title recurs."""
    start = body.index(TOC_MARK) + len(TOC_MARK)
    first_title = re.match(r"\D+", body[start:]).group()
    end = body.index(first_title, start + len(first_title))
    if body[end - len(TITLE_PREFIX):end] == TITLE_PREFIX:
        end -= len(TITLE_PREFIX)
    return start, end


def table_of_contents(body: str) -> list[TocEntry]:
    """The contents entries (title and page run together in the seed), in order."""
    start, end = _contents_span(body)
    contents = body[start:end]
    entries = [TocEntry(seq, match.group(1), int(match.group(2)))
               for seq, match in enumerate(re.finditer(r"(\D+)(\d+)", contents), start=1)]
    if "".join(f"{e.title}{e.page}" for e in entries) != contents:
        raise ValueError("原件目录无法完整解析为「标题+页码」")
    return entries


def document_slices(body: str) -> dict[int, str]:
    """The text of each document the seed carries, by contents number (title included).

    Titles are found in contents order after the contents; a document runs to the
    next document found, the last one to the end of the body. Entries whose title
    does not occur are absent from the result.
    """
    starts: list[tuple[int, int]] = []
    pos = _contents_span(body)[1]
    for entry in table_of_contents(body):
        at = body.find(entry.title, pos)
        if at < 0:
            continue
        if body[at - len(TITLE_PREFIX):at] == TITLE_PREFIX:
            at -= len(TITLE_PREFIX)
        starts.append((entry.seq, at))
        pos = at + len(entry.title)
    ends = [at for _, at in starts[1:]] + [len(body)]
    return {seq: body[at:end] for (seq, at), end in zip(starts, ends)}


def normalise(text: str) -> str:
    """Text as compared with the seed: NFKC (the extraction's own normalisation), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def as_in_seed(text: str, corrections) -> tuple[str, list]:
    """Normalised text with each recorded correction undone (corrected → original).

    Returns the text and the corrections whose corrected wording does not occur in it.
    """
    text = normalise(text)
    unused = []
    for correction in corrections:
        corrected = normalise(correction.corrected)
        if not corrected or corrected not in text:
            unused.append(correction)
            continue
        text = text.replace(corrected, normalise(correction.original))
    return text, unused
