"""The blank form as an HTML table, from the same layout the DOCX template is written from."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup, escape

from . import layout as lay

CSS_FILE = Path(__file__).with_name("preview.css")
_KIND_HINT = {"text": "填写文字", "richtext": "填写文字（可多行）", "dropdown": "下拉选择", "date": "日期选择",
              "checkbox": "勾选"}


def preview_html(layout: lay.Layout) -> Markup:
    """One block of HTML (no blank lines, so Markdown passes it through untouched)."""
    parts = [_block(b) for b in layout.blocks]
    label = escape(f"{layout.form.title}（空白表样）")
    return Markup(f'<div class="form-preview" role="figure" aria-label="{label}">') + Markup("").join(parts) + Markup("</div>")


def _block(block: lay.Paragraph | lay.Table) -> Markup:
    if isinstance(block, lay.Table):
        return _table(block)
    return Markup(f'<p class="fp-{block.style} fp-{block.align}">') + _inline(block) + Markup("</p>")


def _table(table: lay.Table) -> Markup:
    cols = Markup("").join(Markup('<col style="width:{:.4f}%">').format(100 / lay.GRID) for _ in range(lay.GRID))
    rows = []
    for row in table.rows:
        copies = 1
        if row.loop is not None:
            copies = row.loop.min_rows if row.loop.min_rows is not None else lay.BLANK_TABLE_ROWS
        rows += [_row(row)] * copies  # the page's fill-in form fills these (data-loop, data-tag) to print
    return Markup(f'<table class="fp-table"><colgroup>{cols}</colgroup><tbody>') + Markup("").join(rows) + Markup("</tbody></table>")


def _row(row: lay.Row) -> Markup:
    cells = []
    for cell in row.cells:
        tag = "th" if cell.role in ("label", "header", "section") else "td"
        inner = Markup("").join(Markup(f'<span class="fp-line fp-{p.align}">') + _inline(p) + Markup("</span>")
                                for p in cell.paragraphs)
        cells.append(Markup(f'<{tag} colspan="{cell.span}" class="fp-{cell.role}">') + inner + Markup(f"</{tag}>"))
    start = Markup('<tr data-loop="{}">').format(row.loop.id) if row.loop is not None else Markup("<tr>")
    return start + Markup("").join(cells) + Markup("</tr>")


def _inline(paragraph: lay.Paragraph) -> Markup:
    out = []
    for part in paragraph.parts:
        if isinstance(part, lay.Text):
            out.append(escape(part.text))
            continue
        hint = _KIND_HINT[part.kind] + (f"：{'／'.join(part.options)}" if part.options else "")
        text = part.placeholder + (" ▾" if part.kind == "dropdown" else "")
        out.append(Markup('<span class="fp-control fp-{}" data-tag="{}" title="{}：{}">{}</span>').format(
            part.kind, part.tag, part.alias, hint, text))
    return Markup("").join(out)


def preview_css() -> str:
    return CSS_FILE.read_text(encoding="utf-8")
