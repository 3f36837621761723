"""Citations in imported text become references: 本规则第十六条 → 本规则[[tiao-16]], 《…规则》第五条 → [[doc#key|…]].

A reference renders as exactly the words it replaces, so linking never changes the text
a reader sees (the round-trip check would say so). Whatever cannot be tied to one
target stays text and is listed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .grammar import CN, chinese_to_int

SELF_DOC = r"本(?:规则|制度|办法|细则|规定|实施办法|条例|规程)"
CITATION = re.compile(rf"(?:《(?P<title>[^《》]{{2,60}})》)?(?P<self>{SELF_DOC})?第(?P<n>{CN})条")
RELATIVE = re.compile(r"前款|前两款|前三款|本条第[一二三四五六七八九十]+款|上款")
TITLE_ONLY = re.compile(r"《(?P<title>[^《》]{2,60})》")
PREFIX = re.compile(r"^(中共)?\S{0,6}?区委(员会)?(办公室)?")


@dataclass
class Linked:
    linked: list[tuple[str, str]] = field(default_factory=list)  # (words, reference)
    unlinked: list[tuple[str, str]] = field(default_factory=list)  # (words, why)


def title_key(title: str) -> str:
    """A title compared loosely: NFKC, no spaces, no 中共…区委（员会）办公室 prefix."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", title))
    return PREFIX.sub("", text) or text


@dataclass
class OtherDocument:
    id: str
    keys_by_article: dict[int, str]  # article number → its key, for articles that have one


def article_entries(data: dict) -> list[tuple[list, int]]:
    """(list, index) of every article in order, so an article can be given a key in place."""
    if data.get("articles"):
        return [(data["articles"], i) for i in range(len(data["articles"]))]
    out = []
    for chapter in data.get("chapters", []):
        for section in chapter.get("sections", []):
            out += [(section["articles"], i) for i in range(len(section["articles"]))]
        out += [(chapter.get("articles", []), i) for i in range(len(chapter.get("articles", [])))]
    return out


def link(data: dict, kind: str, documents: dict[str, OtherDocument], here: str) -> Linked:
    """Rewrite citations in the body of `data` (in place) and say what was and was not linked."""
    result = Linked()
    articles = article_entries(data) if kind == "rules" else []
    wanted: dict[int, str] = {}

    def key_for(n: int) -> str:
        parent, i = articles[n - 1]
        entry = parent[i]
        if isinstance(entry, dict) and entry.get("key"):
            return entry["key"]
        key = wanted.setdefault(n, f"tiao-{n}")
        return key

    def rewrite(text: str) -> str:
        out, pos = [], 0
        for match in CITATION.finditer(text):
            if "[[" in text[max(0, match.start() - 2):match.start()]:
                continue
            words = match.group(0)
            n = chinese_to_int(match["n"])
            title = match["title"]
            replacement = None
            if title:
                target = documents.get(title_key(title))
                if target is None:
                    result.unlinked.append((words, "引用的文件不在手册中"))
                elif target.id == here:
                    replacement = _internal(n, len(articles), key_for, words, f"《{title}》", match, result)
                elif n in target.keys_by_article:
                    replacement = f"[[{target.id}#{target.keys_by_article[n]}|{words}]]"
                else:
                    replacement = f"[[{target.id}|《{title}》]]第{match['n']}条"
                    result.unlinked.append((words, "已链接到文件；该文件中这一条没有键（或不按条编号），未链接到条"))
            else:
                sentence = text[:match.start()]
                sentence = re.split(r"[。；;]", sentence)[-1]
                if not match["self"] and "》" in sentence:
                    result.unlinked.append((words, "同一句中提到了其他文件，无法确定指本文件还是该文件"))
                elif not articles:
                    result.unlinked.append((words, "本文件没有按条编号"))
                else:
                    replacement = _internal(n, len(articles), key_for, words, match["self"] or "", match, result)
            if replacement is not None:
                out.append(text[pos:match.start()] + replacement)
                pos = match.end()
                result.linked.append((words, replacement))
        out.append(text[pos:])
        text = "".join(out)
        for match in RELATIVE.finditer(text):
            result.unlinked.append((match.group(0), "相对引用（款没有键），保留原文"))
        return _link_titles(text, documents, here, result)

    _walk(data, rewrite)
    for n, key in wanted.items():
        parent, i = articles[n - 1]
        entry = parent[i]
        parent[i] = {"key": key, **(entry if isinstance(entry, dict) else {"text": entry})}
    return result


def _internal(n, count, key_for, words, prefix, match, result) -> str | None:
    if n is None or not 1 <= n <= count:
        result.unlinked.append((words, f"本文件只有 {count} 条，没有第{match['n']}条"))
        return None
    return f"{prefix}[[{key_for(n)}]]"


def _link_titles(text: str, documents: dict[str, OtherDocument], here: str, result: Linked) -> str:
    """《title》 alone, naming a document of the handbook, becomes a link to that document."""
    out, pos = [], 0
    for match in TITLE_ONLY.finditer(text):
        if text[max(0, match.start() - 1):match.start()] == "|" or text[match.end():match.end() + 2] == "]]":
            continue  # already inside a reference written above
        target = documents.get(title_key(match["title"]))
        if target is None or target.id == here:
            continue
        words = match.group(0)
        out.append(text[pos:match.start()] + f"[[{target.id}|{words}]]")
        pos = match.end()
        result.linked.append((words, f"[[{target.id}]]"))
    out.append(text[pos:])
    return "".join(out)


def _walk(node, rewrite) -> None:
    """Apply rewrite to every text of the body, in place."""
    if isinstance(node, dict):
        for name in ("preamble", "closing"):
            if name in node:
                node[name] = [rewrite(t) for t in node[name]]
        for name in ("text", "p"):
            if isinstance(node.get(name), str):
                node[name] = rewrite(node[name])
        for name in ("chapters", "sections", "articles", "clauses", "items", "body"):
            if name in node:
                for i, child in enumerate(node[name]):
                    if isinstance(child, str):
                        node[name][i] = rewrite(child)
                    else:
                        _walk(child, rewrite)
