"""A document's title broken into balanced lines for print (GB/T 9704 7.3.2: 词意完整，排列对称)."""

from __future__ import annotations

import itertools
import math
from typing import Sequence

from ..docx.gbt9704 import SIZE_2, TEXT_WIDTH
from ..text import width as _width, words

TITLE_CHARS = int(TEXT_WIDTH / 20 // SIZE_2)  # 2号 characters per line: 20
OPENING, CLOSING = "（《“‘〔【", "）》”’〕】"  # brackets and quotes: no line is cut inside them
_NO_LINE_START = CLOSING + "、，。；：！？"


def title_lines(title: str) -> list[str]:
    """A long title broken into balanced lines between words (GB/T 9704 7.3.2: 词意完整，排列对称).

    Lines are cut only where jieba sees a word boundary outside quotes and
    brackets; among cuts that fit, the most even wins, the longer line on top
    when two are equally even. As few lines as the width needs, one more where
    the word boundaries leave no way to fill them."""
    count = math.ceil(_width(title) / TITLE_CHARS)
    if count <= 1:
        return [title]
    bounds = [0, *_title_cuts(title), len(title)]
    half = list(itertools.accumulate((round(2 * _width(ch)) for ch in title), initial=0))
    offsets = [half[bound] for bound in bounds]  # widths from the start, in half characters
    fewest = _fewest_lines(offsets, 2 * TITLE_CHARS)
    if fewest is None:  # a word too long for a line: Word wraps it
        return [title]
    chosen = balanced_breaks(offsets, max(count, fewest), 2 * TITLE_CHARS)
    return [title[bounds[a]:bounds[b]] for a, b in zip(chosen, chosen[1:])]


def _fewest_lines(offsets: Sequence[int], limit: int) -> int | None:
    """How many lines of at most limit the cuts allow at the fewest (filling each line), or None."""
    lines, start = 0, offsets[0]
    for previous, offset in zip(offsets, offsets[1:]):
        if offset - previous > limit:
            return None
        if offset - start > limit:
            lines, start = lines + 1, previous
    return lines + 1


def balanced_breaks(offsets: Sequence[int], lines: int, limit: int) -> list[int] | None:
    """Indexes into offsets (positions where a line may end, ascending, from 0 to the end)
    cutting them into exactly `lines` lines of at most `limit`: the smallest difference between
    the longest and the shortest line, then the longest first line, then the longest second...

    Polynomial (dynamic programming over a window of allowed widths) where trying every
    combination of cuts would be exponential in the number of lines."""
    total = offsets[-1] - offsets[0]
    if lines * limit < total:
        return None
    spread: dict[int, list[int]] = {}  # longest line → the longest shortest line that still works
    for longest in range(max(1, -(-total // lines)), limit + 1):
        low, high = 1, min(longest, total // lines)
        if _lines_fit(offsets, lines, low, longest) is None:
            continue
        while low < high:  # narrowing the range only removes ways to cut: a binary search
            middle = (low + high + 1) // 2
            if _lines_fit(offsets, lines, middle, longest) is None:
                high = middle - 1
            else:
                low = middle
        spread.setdefault(longest - low, []).append(low)
    if not spread:
        return None
    best = min(spread)
    candidates = [_widest_first(offsets, lines, shortest, shortest + best) for shortest in spread[best]]
    return max(candidates, key=lambda cut: [offsets[b] - offsets[a] for a, b in zip(cut, cut[1:])])


def _lines_fit(offsets: Sequence[int], lines: int, shortest: int, longest: int) -> list[int] | None:
    """For every position, the numbers of lines (a bit set) in which the text after it can be cut
    with every line between shortest and longest; None when the whole text cannot take `lines`."""
    keep = (1 << (lines + 1)) - 1
    ways = [0] * len(offsets)
    ways[-1] = 1  # the end: zero lines
    for i in range(len(offsets) - 2, -1, -1):
        start, found = offsets[i], 0
        for j in range(i + 1, len(offsets)):
            width = offsets[j] - start
            if width > longest:
                break
            if width >= shortest:
                found |= ways[j] << 1
        ways[i] = found & keep
    return ways if ways[0] >> lines & 1 else None


def _widest_first(offsets: Sequence[int], lines: int, shortest: int, longest: int) -> list[int]:
    ways = _lines_fit(offsets, lines, shortest, longest)
    assert ways is not None
    chosen, i = [0], 0
    for left in range(lines - 1, -1, -1):  # the farthest cut from which the rest still works
        j, best = i + 1, i
        while j < len(offsets) and offsets[j] - offsets[i] <= longest:
            if offsets[j] - offsets[i] >= shortest and ways[j] >> left & 1:
                best = j
            j += 1
        i = best
        chosen.append(i)
    return chosen


def _title_cuts(title: str) -> list[int]:
    cuts, position, depth = [], 0, 0
    for word in words(title):
        depth += sum(word.count(ch) for ch in OPENING) - sum(word.count(ch) for ch in CLOSING)
        position += len(word)
        if depth == 0 and position < len(title) and title[position] not in _NO_LINE_START:
            cuts.append(position)
    return cuts
