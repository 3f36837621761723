"""Text helpers the renderers and messages share: width in a Chinese font, words, shortening."""

from __future__ import annotations

import logging
import unicodedata
from functools import lru_cache


def width(text: str) -> float:
    """Width in CJK characters: wide and (in a Chinese font) ambiguous characters (“ ” …) count 1, others ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


@lru_cache(maxsize=1)
def _tokenizer():
    """jieba with its own default dictionary, loaded once per process: words others add to jieba's
    shared dictionary must not move our line breaks."""
    import jieba  # 0.6 s to load its dictionary: only when a text is long enough to need words

    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()


def words(text: str, *, hmm: bool = True) -> list[str]:
    """The text cut into words (jieba; hmm also guesses words the dictionary does not know)."""
    return _tokenizer().lcut(text, HMM=hmm)


def shorten(text: object, limit: int = 40) -> str:
    """A value as quoted in a message: at most `limit` characters, then …"""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"
