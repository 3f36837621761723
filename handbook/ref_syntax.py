"""Cross-references written inside regulation text.

Syntax, chosen to sit unobtrusively in Chinese prose:

    [[quorum]]                      an element of this document by key → 第十六条
    [[zhuren-rules]]                another document → 《区委办公室主任办公会议规则》
    [[zhuren-rules#topics]]         an element of another document → 《…》第十四条
    [[zhuren-rules|主任办公会议]]    any of the above, shown with the author's own words

A reference renders as the derived number (or the given words) and links to the
element's stable anchor. A reference that cannot be resolved is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

REF = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]")


@dataclass(frozen=True)
class Ref:
    target: str
    words: str | None


def split(text: str) -> Iterator[str | Ref]:
    """Text as alternating plain strings and references."""
    pos = 0
    for match in REF.finditer(text):
        if match.start() > pos:
            yield text[pos:match.start()]
        yield Ref(match.group(1).strip(), match.group(2))
        pos = match.end()
    if pos < len(text):
        yield text[pos:]


def refs_in(text: str) -> list[Ref]:
    return [part for part in split(text) if isinstance(part, Ref)]


def plain_text(text: str, words: Callable[[Ref], str] | None = None) -> str:
    """The text as a reader sees it: each reference replaced by its words."""
    out = []
    for part in split(text):
        if isinstance(part, Ref):
            out.append(words(part) if words else (part.words or part.target))
        else:
            out.append(part)
    return "".join(out)
