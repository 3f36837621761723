"""The handbook page of a form: purpose, the rules requiring it, download, preview, field table.

Pages sit at the site root as form-<form-id>.md → form-<form-id>.html, next to the
document pages they link to; the blank DOCX is at downloads/<form-id>.docx.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .. import urls
from ..refs import Index, plain_text, refs_in
from . import layout as lay
from .model import FIELD_TYPE_NAMES, Form, FormColumn, FormField
from .preview import preview_html

def form_page_name(form_id: str) -> str:
    return urls.form_page(form_id)


def download_path(form_id: str) -> str:
    return urls.form_download(form_id)


def form_page_markdown(form: Form, index: Index | None = None) -> str:
    """The page's Markdown. With an index, references become links to the rules; without, plain words."""
    out = [f"# {_md_escape(form.title)}\n"]
    if form.note:
        out.append(f'<p class="form-note"><strong>编者注：</strong>{escape(form.note)}</p>\n')
    out.append(f'<p class="form-purpose">{escape(form.purpose)}</p>\n')
    out.append("## 制度依据\n")
    out.append(_references(form, index))
    out.append("## 下载与填写\n")
    out.append(f'<p class="form-download"><a href="{download_path(form.id)}" download>下载空白表（DOCX）</a>：'
               "用 Word 或 WPS 打开，点击灰色提示处填写，选项和日期可从下拉列表、日历中选取。</p>\n")
    out.append("## 表样\n")
    out.append(str(preview_html(lay.build(form))) + "\n")
    out.append("## 栏目说明\n")
    out.append(str(field_table(form)) + "\n")
    if form.corrections:
        out.append("## 勘误说明\n")
        items = "".join(f"<li>“{escape(c.original)}”更正为“{escape(c.corrected)}”：{escape(c.reason)}</li>"
                        for c in form.corrections)
        out.append(f'<ul class="form-corrections">{items}</ul>\n')
    return "\n".join(out)


def _md_escape(text: str) -> str:
    from ..render.pages import md_escape

    return md_escape(text)


def _references(form: Form, index: Index | None) -> str:
    items = [Markup("<li>要求使用本表的制度：{}</li>").format(_link(text, index)) for text in form.required_by]
    entry = refs_in(form.document or "")
    # (an entry merged into this page, see sources.form_entry_pages, would be a link to the page itself)
    if entry and not (index and index.page_of(entry[0].target) == form_page_name(form.id)):
        items.append(Markup("<li>汇编中的本表：{}</li>").format(_link(form.document, index)))
    return str(Markup('<ul class="form-rules">') + Markup("").join(items) + Markup("</ul>")) + "\n"


def _link(text: str, index: Index | None) -> Markup:
    if index is None:
        return escape(plain_text(text))
    from ..render.pages import PageContext

    return PageContext(index, "").html(text)


def field_table(form: Form) -> Markup:
    rows = []
    for field in form.fields:
        rows.append(_field_row(field.label, field.id, _type_words(field), field.required, field.help))
        for column in field.columns or []:
            rows.append(_field_row(f"{field.label} › {column.label}", f"{field.id}.N.{column.id}",
                                   _type_words(column), column.required, column.help))
        if field.type in ("daterange", "signature"):
            rows.append(_subfield_row(field))
    head = "<thead><tr><th>栏目</th><th>标识</th><th>类型</th><th>必填</th><th>说明</th></tr></thead>"
    # the table itself has no class, so the theme styles it like every other table
    return (Markup(f'<div class="form-fields"><table>{head}<tbody>') + Markup("").join(rows)
            + Markup("</tbody></table></div>"))


def _field_row(label: str, ident: str, kind: str, required: bool, help_text: str) -> Markup:
    return Markup("<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>").format(
        label, ident, kind, "是" if required else "", help_text)


def _subfield_row(field: FormField) -> Markup:
    if field.type == "daterange":
        keys = ["start（起日）", "end（止日）"] + (["days（天数，可省略，默认按日历天数计算）"] if field.count_days else [])
    else:
        keys = (["opinion（意见）"] if field.opinion else []) + ["signer（签字）", "date（日期）"]
    return Markup('<tr class="form-subfields"><td></td><td colspan="4">分项：{}；CSV 表头写 <code>{}.分项</code></td></tr>').format(
        "、".join(keys), field.id)


def _type_words(spec: FormField | FormColumn) -> str:
    words = FIELD_TYPE_NAMES[spec.type]
    if spec.options:
        words += "：" + "／".join(spec.options)
    if spec.type == "number":
        bounds = [f"≥{spec.min:g}" if spec.min is not None else "", f"≤{spec.max:g}" if spec.max is not None else ""]
        words += "（" + "，".join(b for b in bounds if b) + "）" if any(bounds) else ""
    if spec.type == "date":
        words += "（2019-10-21 或 2019年10月21日）"
    if spec.type == "time":
        words += "（如 9:00）"
    return words


def form_links(forms: list[Form]) -> dict[tuple[str, str | None], list[Form]]:
    """Which forms each rule asks for: (doc id, key or None) → forms, so rule pages can link back."""
    links: dict[tuple[str, str | None], list[Form]] = {}
    for form in forms:
        texts = list(form.required_by) + ([form.document] if form.document else [])
        for text in texts:
            for ref in refs_in(text):
                doc_id, _, key = ref.target.partition("#")
                links.setdefault((doc_id, key or None), []).append(form)
    return links
