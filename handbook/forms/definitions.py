"""Load forms/<form-id>.yaml with positions, check what the schema alone cannot."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import HandbookError, Problem
from ..load import Source, parse_yaml, validate
from ..refs import Index, refs_in
from ..validate import file_name_problems, unresolved
from .model import FORM, Form, FormField

FORMS_DIR = "forms"


@dataclass
class LoadedForm:
    form: Form
    source: Source

    def field_loc(self, field_id: str) -> tuple:
        """Where a field is defined in the YAML, as a data path."""
        for s, section in enumerate(self.form.sections):
            for f, field in enumerate(section.fields):
                if field.id == field_id:
                    return ("sections", s, "fields", f)
        return ()


def document_id(form: Form) -> str | None:
    """The id of the compendium entry that is this form (its `document` reference), e.g. for the printed compendium."""
    refs = refs_in(form.document or "")
    return refs[0].target.partition("#")[0] if refs else None


def form_files(root: Path) -> list[Path]:
    folder = root / FORMS_DIR
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith((".", "_")))


def load_form(path: Path, root: Path | None = None) -> tuple[LoadedForm | None, list[Problem]]:
    source, problems = parse_yaml(path, root)
    if problems:
        return None, problems
    form, problems = validate(source, FORM)
    if problems:
        return None, problems
    loaded = LoadedForm(form, source)
    problems = _file_name(loaded) + _cross_field(loaded)
    if problems:
        return None, problems
    return loaded, example_problems(loaded)


def load_forms(root: Path) -> tuple[list[LoadedForm], list[Problem]]:
    """Every form in forms/, in file-name order, and every problem found."""
    loaded: list[LoadedForm] = []
    problems: list[Problem] = []
    for path in form_files(root):
        form, found = load_form(path, root)
        problems += found
        if form is not None:
            loaded.append(form)
    return loaded, problems


def load_forms_or_raise(root: Path) -> list[LoadedForm]:
    loaded, problems = load_forms(root)
    if any(p.severity == "error" for p in problems):
        raise HandbookError(problems)
    return loaded


def _file_name(loaded: LoadedForm) -> list[Problem]:
    return file_name_problems(loaded.source, loaded.form.id, hint=f"把文件改名为 {loaded.form.id}.yaml")


def _cross_field(loaded: LoadedForm) -> list[Problem]:
    """Field ids are unique; not_before and required_if name a field of the right type."""
    problems = []
    by_id: dict[str, FormField] = {}
    for field in loaded.form.fields:
        if field.id in by_id:
            problems.append(loaded.source.problem(_last_loc(loaded, field.id) + ("id",), f"字段标识「{field.id}」重复"))
        by_id.setdefault(field.id, field)
    for field in loaded.form.fields:
        loc = loaded.field_loc(field.id)
        if field.not_before:
            target_id, _, part = field.not_before.partition(".")
            target = by_id.get(target_id)
            if target is None or target.type not in ("date", "daterange") or bool(part) != (target.type == "daterange"):
                problems.append(loaded.source.problem(loc + ("not_before",), f"not_before「{field.not_before}」应指向日期字段",
                                                      hint="日期写字段标识，起止日期写 标识.start 或 标识.end"))
        if field.required_if and getattr(by_id.get(field.required_if), "type", None) != "checkbox":
            problems.append(loaded.source.problem(loc + ("required_if",),
                                                  f"required_if「{field.required_if}」应指向勾选框（checkbox）字段"))
    return problems


def _last_loc(loaded: LoadedForm, field_id: str) -> tuple:
    locs = [("sections", s, "fields", f) for s, section in enumerate(loaded.form.sections)
            for f, field in enumerate(section.fields) if field.id == field_id]
    return locs[-1]


def example_problems(loaded: LoadedForm) -> list[Problem]:
    """Each field's example must itself be valid data for the form."""
    from .data import check_record, example_record

    _, errors = check_record(loaded.form, example_record(loaded.form))
    problems = []
    for error in errors:
        loc = loaded.field_loc(str(error.path[0])) + ("example",) + error.path[1:] if error.path else ()
        problems.append(loaded.source.problem(loc, f"示例值有误：{error.describe(loaded.form)}"))
    return problems


def reference_problems(loaded: list[LoadedForm], index: Index) -> list[Problem]:
    """References to rules (document, required_by) that do not resolve."""
    problems = []
    for item in loaded:
        refs = [(("document",), item.form.document)] if item.form.document else []
        refs += [(("required_by", i), text) for i, text in enumerate(item.form.required_by)]
        for loc, text in refs:
            problems += unresolved(index, item.source, loc, text, "")
    return problems
