"""What the form page's fill-in form runs on: the form's definition, its checks and its blank, as data.

Each form gets assets/forms/<form-id>.js, a script (so it loads from file:// as well as
over http) that registers the definition, the controls of the blank (tag, placeholder,
what an empty value prints), the patterns, words and Chinese messages of data.py and
the blank DOCX itself. assets/forms/form-fill.js is the one program that reads them:
it builds the HTML form, checks a record the way check_record() does, and fills the
blank's content controls by tag the way the Python filler does (a test fills the same
records both ways and compares the documents).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from .. import urls
from . import data, layout
from .model import MAX_ROWS, MAX_VALUE_CHARS, Form

FILL_JS = Path(__file__).with_name("form-fill.js")
_FIELD_KEYS = ("id", "label", "type", "required", "options", "min", "max", "decimals", "max_length", "unit",
               "count_days", "not_before", "required_if", "text", "opinion", "lines", "min_rows", "max_rows",
               "label_row", "help", "width")
_COLUMN_KEYS = ("id", "label", "type", "required", "options", "min", "max", "decimals", "max_length", "help")


def _pick(model: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: getattr(model, k) for k in keys if getattr(model, k, None) is not None}


def form_spec(form: Form, blank_docx: bytes) -> dict[str, Any]:
    fields = []
    for field in form.fields:
        item = _pick(field, _FIELD_KEYS)
        if field.columns:
            item["columns"] = [_pick(c, _COLUMN_KEYS) for c in field.columns]
        fields.append(item)
    controls = {c.tag: {"kind": c.kind, "label": c.alias, "placeholder": c.placeholder, "empty": c.empty,
                     "guide": c.guide}
                for c in layout.build(form).controls()}
    return {
        "id": form.id, "title": form.title, "fields": fields, "controls": controls,
        "sections": [{"title": s.title, "note": s.note, "fields": [f.id for f in s.fields]} for s in form.sections],
        "blank_rows": layout.BLANK_TABLE_ROWS, "max_rows": MAX_ROWS, "max_value_chars": MAX_VALUE_CHARS,
        "checked": layout.CHECKED, "unchecked": layout.UNCHECKED,
        "patterns": data.PATTERNS, "messages": data.MESSAGES, "sub_labels": data.SUB_LABELS,
        "true_words": data.TRUE_WORDS, "false_words": data.FALSE_WORDS, "short_chars": data.SHORT_CHARS,
        "blank": base64.b64encode(blank_docx).decode("ascii"),
    }


def spec_script(form: Form, blank_docx: bytes) -> str:
    payload = json.dumps(form_spec(form, blank_docx), ensure_ascii=True, separators=(",", ":"))
    # ensure_ascii and escaping "<" keep the payload inert inside a script
    payload = payload.replace("<", "\\u003c")
    return f"(window.HANDBOOK_FORMS = window.HANDBOOK_FORMS || {{}})[{json.dumps(form.id)}] = {payload};\n"


def fill_script() -> str:
    return FILL_JS.read_text(encoding="utf-8")


def browser_files(forms: list, root: Path) -> dict[str, str]:
    """assets/forms/<form-id>.js for each loaded form and assets/forms/form-fill.js."""
    from .output import renderer_for

    files = {urls.FORM_FILL_SCRIPT: fill_script()} if forms else {}
    for loaded in forms:
        blank = renderer_for(root, loaded.form).render(None)
        files[urls.form_script(loaded.form.id)] = spec_script(loaded.form, blank)
    return files
