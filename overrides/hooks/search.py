"""MkDocs hook: Chinese search that finds words inside compounds.

Material's search plugin segments Chinese with `jieba.cut` and writes
search/search_index.json; its browser-side worker only matches a query as a
*prefix* of an indexed word. So 分管领导 is one word and 领导 never finds it,
财务管理 is one word and 管理 never finds it.

After Material has written the index, this hook re-segments every entry:

- the visible text (title, text) is cut into the finest dictionary parts
  (分管​领导, 财务​管理), joined by U+200B like Material does, so every part is a
  token of its own and is highlighted in the result snippet;
- every word that was split is added whole to a hidden field, `compounds`, so
  the compound is still an indexed word and scores higher than its parts alone.

It also fixes two faults in the worker's query segmentation (WORKER_FIXES).

Why a hook here: the build copies overrides/ next to the generated mkdocs.yml,
so `hooks: [overrides/hooks/search.py]` resolves wherever the build runs, and
MkDocs never publishes .py files from a theme directory.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import jieba
from backrefs import bre
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

ZWSP = "\u200b"
COMPOUNDS_FIELD = "compounds"
HAN = bre.compile(r"\p{script: Han}+")  # what Material and its worker treat as Chinese

jieba.setLogLevel(logging.WARNING)  # keep "Building prefix dict …" out of the build log


# --- segmentation ----------------------------------------------------------------------------

def split_word(word: str) -> list[str]:
    """The most probable split of a word into smaller dictionary words, or [word] if there is none.

    jieba's own path search (maximum sum of log word frequencies over its word
    graph) with the edge for the whole word removed. A split into single
    characters only is no split: 室务会 stays whole, 分管领导 → 分管 + 领导.
    """
    if len(word) < 3:
        return [word]
    tokenizer = jieba.dt
    tokenizer.check_initialized()
    graph = tokenizer.get_DAG(word)
    graph[0] = [end for end in graph[0] if end != len(word) - 1] or [0]
    log_total = math.log(tokenizer.total)
    route: dict[int, tuple[float, int]] = {len(word): (0.0, 0)}
    for start in range(len(word) - 1, -1, -1):
        route[start] = max((math.log(tokenizer.FREQ.get(word[start:end + 1]) or 1) - log_total
                            + route[end + 1][0], end) for end in graph[start])
    pieces, start = [], 0
    while start < len(word):
        end = route[start][1] + 1
        pieces.append(word[start:end])
        start = end
    return pieces if any(len(p) > 1 for p in pieces) else [word]


@lru_cache(maxsize=None)
def word_parts(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The finest parts of a word, and every word on the way that was split (itself included)."""
    pieces = split_word(word)
    if len(pieces) == 1:
        return (word,), ()
    parts: tuple[str, ...] = ()
    compounds: tuple[str, ...] = (word,)
    for piece in pieces:
        piece_parts, piece_compounds = word_parts(piece)
        parts += piece_parts
        compounds += piece_compounds
    return parts, compounds


def refine(segmented: str) -> tuple[str, list[str]]:
    """Text segmented by Material (jieba words between U+200B) with each word cut into its finest parts.

    Returns the text and the compounds that were split. Only the boundaries
    change; U+200B is invisible, so the text reads exactly as before.
    """
    pieces: list[str] = []
    compounds: list[str] = []
    for piece in segmented.split(ZWSP):
        if HAN.fullmatch(piece):
            parts, split = word_parts(piece)
            pieces += parts
            compounds += split
        else:
            pieces.append(piece)
    return ZWSP.join(pieces), compounds


def segment(text: str) -> tuple[str, list[str]]:
    """Plain text segmented as Material does (jieba words between U+200B), then refined."""
    def cut(match) -> str:
        return ZWSP + ZWSP.join(jieba.cut(match.group(0))) + ZWSP

    return refine(HAN.sub(cut, text).strip(ZWSP))


def resegment(entry: dict) -> dict:
    """One entry of Material's index with its words cut into parts and the compounds kept whole."""
    entry = dict(entry)
    compounds: list[str] = []
    for name in ("title", "text"):
        entry[name], split = refine(entry[name])
        compounds += split
    if compounds:
        entry[COMPOUNDS_FIELD] = ZWSP.join(dict.fromkeys(compounds))
    return entry


def improve_index(index: dict) -> dict:
    """Material's search index with every entry re-segmented and the hidden field declared."""
    config = dict(index["config"], fields={**index["config"]["fields"], COMPOUNDS_FIELD: {"boost": 1.0}})
    return {**index, "config": config, "docs": [resegment(entry) for entry in index["docs"]]}


# --- Material's search worker ------------------------------------------------------------------

@dataclass(frozen=True)
class WorkerFix:
    """One change to the minified worker: the pattern must match exactly once."""

    pattern: re.Pattern
    replace: Callable[[re.Match], str]


# Source: src/templates/assets/javascripts/integrations/search/query/segment/index.ts and
# .../search/_/index.ts of Material 9.8. A Chinese query is segmented greedily with
# the words of the index, then the segments are joined with "* ".
WORKER_FIXES = {
    # `for (let j = i + 1; j < query.length; j++) if (query.slice(i, j) in index)` never
    # tries a word that ends at the last character: 干部任免 was searched as 干部* alone.
    "a word may end the query (j <= query.length)": WorkerFix(
        re.compile(r"for\(let (\w+)=(\w+)\+1;\1<(\w+)\.length;\1\+\+\)\3\.slice\(\2,\1\)in "),
        lambda m: m.group(0).replace(f"{m.group(1)}<{m.group(3)}.", f"{m.group(1)}<={m.group(3)}."),
    ),
    # `segments.join("* ")` gives "干部* 任免"; the query transform appends another "*",
    # the result analysis then looks for the term "干部*", finds none and shows
    # 缺少：干部* under every result. The transform adds the wildcard anyway.
    "segments joined by a space (no stray *)": WorkerFix(
        re.compile(r'\.invertedIndex\)\]\.join\("\* "\)'),
        lambda m: m.group(0).replace('join("* ")', 'join(" ")'),
    ),
}


def patch_worker(site_dir: Path) -> Path:
    """Apply WORKER_FIXES to the site's copy of Material's search worker."""
    workers = sorted((site_dir / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    if len(workers) != 1:
        raise PluginError(f"搜索：应有一个 Material 搜索 worker 脚本，实际找到 {len(workers)} 个")
    source = workers[0].read_text(encoding="utf-8")
    for name, fix in WORKER_FIXES.items():
        source, count = fix.pattern.subn(fix.replace, source)
        if count != 1:
            raise PluginError(f"搜索：{workers[0].name} 中找不到要修正的代码「{name}」"
                              "（Material 版本变了？），请按 overrides/hooks/search.py 中 WORKER_FIXES 的说明检查")
    workers[0].write_text(source, encoding="utf-8")
    return workers[0]


# --- MkDocs event ------------------------------------------------------------------------------

@event_priority(-50)  # after Material's search plugin writes the index, before `offline` inlines it
def on_post_build(config):
    site_dir = Path(config.site_dir)
    index_file = site_dir / "search" / "search_index.json"
    if not index_file.is_file():
        raise PluginError("搜索：没有找到 search/search_index.json，mkdocs.yml 中是否启用了 search 插件？")
    index = improve_index(json.loads(index_file.read_text(encoding="utf-8")))
    index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    patch_worker(site_dir)
