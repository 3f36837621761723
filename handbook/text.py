"""Text helpers the renderers and messages share: width in a Chinese font, words, shortening."""

from __future__ import annotations

import logging
import threading
import unicodedata


def width(text: str) -> float:
    """Width in CJK characters: wide and (in a Chinese font) ambiguous characters (“ ” …) count 1, others ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


_TOKENIZER = []
_TOKENIZER_LOCK = threading.Lock()  # the compendium (a download thread) and the search index may ask at once


def tokenizer():
    """jieba with its own default dictionary, loaded once per process (0.6 s) and shared by everything
    that cuts words: flowchart labels, compendium titles, the search index. Its own, not jieba's
    global one: words another library adds to that must not move our line breaks or index terms."""
    with _TOKENIZER_LOCK:
        if not _TOKENIZER:
            import jieba  # imported only when a text needs words: the import alone takes 0.07 s

            jieba.setLogLevel(logging.WARNING)  # keep "Building prefix dict …" out of the build log
            loaded = jieba.Tokenizer()
            loaded.check_initialized()
            _TOKENIZER.append(loaded)
        return _TOKENIZER[0]


def words(text: str, *, hmm: bool = True) -> list[str]:
    """The text cut into words (jieba; hmm also guesses words the dictionary does not know)."""
    return tokenizer().lcut(text, HMM=hmm)


def shorten(text: object, limit: int = 40) -> str:
    """A value as quoted in a message: at most `limit` characters, then …"""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"
