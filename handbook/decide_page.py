"""The 「议事决策自查」 page: the form, the rules as JSON for assets/javascripts/decide.js, and the worked cases."""

from __future__ import annotations

import json
from typing import Any

from . import urls
from .decide import QUESTION_NAMES, load_cases, rules_data

PAGE = urls.DECIDE
PAGE_TITLE = "议事决策自查"


def page_markdown(handbook, env) -> str | None:
    """The Markdown of the 「议事决策自查」 page, or None when the edition holds no decision rules."""
    rules = rules_data(handbook.structures, handbook.index)
    if not rules["bodies"] or not rules["matters"]:
        return None
    bodies = {b["id"]: b for b in rules["bodies"]}
    matters = {m["id"]: m for m in rules["matters"]}
    cases = [c for c in load_cases(handbook.root) if c.get("body") in bodies and c.get("matter") in matters]
    groups: dict[str, list[dict[str, Any]]] = {}
    for matter in rules["matters"]:
        groups.setdefault(matter["group"] or "其他", []).append(matter)

    def script_json(data) -> str:  # inside <script>: no "</script>" can close it early
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")

    return env.get_template("decide.md.j2").render(
        rules=rules, groups=groups, bodies=bodies, matters=matters, cases=cases,
        rules_json=script_json(rules), cases_json=script_json(cases), questions=QUESTION_NAMES)


def has_page(handbook) -> bool:
    rules = rules_data(handbook.structures, handbook.index)
    return bool(rules["bodies"] and rules["matters"])
