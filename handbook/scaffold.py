"""`python3 build.py new <kind> <id>`: a new regulation file with the right shape and comments.

The comments on the header fields are the model's own field descriptions, and the
result is validated with the same model before it is written, so a scaffold
always passes `check`.
"""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import yaml

from . import model
from .errors import HandbookError, Problem, display_path
from .forms.definitions import form_files
from .load import parse_yaml, validate
from .schema import SCHEMA_FILES

PLACEHOLDER_TITLE = "请在此填写文件全称"

BODIES = {
    "rules": """\
# 章、条的编号（第一章、第一条……）由系统按顺序生成，正文中不要再写。
chapters:
  - title: 总则
    articles:
      - 为……，根据……，结合实际，制定本规则。    # 只有一段文字的条，直接写文字
      - key: scope                                 # 给条起一个键，别处写 [[scope]] 即引用本条
        text: 本规则适用于……。
  - title: 附则
    articles:
      - text: 本规则所称……，包括：                 # 带项的条：项显示为（一）（二）……
        items:
          - ……；
          - ……。
      - clauses:                                   # 一条有几段（款）时逐段列出
          - ……。
          - 依照[[scope]]办理。
      - 本规则自印发之日起施行。
""",
    "outline": """\
# 一、（一）1.（1）的编号由系统按层次生成，正文中不要再写。
preamble:
  - 为……，制定本制度。
body:
  - title: 总体要求                               # 显示为“一、总体要求”
    items:
      - ……。                                      # 显示为“（一）……。”
  - title: 工作程序
    items:
      - p: 不编号的段落写在 p 中。
      - title: 签收。                             # 编号后的小标题，其后接正文
        text: ……。
""",
    "duties": """\
# 1.（1）①的编号由系统按层次生成，正文中不要再写。
body:
  - 负责……。                                     # 显示为“1.负责……。”
  - text: 负责……，主要包括：
    items:
      - ……；                                     # 显示为“（1）……；”
      - ……。
""",
    "pending": """\
# source_page: 12    # 2019 年版汇编中的页码（有则去掉开头的 # 并填写）
# note: 编者注，显示在页首
""",
    "form": """\
# 表格的栏目定义在 forms/<表格id>.yaml 中；这里写明汇编中的这一篇是哪一张表格。
form: {form}    # 表格标识，即 forms/ 中表格文件的 id；可选：{forms}
""",
    "flow": """\
# 框（nodes）按办理顺序列出；箭头（edges）写明从哪个框到哪个框。
nodes:
  - id: start
    label: 开始
    kind: start
  - id: step-1
    label: 第一步
  - id: end
    label: 结束
    kind: end
edges:
  - from: start
    to: step-1
  - from: step-1
    to: end
""",
}


def available_kinds() -> list[str]:
    """Document kinds the model accepts and a body skeleton exists for."""
    kinds = []
    for cls in get_args(get_args(model.Document)[0]):
        kinds += [k for k in get_args(cls.model_fields["kind"].annotation) if k in BODIES]
    return kinds


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
    body = BODIES[kind].format(form=forms[0], forms="、".join(forms)) if kind == "form" else BODIES[kind]
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
