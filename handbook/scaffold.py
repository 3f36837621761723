"""`python3 build.py new <kind> <id>`: a new regulation file with the right shape and comments.

The comments on the header fields are the model's own field descriptions, and the
result is validated with the same model before it is written, so a scaffold
always passes `check`.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from . import model
from .errors import HandbookError, Problem, display_path
from .forms.definitions import form_files
from .kinds import BY_NAME, TABLE
from .load import parse_yaml, validate
from .schema import SCHEMA_FILES

PLACEHOLDER_TITLE = "请在此填写文件全称"


def available_kinds() -> list[str]:
    """Document kinds a starter body exists for (templates/new/<kind>.yaml)."""
    return [kind.name for kind in TABLE if kind.starter.is_file()]


def starter_body(kind: str, forms: list[str]) -> str:
    body = BY_NAME[kind].starter.read_text(encoding="utf-8")
    return body.replace("{{form}}", forms[0]).replace("{{forms}}", "、".join(forms)) if forms else body


def _scalar(value: object) -> str:
    """value as a YAML scalar, quoted only when it needs to be."""
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000).removesuffix("\n...\n").strip()


def _described(name: str, value: object, cls: type = model.DocumentBase) -> str:
    description = cls.model_fields[name].description
    return f"{name}: {_scalar(value)}" + (f"    # {description}" if description else "")


def scaffold_text(kind: str, doc_id: str, title: str, issuer: str, category: str, categories: list[str],
                  seq: int | None, forms: list[str] = ()) -> str:
    status = "待录入" if kind == "pending" else "现行"
    lines = [
        f"# yaml-language-server: $schema=../{SCHEMA_FILES[0].path}",
        f"# 由 python3 build.py new {kind} {doc_id} 生成。以 # 开头的是说明，可以删除。",
        _described("id", doc_id),
        f"kind: {kind}",
        _described("title", title),
        _described("issuer", issuer),
        _described("category", category) + (f"；可选：{'、'.join(categories)}" if categories else ""),
    ]
    if seq is not None:
        lines.append(_described("seq", seq))
    lines.append(_described("status", status))
    body = starter_body(kind, list(forms) if kind == "form" else [])
    return "\n".join(lines) + "\n" + body


def _compendium(root: Path) -> model.Compendium:
    from .sources import load_compendium

    _, compendium, problems = load_compendium(root)
    if compendium is None:
        raise HandbookError(problems)
    return compendium


def _next_seq(root: Path) -> int:
    from .sources import load_documents

    loaded, _ = load_documents(root)
    return max((doc.seq for _, doc in loaded if doc.seq is not None), default=0) + 1


def create(root: Path, kind: str, doc_id: str, title: str | None = None, category: str | None = None) -> Path:
    """Write regulations/<id>.yaml for a new document; raises HandbookError when it cannot."""
    path = root / "regulations" / f"{doc_id}.yaml"
    shown = display_path(path, root)
    if kind not in available_kinds():
        raise HandbookError([Problem(shown, 1, 1, f"不支持的文件类型「{kind}」，可选：{'、'.join(available_kinds())}")])
    if path.exists():
        raise HandbookError([Problem(shown, 1, 1, "文件已存在，不会覆盖", hint="换一个 id，或直接编辑这个文件")])
    compendium = _compendium(root)
    names = [c.name for c in compendium.categories]
    if category is not None and category not in names:
        raise HandbookError([Problem(shown, 1, 1, f"类别「{category}」不在汇编的类别中", hint="可选：" + "、".join(names))])
    forms = [p.stem for p in form_files(root)]
    if kind == "form" and not forms:
        raise HandbookError([Problem(shown, 1, 1, "还没有任何表格，无法新建表格类文件", hint="先在 forms/ 中定义表格")])
    text = scaffold_text(kind, doc_id, title or PLACEHOLDER_TITLE, compendium.issuer, category or names[0], names,
                         _next_seq(root), forms)
    source, problems = parse_yaml(path, root, text=text)
    if not problems:
        _, problems = validate(source, model.DOCUMENT)
    if problems:
        raise HandbookError(problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
