"""The handbook page of a form, for staff: purpose, the rules requiring it, who signs, the fill-in
form (下载 Word / 打印), both blanks, the preview; and the editor guide's section on forms
(field ids, fill commands), which staff pages do not show.

Pages sit at the site root as form-<form-id>.md → form-<form-id>.html, next to the
document pages they link to; the blanks are downloads/<form-id>.docx (Word/WPS) and
downloads/<form-id>-print.docx (to write by hand), the fill-in form's scripts assets/forms/.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .. import urls
from ..forms import layout as lay
from ..forms.model import FIELD_TYPE_NAMES, Form, FormColumn, FormField
from ..forms.preview import preview_html
from ..refs import Index, plain_text, refs_in
from .pages import PageContext, md_escape

def form_page_markdown(form: Form, index: Index | None = None) -> str:
    """The page staff use: what the form is for, who signs it, the rules it serves, fill in / download / print.

    With an index, references become links to the rules; without, plain words. Field ids and
    commands are for editors: they are in the editor guide (forms_guide_markdown)."""
    out = [f"# {_md_escape(form.title)}\n"]
    if form.note:
        out.append(f'<p class="form-note"><strong>编者注：</strong>{escape(form.note)}</p>\n')
    out.append(f'<p class="form-purpose">{escape(form.purpose)}</p>\n')
    out.append(_facts(form, index))
    out.append("## 在网页上填写\n")
    out.append('<div class="form-fill" data-form="{}"><p class="form-fill-intro">在下面逐项填写，'
               "带“*”的为必填项。填好后点「下载 Word」得到填好的 Word 文档，或点「打印」按正式表样打印。"
               "所填内容只留在本机浏览器中，不会发送到任何地方。</p>"
               '<noscript><p>在网页上填写需要浏览器允许运行脚本；也可下载下面的空白表填写。</p></noscript></div>\n'
               .format(escape(form.id)))
    out.append(f'<script src="{urls.form_script(form.id)}"></script>\n')
    out.append(f'<script src="{urls.FORM_FILL_SCRIPT}"></script>\n')
    out.append("## 空白表\n")
    out.append(f'<ul class="form-download"><li><a href="{urls.form_download(form.id)}" download>空白表（在 Word/WPS 中填写）</a>：'
               "用 Word 或 WPS 打开，点击灰色提示处填写，选项和日期可从下拉列表、日历中选取；"
               "多行表格可在行末点“+”添加一行。</li>"
               f'<li><a href="{urls.form_print_download(form.id)}" download>空白表（打印后手写）</a>：'
               "各栏留空，直接打印后用笔填写。</li></ul>\n")
    out.append("## 表样\n")
    out.append(str(preview_html(lay.build(form))) + "\n")
    if form.corrections:
        out.append("## 勘误说明\n")
        items = "".join(f"<li>“{escape(c.original)}”更正为“{escape(c.corrected)}”：{escape(c.reason)}</li>"
                        for c in form.corrections)
        out.append(f'<ul class="form-corrections">{items}</ul>\n')
    return "\n".join(out)


def _facts(form: Form, index: Index | None) -> str:
    """依据 (the rules that require the form, linked), 签字 (who signs), and the compendium's copy."""
    rules = Markup("、").join(_link(text, index) for text in form.required_by)
    items = [Markup('<li><strong>依据：</strong>{}</li>').format(rules)]
    signers = [f.label for f in form.fields if f.type == "signature"]
    if signers:
        items.append(Markup('<li><strong>签字：</strong>{}（打印后由本人手签）</li>').format("、".join(signers)))
    entry = refs_in(form.document or "")
    # (an entry merged into this page, see urls.form_entry_pages, would be a link to the page itself)
    if entry and not (index and index.page_of(entry[0].target) == urls.form_page(form.id)):
        items.append(Markup("<li><strong>汇编中的本表：</strong>{}</li>").format(_link(form.document, index)))
    return str(Markup('<ul class="form-rules">') + Markup("").join(items) + Markup("</ul>")) + "\n"


def forms_guide_markdown(forms: list[Form]) -> str:
    """The editor guide's section on forms: the fill commands, and each form's fields with their ids."""
    out = ["## 表格的批量填写 { #forms }\n",
           "由数据文件生成已填好的表（YAML、CSV 或 Excel，表头用下表中的“标识”；多行表格的列写作 标识.行号.列标识）：\n",
           "| 命令 | 作用 |", "|---|---|"]
    for command, purpose in (
            ("python3 build.py fill 表格 --example", "输出完整的示例数据（YAML，每栏有说明）"),
            ("python3 build.py fill 表格 --example-csv", "输出 CSV 表头和一行示例"),
            ("python3 build.py fill 表格 --example-xlsx -o 名单.xlsx", "生成 Excel 模板：表头、一行示例，选项栏带下拉列表，文字栏设为文本格式"),
            ("python3 build.py fill 表格 --data 数据.yaml -o 表.docx", "由一条记录生成一份"),
            ("python3 build.py fill 表格 --data 名单.xlsx --out-dir 输出目录", "每行生成一份（Excel 读第一个工作表，--sheet 可指定；CSV 同样）"),
            ("python3 build.py fill 表格 --blank -o 空白.docx", "空白表，带 Word 内容控件"),
            ("python3 build.py fill 表格 --blank-print -o 空白.docx", "空白表，打印后手写（无控件、无提示文字）")):
        out.append(f"| `{command}` | {purpose} |")
    out.append("")
    out.append("Excel 中编号、电话等文字栏请设为“文本”格式（模板已设好）：数字格式的单元格按其显示的文字读取，"
               "Excel 已无法还原原样文字时（超过 15 位的数字、被当成日期的文字）会报出工作表、行和列。\n")
    for form in forms:
        out.append(f"### {_md_escape(form.title)}（{form.id}） {{ #form-{form.id} }}\n")
        out.append(str(field_table(form)) + "\n")
    return "\n".join(out)


def _md_escape(text: str) -> str:

    return md_escape(text)


def _link(text: str, index: Index | None) -> Markup:
    if index is None:
        return escape(plain_text(text))

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
