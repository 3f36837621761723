"""议事决策自查: the decision rules of the meeting regulations, as data beside their text.

The `decisions:` block of a regulation states computable facts (quorum, passing,
which matters go to the 室务会, amounts), each with the article it comes from and
the article's own words. This module

- checks that every cited article exists and still contains the quoted words
  (and that the quote carries the number the fact uses), so editing the text
  cannot leave a rule silently stale;
- turns the facts of an edition into one JSON document, the "rules";
- evaluates a question against the rules (`evaluate`).

The page 「议事决策自查」 runs the same evaluation in the browser
(assets/javascripts/decide.js) on the same rules JSON. The two evaluators are
twins kept small on purpose; tests run both over the shared worked cases
(decisions/cases.yaml) and over many generated questions and require identical
answers, word for word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import model, urls
from .errors import Problem
from .load import Source
from .refs import Index, _cite, plain_text
from .structure import Element, Structure

CASES_FILE = Path("decisions") / "cases.yaml"
QUESTIONS = ("convene", "refer", "pass")
QUESTION_NAMES = {"convene": "能否召开", "refer": "是否须提交室务会", "pass": "是否通过"}
# What each verdict is called under each question (also in decide.js and in the cases file)
VERDICT_WORDS = {
    "convene": {"yes": "可以召开", "no": "不能召开", "open": "规则未明确"},
    "refer": {"yes": "须提交室务会", "no": "不须提交室务会", "open": "规则未明确"},
    "pass": {"yes": "通过", "no": "未通过", "open": "规则未明确", "none": "不表决", "blank": "未填票数"},
}
AMOUNT = re.compile(r"^[0-9]{1,9}(\.[0-9]{1,4})?$")


# ---------------------------------------------------------------- check

def cited_facts(decisions: model.Decisions) -> list[tuple[tuple, model.Cited]]:
    """Every fact of a decisions block with its location in the YAML data."""
    base = ("decisions",)
    found: list[tuple[tuple, model.Cited]] = []
    found += [(base + ("quorum", i), q) for i, q in enumerate(decisions.quorum)]
    for name in ("passing", "no_decisions", "attendance", "reserved_by"):
        value = getattr(decisions, name)
        if value is not None:
            found.append((base + (name,), value))
    found += [(base + ("notes", i), n) for i, n in enumerate(decisions.notes)]
    found += [(base + ("matters", i), m) for i, m in enumerate(decisions.matters)]
    return found


def element_text(element: Element, index: Index, doc_id: str) -> str:
    """The words of an element and everything under it, as a reader sees them (references by their words)."""
    parts = []
    for e in element.walk():
        for value in (e.title, e.text):
            if value:
                parts.append(plain_text(value, lambda ref: index.words(ref, doc_id)))
    return "\n".join(parts)


def share_phrase(share: str, bound: str) -> str:
    words = model.SHARES[share]
    return words + bound if bound == "以上" else bound + words


def decision_problems(pairs: list[tuple[Source, Structure]], index: Index) -> list[Problem]:
    """Cited articles must exist and still say what the facts quote; facts must agree across documents."""
    problems: list[Problem] = []
    for source, structure in pairs:
        decisions = structure.doc.decisions
        if decisions is None:
            continue
        keyed = structure.keyed()
        for loc, fact in cited_facts(decisions):
            element = keyed.get(fact.article)
            if element is None:
                problems.append(source.problem(loc + ("article",), f"议事决策规则引用的键「{fact.article}」在本文件中不存在",
                                               hint="article 写所依据的条（或项）的 key；可用的键：" + "、".join(sorted(keyed))))
                continue
            text = element_text(element, index, structure.doc.id)
            if fact.quote not in text:
                problems.append(source.problem(
                    loc + ("quote",), f"{_cite(element)}的条文中已没有这句原话：「{fact.quote}」",
                    hint="条文改过了？请按现在的条文核对这条议事决策规则（数字、比例）并更新 quote"))
            problems += _number_problems(source, loc, fact)
    problems += _merge_problems(pairs)
    return problems


def _number_problems(source: Source, loc: tuple, fact: model.Cited) -> list[Problem]:
    """The quote must carry the very number the fact computes with."""
    wanted = []
    if isinstance(fact, (model.Quorum, model.Passing)):
        wanted = [(model.SHARES[fact.share], "share"), (fact.bound, "bound")]
    elif isinstance(fact, model.Matter) and fact.threshold is not None:
        wanted = [(f"{fact.threshold}万元及以上", "threshold")]
    return [source.problem(loc + (field,), f"原话「{fact.quote}」中没有「{words}」，与 {field} 的取值不符",
                           hint="规则中的数字须与所引条文一致") for words, field in wanted if words not in fact.quote]


def _merge_problems(pairs: list[tuple[Source, Structure]]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, dict[str, Any]] = {}
    quorum_ids: set[str] = set()
    where: dict[str, tuple[Source, tuple]] = {}
    for source, structure in pairs:
        decisions = structure.doc.decisions
        if decisions is None:
            continue
        quorum_ids |= {q.id for q in decisions.quorum}
        for i, matter in enumerate(decisions.matters):
            loc = ("decisions", "matters", i)
            where.setdefault(matter.id, (source, loc))
            merged = seen.setdefault(matter.id, {})
            for name in ("name", "group", "reserved", "threshold"):
                value = getattr(matter, name)
                if value is None:
                    continue
                if name in merged and merged[name] != value:
                    problems.append(source.problem(loc + (name,), f"事项「{matter.id}」的 {name} 与别处写的「{merged[name]}」不一致"))
                merged.setdefault(name, value)
    for matter_id, merged in seen.items():
        missing = [name for name in ("name", "reserved") if name not in merged]
        if missing:
            source, loc = where[matter_id]
            problems.append(source.problem(loc, f"事项「{matter_id}」没有在任何文件中写明 {'、'.join(missing)}"))
    for source, structure in pairs:
        decisions = structure.doc.decisions
        if decisions is None:
            continue
        named = [(("decisions", "quorum", i, "matters"), q.matters) for i, q in enumerate(decisions.quorum)]
        named += [(("decisions", "notes", i, "matters"), n.matters) for i, n in enumerate(decisions.notes)]
        for loc, ids in named:
            problems += [source.problem(loc, f"没有 id 为「{x}」的事项") for x in ids if x not in seen]
        for i, matter in enumerate(decisions.matters):
            problems += [source.problem(("decisions", "matters", i, "unsure_quorum"), f"没有 id 为「{x}」的到会要求")
                         for x in matter.unsure_quorum if x not in quorum_ids]
    return problems


# ---------------------------------------------------------------- rules data

def rules_data(structures: list[Structure], index: Index) -> dict[str, Any]:
    """The decision facts of an edition as one JSON-ready document (what both evaluators read)."""
    cites: dict[str, dict[str, str]] = {}
    bodies, notes, reserved_by = [], [], []
    matters: dict[str, dict[str, Any]] = {}

    def cite(structure: Structure, fact: model.Cited) -> str:
        doc = structure.doc
        element = structure.keyed()[fact.article]
        cite_id = f"c{len(cites) + 1}"
        cites[cite_id] = {"doc": doc.display_title, "label": _cite(element), "quote": fact.quote,
                          "href": urls.document(doc.id, element.id)}
        return cite_id

    for structure in structures:
        decisions = structure.doc.decisions
        if decisions is None:
            continue
        body_id = structure.doc.id if decisions.meeting else None
        if decisions.meeting:
            bodies.append({
                "id": body_id, "name": decisions.meeting,
                "quorum": [{"id": q.id, "matters": q.matters, "share": _fraction(q.share), "bound": q.bound,
                            "words": model.SHARES[q.share], "phrase": share_phrase(q.share, q.bound),
                            "cite": cite(structure, q)}
                           for q in decisions.quorum],
                "passing": None if decisions.passing is None else {
                    "share": _fraction(decisions.passing.share), "bound": decisions.passing.bound,
                    "words": model.SHARES[decisions.passing.share],
                    "phrase": share_phrase(decisions.passing.share, decisions.passing.bound),
                    "cite": cite(structure, decisions.passing)},
                "no_decisions": cite(structure, decisions.no_decisions) if decisions.no_decisions else None,
                "attendance": cite(structure, decisions.attendance) if decisions.attendance else None,
            })
        if decisions.reserved_by:
            reserved_by.append(cite(structure, decisions.reserved_by))
        notes += [{"topic": n.topic, "body": body_id, "matters": n.matters, "cite": cite(structure, n)}
                  for n in decisions.notes]
        for m in decisions.matters:
            entry = matters.setdefault(m.id, {"id": m.id, "name": None, "group": None, "reserved": None,
                                              "threshold": None, "amount_undefined": False,
                                              "unsure_quorum": [], "cites": []})
            for name in ("name", "group", "reserved", "threshold"):
                if entry[name] is None:
                    entry[name] = getattr(m, name)
            entry["amount_undefined"] = entry["amount_undefined"] or m.amount_undefined
            entry["unsure_quorum"] += [q for q in m.unsure_quorum if q not in entry["unsure_quorum"]]
            entry["cites"].append(cite(structure, m))
    # an edition that leaves out the document naming a matter cannot ask about it
    complete = [m for m in matters.values() if m["name"] is not None and m["reserved"] is not None]
    return {"bodies": bodies, "matters": complete, "notes": notes,
            "reserved_by": reserved_by, "cites": cites}


def _fraction(share: str) -> list[int]:
    numerator, denominator = share.split("/")
    return [int(numerator), int(denominator)]


# ---------------------------------------------------------------- evaluation
# Keep in step with assets/javascripts/decide.js: the tests compare the two answer for answer.

@dataclass(frozen=True)
class Scenario:
    label: str
    expected: int
    present: int


def need(total: int, share: list[int], bound: str) -> int:
    """The smallest count that satisfies share of total (以上 counts the number itself, 超过 does not)."""
    numerator, denominator = share
    if bound == "以上":
        count = (numerator * total + denominator - 1) // denominator
    else:
        count = numerator * total // denominator + 1
    return max(count, 1)


def exactly(count: int, total: int, share: list[int]) -> bool:
    return count * share[1] == share[0] * total


def wan(yuan: int) -> str:
    """An amount in 元 written in 万元, as few digits as it needs: 100000 → 10, 125000 → 12.5."""
    whole, rest = divmod(yuan, 10000)
    return f"{whole}.{str(rest).zfill(4).rstrip('0')}" if rest else str(whole)


def parse_amount(text: str) -> int | None:
    """万元 as typed ("12.5") to whole 元, without floating point; None when it is not such a number."""
    text = text.strip()
    if not AMOUNT.match(text):
        return None
    whole, _, fraction = text.partition(".")
    return int(whole) * 10000 + int(fraction.ljust(4, "0") or "0")


def _readings(expected: int, present: int, withdrawn: int) -> list[Scenario]:
    if withdrawn == 0:
        return [Scenario("", expected, present)]
    return [Scenario("回避成员计入应到会和实到人数", expected, present),
            Scenario("回避成员不计入应到会和实到人数", expected - withdrawn, present - withdrawn),
            Scenario("回避成员计入应到会、不计入实到人数", expected, present - withdrawn)]


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,4}", value.strip()):
        return int(value.strip())
    return None


def evaluate(rules: dict[str, Any], question: dict[str, Any]) -> dict[str, Any]:
    """Answer one question: {body, matter, amount, expected, present, withdrawn, for, against, abstain}.

    Returns {"errors": [...]} for input that cannot be answered, else the three answers and the notes."""
    bodies = {b["id"]: b for b in rules["bodies"]}
    matters = {m["id"]: m for m in rules["matters"]}
    body = bodies.get(question.get("body"))
    matter = matters.get(question.get("matter"))
    errors = []
    if body is None:
        errors.append("请选择会议")
    if matter is None:
        errors.append("请选择事项")
    numbers = {}
    for name, words in (("expected", "应到会人数"), ("present", "实到人数"), ("withdrawn", "回避人数"),
                        ("for", "同意票数"), ("against", "不同意票数"), ("abstain", "缓议票数")):
        value = question.get(name, 0 if name not in ("expected", "present") else None)
        value = 0 if value in ("", None) and name not in ("expected", "present") else value
        numbers[name] = _integer(value)
        if numbers[name] is None:
            errors.append(f"{words}须为整数")
    if errors:
        return {"errors": errors}
    e, p, w = numbers["expected"], numbers["present"], numbers["withdrawn"]
    votes = numbers["for"] + numbers["against"] + numbers["abstain"]
    if e < 1:
        errors.append("应到会人数至少为 1")
    if p > e:
        errors.append("实到人数不能多于应到会人数")
    if w > p:
        errors.append("回避人数不能多于实到人数")
    if not errors and votes > p - w:
        errors.append(f"表决票数合计 {votes} 票，多于实到且未回避的 {p - w} 人")
    amount = None
    if matter["threshold"] is not None:
        raw = str(question.get("amount") or "").strip()
        amount = parse_amount(raw) if raw else None
        if not raw:
            errors.append("本类事项按金额判断，请填写金额（万元）")
        elif amount is None:
            errors.append("金额须为数字（万元），最多四位小数")
    if errors:
        return {"errors": errors}
    convene = _convene(rules, body, matter, e, p, w)
    refer = _refer(rules, body, matter, amount)
    passing = _pass(body, matter, convene, e, w, numbers)
    notes = [n for n in rules["notes"]
             if (n["body"] == body["id"] or (n["body"] is None and matter["reserved"]))
             and (not n["matters"] or matter["id"] in n["matters"])]
    return {"answers": [convene, refer, passing], "notes": [{"topic": n["topic"], "cite": n["cite"]} for n in notes]}


def _answer(question: str, verdict: str, reason: str, cites: list[str], steps: list[str] | None = None) -> dict[str, Any]:
    return {"question": question, "verdict": verdict, "word": VERDICT_WORDS[question][verdict],
            "reason": reason, "steps": steps or [], "cites": list(dict.fromkeys(cites))}


def _conclude(outcomes: list[bool]) -> str:
    return "yes" if all(outcomes) else "no" if not any(outcomes) else "open"


def _convene(rules, body, matter, e, p, w) -> dict[str, Any]:
    if not body["quorum"]:
        return _answer("convene", "open", f"{body['name']}规则只规定了参会人员，没有规定到会人数，不能断定到会多少人方能召开。",
                       [body["attendance"]] if body["attendance"] else [])
    required = [q for q in body["quorum"] if not q["matters"] or matter["id"] in q["matters"]]
    unsure = [q for q in body["quorum"] if q["id"] in matter["unsure_quorum"] and q not in required]
    specific = [q for q in required if q["matters"]]
    cites = [q["cite"] for q in (specific or required) + unsure]
    readings = _readings(e, p, w)
    if not unsure and len(readings) == 1:
        ok, sentence = _quorum_sentence(required, matter, readings[0])
        return _answer("convene", "yes" if ok else "no", sentence, cites)
    unsure_words = "“" + "”“".join(q["phrase"] for q in unsure) + "”"
    steps, outcomes = [], []
    for facts in [required] + ([required + unsure] if unsure else []):
        for reading in readings:
            ok, sentence = _quorum_sentence(facts, matter, reading)
            labels = [reading.label] if reading.label else []
            if unsure:
                labels.append(("适用" if facts is not required else "不适用") + unsure_words)
            steps.append(f"按{'、'.join(labels)}：{sentence}")
            outcomes.append(ok)
    unclear = []
    if w:
        unclear.append(f"有 {w} 人回避，规则未规定回避成员是否计入应到会、实到人数")
    if unsure:
        unclear.append(f"规则未明确{matter['name']}是否适用{unsure_words}的到会要求")
    verdict = _conclude(outcomes)
    ending = {"yes": "各种算法结论相同：可以召开。", "no": "各种算法结论相同：不能召开。",
              "open": "各种算法结论不同，规则不能断定能否召开。"}[verdict]
    return _answer("convene", verdict, "；".join(unclear) + "，分别计算：" + ending, cites, steps)


def _quorum_sentence(facts, matter, reading: Scenario) -> tuple[bool, str]:
    e, p = reading.expected, reading.present
    binding = max(facts, key=lambda q: need(e, q["share"], q["bound"]))
    least = need(e, binding["share"], binding["bound"])
    subject = f"研究{matter['name']}事项" if binding["matters"] or binding["id"] in matter["unsure_quorum"] else "召开会议"
    sentence = f"应到会 {e} 人，实到 {p} 人；{subject}须有{binding['phrase']}的成员到会，即至少 {least} 人，"
    if p >= least:
        exact = f"（恰为{binding['words']}，“以上”含本数）" if binding["bound"] == "以上" and exactly(p, e, binding["share"]) else ""
        return True, sentence + f"已达到{exact}，可以召开。"
    return False, sentence + f"差 {least - p} 人，不能召开。"


def _refer(rules, body, matter, amount) -> dict[str, Any]:
    cites = list(matter["cites"])
    if not matter["reserved"]:
        return _answer("refer", "no", f"{matter['name']}不须提交室务会。", cites)
    cites += rules["reserved_by"]
    if matter["amount_undefined"]:
        return _answer("refer", "open", f"{matter['name']}须经室务会集体决策，但规则没有规定多少金额算“大额”，"
                                        "不能断定一个项目是否属于。", cites)
    if matter["threshold"] is not None:
        threshold = matter["threshold"] * 10000
        if amount < threshold:
            return _answer("refer", "no", f"金额 {wan(amount)} 万元，未达到“{matter['threshold']}万元及以上”，"
                                          f"不属于须提交室务会的{matter['name']}。", cites)
        exact = f"（恰为 {matter['threshold']} 万元，“及以上”含本数）" if amount == threshold else ""
        reason = f"金额 {wan(amount)} 万元，达到“{matter['threshold']}万元及以上”{exact}，属于须提交室务会的{matter['name']}。"
    else:
        reason = f"{matter['name']}属于须经室务会集体决策的事项。"
    if body["no_decisions"]:
        reason += f"{body['name']}只能酝酿，不得代替室务会会议作出决策。"
        cites.append(body["no_decisions"])
    return _answer("refer", "yes", reason, cites)


def _pass(body, matter, convene, e, w, numbers) -> dict[str, Any]:
    passing = body["passing"]
    if passing is None:
        if body["no_decisions"]:
            return _answer("pass", "none", f"{body['name']}以酝酿协商、沟通情况为主，不作决策，不表决。",
                           [body["no_decisions"]])
        return _answer("pass", "open", f"{body['name']}规则没有规定表决办法。", [])
    ayes, noes, defer = numbers["for"], numbers["against"], numbers["abstain"]
    if ayes + noes + defer == 0:
        return _answer("pass", "blank", "未填写表决票数。", [])
    clauses, outcomes = [], []
    for total in [e] if w == 0 else [e, e - w]:
        least = need(total, passing["share"], passing["bound"])
        share = (f"超过应到会 {total} 人的{passing['words']}" if passing["bound"] == "超过"
                 else f"达到应到会 {total} 人的{passing['words']}以上")
        clause = f"同意票须{share}，即至少 {least} 票，"
        if ayes >= least:
            clause += "通过。"
        elif passing["bound"] == "超过" and exactly(ayes, total, passing["share"]):
            clause += f"同意 {ayes} 票恰为{passing['words']}，“超过”不含本数，未通过。"
        else:
            clause += "未通过。"
        clauses.append(clause)
        outcomes.append(ayes >= least)
    votes = _conclude(outcomes)
    reason = f"同意 {ayes} 票，不同意 {noes} 票，缓议 {defer} 票。"
    steps = []
    if w:
        steps = [f"按回避成员计入应到会人数：{clauses[0]}", f"按回避成员不计入应到会人数：{clauses[1]}"]
        reason += f"有 {w} 人回避，规则未规定回避成员是否计入应到会人数，分别计算：" + {
            "yes": "结论相同：通过。", "no": "结论相同：未通过。", "open": "结论不同，规则不能断定是否通过。"}[votes]
    else:
        reason += clauses[0]
    cites = [passing["cite"]]
    if convene["verdict"] == "no":
        return _answer("pass", "no", "会议人数不足，不能召开，表决无效。另按票数计：" + reason, cites + convene["cites"], steps)
    if convene["verdict"] == "open" and votes != "no":
        return _answer("pass", "open", "能否召开规则未明确（见上），即使可以召开：" + reason, cites + convene["cites"], steps)
    return _answer("pass", votes, reason, cites, steps)


# ---------------------------------------------------------------- cases and text

def load_cases(root: Path) -> list[dict[str, Any]]:
    """The worked cases (decisions/cases.yaml): each a question and the verdicts the rules give."""
    path = root / CASES_FILE
    if not path.is_file():
        return []
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def cite_text(rules: dict[str, Any], cite_id: str) -> str:
    cite = rules["cites"][cite_id]
    return f"《{cite['doc']}》{cite['label']}：“{cite['quote']}”"


def cite_labels(rules: dict[str, Any], cite_ids: list[str]) -> str:
    """Articles named briefly, once each, grouped by document: 《甲》第九条、第十六条，《乙》二（二）."""
    by_doc: dict[str, list[str]] = {}
    for cite_id in cite_ids:
        cite = rules["cites"][cite_id]
        labels = by_doc.setdefault(cite["doc"], [])
        if cite["label"] not in labels:
            labels.append(cite["label"])
    return "，".join(f"《{doc}》" + "、".join(labels) for doc, labels in by_doc.items())


def answer_text(rules: dict[str, Any], result: dict[str, Any]) -> str:
    """The answers in Chinese, with the reasoning and the articles each rests on."""
    if "errors" in result:
        return "\n".join(f"错误：{e}" for e in result["errors"])
    lines = []
    for answer in result["answers"]:
        labels = cite_labels(rules, answer["cites"])
        lines.append(f"{QUESTION_NAMES[answer['question']]}：{answer['word']}")
        lines.append(f"  {answer['reason']}" + (f"（{labels}）" if labels else ""))
        lines += [f"    · {step}" for step in answer["steps"]]
        lines += [f"  依据 {cite_text(rules, c)}" for c in answer["cites"]]
    if result["notes"]:
        lines.append("相关规定：")
        lines += [f"  {n['topic']}：{cite_text(rules, n['cite'])}" for n in result["notes"]]
    return "\n".join(lines)


def find(items: list[dict[str, Any]], name: str, what: str) -> dict[str, Any]:
    """A body or matter by its id or (the start of) its Chinese name."""
    name = name.strip()
    for item in items:
        if name in (item["id"], item["name"]):
            return item
    matches = [i for i in items if i["name"].startswith(name) or name in i["name"]]
    if len(matches) == 1:
        return matches[0]
    choices = "、".join(i["name"] for i in items)
    raise LookupError(f"没有{what}「{name}」" + ("（不止一个相符）" if matches else "") + f"；可选：{choices}")
