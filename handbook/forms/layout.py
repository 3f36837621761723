"""The printed layout of a form, derived from its definition.

One layout feeds both renderings: the DOCX template (templates.py) and the HTML
preview on the handbook page (preview.py), so the two cannot drift apart. The
table sits on a grid of GRID equal columns; a label takes LABEL_SPAN of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Form, FormColumn, FormField, FormSection

GRID = 24
LABEL_SPAN = 4
HALF_VALUE_SPAN = GRID // 2 - LABEL_SPAN
FULL_VALUE_SPAN = GRID - LABEL_SPAN
ROW_HEIGHT = 425  # twips: 7.5 mm, room for a handwritten entry (the meeting notice and its 回执 fit one page)
TABLE_ROW_HEIGHT = 425  # 7.5 mm
SIGNER_PLACEHOLDER = "　　　　"  # a signature is handwritten: the blank form shows a space to sign in
DATE_PLACEHOLDER = "　　年　月　日"
BLANK_NUMBER = "　　"  # a count before its unit: 共＿天
CHECKED, UNCHECKED = "☒", "☐"
LOOP_VARIABLE = "row"
BLANK_TABLE_ROWS = 3


@dataclass(frozen=True)
class Control:
    """One Word content control: where its value comes from and how it is picked."""

    tag: str  # field path: unit, period.start, documents.title
    alias: str  # the name Word shows on the control
    kind: str  # text | richtext | dropdown | date | checkbox
    expr: str  # Jinja expression of the value: unit, period.start, row.title
    placeholder: str  # shown (grey) in the blank to fill in Word; never on paper
    options: tuple[str, ...] = ()
    guide: str = ""  # printed in the blank to fill by hand: 　　年　月　日, a space to sign in
    empty: str = ""  # printed in a filled form when the value is left empty: the definition's empty_text, else the guide


@dataclass(frozen=True)
class Text:
    text: str


@dataclass
class Paragraph:
    parts: list[Text | Control]
    align: str = "left"  # left | center | right
    style: str = "body"  # body | label | section | title | subtitle | note | cut (the line to cut a slip off)


@dataclass
class Cell:
    paragraphs: list[Paragraph]
    span: int
    role: str = "value"  # label | value | header | section


@dataclass
class Row:
    cells: list[Cell]
    height: int = ROW_HEIGHT
    loop: FormField | None = None  # a table field whose records repeat this row


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    keep_together: bool = False  # a slip to cut off (回执) should not break across pages


@dataclass
class Layout:
    form: Form
    blocks: list[Paragraph | Table]

    def controls(self) -> list[Control]:
        return [part for row in self.rows() for cell in row.cells for p in cell.paragraphs
                for part in p.parts if isinstance(part, Control)]

    def rows(self) -> list[Row]:
        return [row for block in self.blocks if isinstance(block, Table) for row in block.rows]

    def placeholders(self) -> dict[str, str]:
        return {c.tag: c.placeholder for c in self.controls()}

    def guides(self) -> dict[str, str]:
        return {c.tag: c.guide for c in self.controls()}

    def empties(self) -> dict[str, str]:
        return {c.tag: c.empty for c in self.controls()}


def build(form: Form) -> Layout:
    blocks: list[Paragraph | Table] = [Paragraph([Text(form.title)], "center", "title")]
    table = Table()
    for section in form.sections:
        if section.separate:
            blocks.append(table)
            blocks.append(Paragraph([Text("（沿此线剪下）")], "center", "cut"))
            blocks.append(Paragraph([Text(section.title or "")], "center", "subtitle"))
            if section.note:
                blocks.append(Paragraph([Text(section.note)], "left", "note"))
            table = Table(keep_together=True)
        elif section.title:
            table.rows.append(_section_row(section))
        table.rows += _section_rows(section, form.font_size)
    blocks.append(table)
    return Layout(form, [b for b in blocks if not (isinstance(b, Table) and not b.rows)])


def _section_row(section: FormSection) -> Row:
    text = [Text(section.title or "")]
    paragraphs = [Paragraph(text, "center", "section")]
    if section.note:
        paragraphs.append(Paragraph([Text(section.note)], "center", "note"))
    return Row([Cell(paragraphs, GRID, "section")])


def _section_rows(section: FormSection, font_size: int) -> list[Row]:
    rows: list[Row] = []
    fields = list(section.fields)
    i = 0
    while i < len(fields):
        current = fields[i]
        partner = fields[i + 1] if i + 1 < len(fields) else None
        if current.shown_width == "half" and partner is not None and partner.shown_width == "half":
            rows.append(Row(_pair(current, HALF_VALUE_SPAN) + _pair(partner, HALF_VALUE_SPAN)))
            i += 2
            continue
        if current.type == "table":
            rows += _table_rows(current)
        else:
            rows.append(Row(_pair(current, FULL_VALUE_SPAN), _height(current, font_size)))
        i += 1
    return rows


def _height(field: FormField, font_size: int) -> int:
    lines = field.lines or (1 if field.type != "signature" else 0)
    if field.type not in ("multiline", "signature"):
        return ROW_HEIGHT
    line = round(font_size * 20 * 1.3)
    extra = line if field.type == "signature" else 0  # the 签字/日期 line under an opinion
    return max(ROW_HEIGHT, lines * line + extra + 200)


def _pair(field: FormField, value_span: int) -> list[Cell]:
    label = Cell([Paragraph([Text(field.label)], "center", "label")], LABEL_SPAN, "label")
    return [label, Cell(_value_paragraphs(field), value_span)]


def _value_paragraphs(field: FormField) -> list[Paragraph]:
    fid = field.id
    if field.type == "daterange":
        start = [_date(f"{fid}.start", f"{field.label}（起）", f"{fid}.start"), Text("至")]
        end: list[Text | Control] = [_date(f"{fid}.end", f"{field.label}（止）", f"{fid}.end")]
        if field.count_days:
            end += [Text("，共"), Control(f"{fid}.days", f"{field.label}（天数）", "text", f"{fid}.days",
                                         BLANK_NUMBER, guide=BLANK_NUMBER, empty=BLANK_NUMBER), Text("天")]
        if field.shown_width == "half":  # too narrow for both dates on one line
            return [Paragraph(start), Paragraph(end)]
        return [Paragraph(start + end)]
    if field.type == "signature":
        signer = Control(f"{fid}.signer", f"{field.label}（签字）", "text", f"{fid}.signer", SIGNER_PLACEHOLDER,
                         guide=SIGNER_PLACEHOLDER, empty=SIGNER_PLACEHOLDER)
        date = _date(f"{fid}.date", f"{field.label}（日期）", f"{fid}.date")
        sign_line = Paragraph([Text("签字："), signer, Text("　　"), date], "right")
        if field.opinion:
            opinion = Control(f"{fid}.opinion", field.label, "richtext", f"{fid}.opinion", field.placeholder or "请输入意见",
                              empty=field.empty_text or "")
            return [Paragraph([opinion]), sign_line]
        return [sign_line]
    if field.type == "checkbox":
        box = Control(fid, field.label, "checkbox", fid, UNCHECKED, guide=UNCHECKED, empty=UNCHECKED)
        return [Paragraph([box, Text(" " + (field.text or "是"))])]
    parts = [scalar_control(field, fid, fid, field.label)]
    if field.unit:
        parts.append(Text(field.unit))
    return [Paragraph(parts)]


def scalar_control(spec: FormField | FormColumn, tag: str, expr: str, alias: str, in_table: bool = False) -> Control:
    """The control for a one-value field or a table column."""
    empty = spec.empty_text or ""
    if spec.type == "date":
        return _date(tag, alias, expr, spec.placeholder, empty)
    if spec.type == "choice":
        placeholder = spec.placeholder or ("请选择" if in_table else f"请选择{spec.label}")
        return Control(tag, alias, "dropdown", expr, placeholder, tuple(spec.options or ()), empty=empty)
    guide = ""
    if spec.placeholder:
        placeholder = spec.placeholder
    elif spec.type == "number" and getattr(spec, "unit", None):
        placeholder = guide = BLANK_NUMBER
    else:
        placeholder = "请输入" if in_table else f"请输入{spec.label}"
    # LibreOffice drops line breaks inside plain-text controls; several lines go in a rich-text one
    return Control(tag, alias, "richtext" if spec.type == "multiline" else "text", expr, placeholder,
                   guide=guide, empty=empty or guide)


def _date(tag: str, alias: str, expr: str, placeholder: str | None = None, empty: str = "") -> Control:
    # a date to write by hand keeps its 年 月 日 on paper
    return Control(tag, alias, "date", expr, placeholder or DATE_PLACEHOLDER, guide=DATE_PLACEHOLDER,
                   empty=empty or DATE_PLACEHOLDER)


def _table_rows(field: FormField) -> list[Row]:
    columns = field.columns or []
    spans = spread([c.span for c in columns], GRID)
    rows: list[Row] = []
    if field.label_row is not False:
        rows.append(Row([Cell([Paragraph([Text(field.label)], "center", "section")], GRID, "section")]))
    rows.append(Row([Cell([Paragraph([Text(c.label)], "center", "label")], span, "header")
                     for c, span in zip(columns, spans)]))
    cells = [Cell([Paragraph([scalar_control(c, f"{field.id}.{c.id}", f"{LOOP_VARIABLE}.{c.id}",
                                             f"{field.label}·{c.label}", in_table=True)], "center")], span)
             for c, span in zip(columns, spans)]
    rows.append(Row(cells, TABLE_ROW_HEIGHT, loop=field))
    return rows


def spread(weights: list[int], total: int) -> list[int]:
    """Integer shares of total proportional to weights (largest remainder), each at least 1."""
    whole = sum(weights)
    exact = [w * total / whole for w in weights]
    shares = [max(1, int(x)) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    k = 0
    while sum(shares) < total:
        shares[order[k % len(order)]] += 1
        k += 1
    while sum(shares) > total:
        biggest = max(range(len(shares)), key=lambda i: shares[i])
        shares[biggest] -= 1
    return shares
