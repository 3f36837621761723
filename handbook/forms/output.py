"""Write filled and blank forms to disk: file names, atomic writes, the batch loop."""

from __future__ import annotations

import re
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import jinja2

from ..errors import HandbookError, Problem, display_path
from ..files import WINDOWS_DEVICE_NAMES, write_atomic
from ..paths import ROOT
from .data import check_record
from .definitions import LoadedForm, load_forms_or_raise
from .model import Form
from .records import problem_for, read_records
from .render import BLANK, HANDWRITTEN, Renderer, display
from .templates import template_path

_PATTERN_SLOT = re.compile(r"\{([a-z][a-z0-9_]*)(?::0(\d)d)?\}")
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
MAX_NAME_CHARS = 80


class UnknownForm(LookupError):
    """No form has the id asked for; the message (Chinese) lists those that exist."""


def find_form(root: Path, form_id: str) -> LoadedForm:
    forms = load_forms_or_raise(root)
    for loaded in forms:
        if loaded.form.id == form_id:
            return loaded
    raise UnknownForm(f"没有表格「{form_id}」；可用：{'、'.join(f.form.id for f in forms)}")


def renderer_for(root: Path, form: Form) -> Renderer:
    """The form's template, prepared and tried once on the blank form, so a broken template fails here."""
    path = template_path(root, form.id)
    shown = display_path(path, root)
    if not path.is_file():
        raise HandbookError([Problem(shown, 1, 1, "缺少表格模板", hint="运行 python3 -m handbook.forms.templates 生成")])
    try:
        renderer = Renderer(form, path)
        renderer.render(None)
    except jinja2.TemplateError as error:
        raise HandbookError([Problem(shown, 1, 1, f"表格模板中的模板标记有误：{error.message}",
                                     hint="模板变量只能是本表的字段标识；可重新生成模板")]) from error
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError) as error:
        raise HandbookError([Problem(shown, 1, 1, f"表格模板不是有效的 Word 文档（{error}）",
                                     hint="用 Word/WPS 另存为 .docx，或运行 python3 -m handbook.forms.templates 重新生成")]) from error
    return renderer


def blank_file_name(form_id: str, blank: str = BLANK) -> str:
    """The download's name: <form-id>.docx to fill in Word/WPS, <form-id>-print.docx to write by hand."""
    return f"{form_id}.docx" if blank == BLANK else f"{form_id}-print.docx"


def write_blank_forms(out_dir: Path, root: Path = ROOT, forms: list[LoadedForm] | None = None) -> list[Path]:
    """Both blanks of `forms` (default: every form in root/forms): out_dir/<form-id>.docx with content
    controls and out_dir/<form-id>-print.docx with empty cells (the one the printed compendium embeds)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for loaded in load_forms_or_raise(root) if forms is None else forms:
        renderer = renderer_for(root, loaded.form)
        for blank in (BLANK, HANDWRITTEN):
            path = out_dir / blank_file_name(loaded.form.id, blank)
            write_atomic(path, renderer.render(None, blank))
            written.append(path)
    return written


def handwritten_blank(form: Form, root: Path = ROOT) -> bytes:
    """The blank to print and write by hand: the form's cells empty, no content controls, no placeholder."""
    return renderer_for(root, form).render(None, HANDWRITTEN)


def check_pattern(form: Form, pattern: str) -> str | None:
    """Why a file-name pattern cannot be used, or None."""
    scalars = {f.id for f in form.fields if not f.is_compound}
    for name in _PATTERN_SLOT.findall(pattern):
        if name[0] != "n" and name[0] not in scalars:
            return f"文件名模式中的「{{{name[0]}}}」不是本表的单值字段；可用：n、{'、'.join(sorted(scalars))}"
    leftover = _PATTERN_SLOT.sub("", pattern)
    if "{" in leftover or "}" in leftover:
        return "文件名模式只能含 {n}、{n:04d} 或 {字段标识}"
    return None


def without_format_characters(text: str) -> str:
    """text without invisible format characters (Unicode Cf: U+202E and the other bidi controls,
    zero-width spaces and joiners), which can make 「会议\u202egnp.exe.docx」 look like a PNG."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def file_name(pattern: str, number: int, values: dict[str, Any]) -> str:
    """The pattern filled in for one record, safe as a single file name."""
    def slot(match: re.Match) -> str:
        name, width = match.groups()
        if name == "n":
            return str(number).zfill(int(width or 0))
        return display(values.get(name)) or ""

    name = _UNSAFE_NAME.sub("_", without_format_characters(_PATTERN_SLOT.sub(slot, pattern))).strip(" .")
    name = re.sub(r"\s+", " ", name)[:MAX_NAME_CHARS].strip(" .") or str(number)
    if name.lower().split(".")[0] in WINDOWS_DEVICE_NAMES:
        name = f"_{name}"
    return name + ".docx"


@dataclass
class BatchResult:
    total: int = 0
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    bad_records: int = 0
    seconds: float = 0.0


def fill_batch(root: Path, form: Form, data: Path, out_dir: Path, pattern: str | None = None,
               progress: Callable[[int, int], None] | None = None, sheet: str | None = None) -> BatchResult:
    """One DOCX per record in data; bad records are reported and skipped, the others written.

    One process: on this machine a second one made batches slower, not faster (the
    renderer is CPU-light and every document is a file to create; see benchmarks/RESULTS.md).
    """
    started = time.perf_counter()
    pattern = pattern or form.file_name
    result = BatchResult()
    records = read_records(data, form, sheet)
    result.problems += records.problems
    result.bad_records += records.rejected
    result.total = len(records.entries) + records.rejected
    if not records.entries:
        return result
    renderer = renderer_for(root, form)
    out_dir.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    several = len(records.entries) > 1 or records.rejected > 0
    for done, entry in enumerate(records.entries, start=1):
        values, errors = check_record(form, entry.data)
        if errors:
            result.bad_records += 1
            result.problems += [problem_for(data, entry, e, form, several) for e in errors]
        else:
            path = out_dir / _unique(file_name(pattern, entry.number, values), used)
            write_atomic(path, renderer.render(values))
            result.written.append(path)
        if progress:
            progress(done, len(records.entries))
    result.seconds = time.perf_counter() - started
    return result


def _unique(name: str, used: set[str]) -> str:
    stem, suffix = name[:-5], ".docx"
    candidate, k = name, 1
    while candidate.lower() in used:
        k += 1
        candidate = f"{stem}-{k}{suffix}"
    used.add(candidate.lower())
    return candidate


def fill_one(root: Path, form: Form, data: Path | None, out: Path, blank: str = BLANK,
             sheet: str | None = None) -> list[Problem]:
    """One DOCX from a file holding exactly one record (or the blank form `blank` when data is None)."""
    renderer = renderer_for(root, form)
    if data is None:
        values = None
    else:
        records = read_records(data, form, sheet)
        if records.problems:
            return records.problems
        if len(records.entries) != 1:
            return [Problem(str(data), 1, 1, f"-o 只生成一份，数据文件应只有一条记录（现有 {len(records.entries)} 条）",
                            hint="多条记录请用 --out-dir 目录")]
        entry = records.entries[0]
        values, errors = check_record(form, entry.data)
        if errors:
            return [problem_for(data, entry, e, form, False) for e in errors]
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, renderer.render(values, blank))
    return []

