"""Generate the docxtpl templates templates/forms/<form-id>.docx from the form definitions.

    python3 -m handbook.forms.templates [form-id …]

The generated .docx is committed: staff may restyle it in Word or WPS, and the
committed file is what gets rendered. Run this again only when a form's fields
change; the template tests fail when the committed file no longer matches the YAML.

Jinja tags sit only inside w:t text, so the template is a valid document Word
opens and saves; control state that cannot be text (placeholder shown, box
ticked, picker date) is set after rendering by controls.sync(). Page and type
follow GB/T 9704 as the printed compendium does (docx/gbt9704.py).
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
from pathlib import Path

from lxml import etree

from ..docx.gbt9704 import (ALT_NAMES, FANGSONG, HEITI, MARGIN_BOTTOM, MARGIN_INNER, MARGIN_OUTER, MARGIN_TOP,
                              PAGE_HEIGHT, PAGE_WIDTH, SIZE_2, SIZE_4, TEXT_WIDTH, XIAOBIAOSONG, rpr, styles_xml)
from ..docx.ooxml import XML_SPACE, Package, app_xml, core_xml, el, serialize
from ..paths import ROOT
from . import layout as lay
from .model import Form

SYMBOL_FONT = "MS Gothic"  # what Word itself uses for content-control check boxes
DATE_FORMAT = "yyyy年M月d日"
TEMPLATE_DATE = dt.datetime(2019, 10, 23)  # fixed, so regenerating an unchanged form gives the same bytes
PLACEHOLDER_STYLE = "PlaceholderText"
_JC = {"left": "left", "center": "center", "right": "right"}


def literal(text: str) -> str:
    """Text from a form definition as Jinja source that prints exactly that text and evaluates nothing.

    Jinja starts a tag only at 「{」 ({{ {% {#), so each 「{」 becomes an expression printing it.
    """
    return text.replace("{", "{{ '{' }}")


def template_path(root: Path, form_id: str) -> Path:
    return root / "templates" / "forms" / f"{form_id}.docx"


def write_template(form: Form, path: Path) -> None:
    package = Package()
    for kind, target in (("styles", "styles.xml"), ("settings", "settings.xml"), ("fontTable", "fontTable.xml")):
        package.relate(kind, target)
    package.parts.update({
        "word/document.xml": serialize(document(lay.build(form))),
        "word/styles.xml": styles_xml(_styles(form.font_size)),
        "word/settings.xml": _settings(),
        "word/fontTable.xml": _font_table(),
        "docProps/core.xml": core_xml(form.title, "中共X区委员会办公室", form.display_title, TEMPLATE_DATE),
        "docProps/app.xml": app_xml(),
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    package.save(path, TEMPLATE_DATE)


def document(layout: lay.Layout) -> etree._Element:
    writer = _Writer(layout.form.font_size)
    blocks = [writer.block(b) for b in layout.blocks]
    section = el("w:sectPr", None,
                 el("w:pgSz", {"w": PAGE_WIDTH, "h": PAGE_HEIGHT}),
                 el("w:pgMar", {"top": MARGIN_TOP, "right": MARGIN_OUTER, "bottom": MARGIN_BOTTOM,
                                "left": MARGIN_INNER, "header": 851, "footer": 992, "gutter": 0}),
                 el("w:cols", {"space": 425}))
    return el("w:document", {"mc:Ignorable": "w14 w15"}, el("w:body", None, *blocks, section))


class _Writer:
    """Writes layout blocks as WordprocessingML."""

    def __init__(self, font_size: int):
        self.size = font_size
        self.next_id = 1
        self.columns = [(i + 1) * TEXT_WIDTH // lay.GRID - i * TEXT_WIDTH // lay.GRID for i in range(lay.GRID)]

    def run_props(self, style: str) -> etree._Element:
        if style == "title":
            return rpr(XIAOBIAOSONG, SIZE_2)
        if style == "section":
            return rpr(HEITI, self.size)
        if style == "subtitle":
            return rpr(HEITI, SIZE_4)
        return rpr(FANGSONG, self.size)

    def block(self, block: lay.Paragraph | lay.Table) -> etree._Element:
        return self.table(block) if isinstance(block, lay.Table) else self.paragraph(block)

    def paragraph(self, p: lay.Paragraph, keep_next: bool = False) -> etree._Element:
        border = el("w:pBdr", None, el("w:top", {"val": "dashed", "sz": 6, "space": 4, "color": "auto"}))
        spacing = {"before": 120 if p.style == "cut" else 0,
                   "after": {"title": 200, "subtitle": 60, "note": 60}.get(p.style, 0), "line": 240, "lineRule": "auto"}
        properties = el("w:pPr", None,
                        el("w:keepNext") if keep_next or p.style in ("cut", "subtitle", "note") else None,
                        border if p.style == "cut" else None,
                        el("w:spacing", spacing), el("w:jc", {"val": _JC[p.align]}), self.run_props(p.style))
        return el("w:p", None, properties, *(self.part(x, p.style) for x in p.parts))

    def part(self, part: lay.Text | lay.Control, style: str) -> etree._Element:
        if isinstance(part, lay.Text):
            text = part.text if isinstance(part, _Tag) else literal(part.text)
            return el("w:r", None, self.run_props(style), el("w:t", None, text=text))
        return self.control(part, style)

    def control(self, c: lay.Control, style: str) -> etree._Element:
        props = rpr(SYMBOL_FONT, self.size) if c.kind == "checkbox" else self.run_props(style)
        sdt_id = self.take_id()
        head = el("w:sdtPr", None, props, el("w:alias", {"val": literal(c.alias)}), el("w:tag", {"val": c.tag}),
                  el("w:id", {"val": sdt_id}), el("w:lock", {"val": "sdtLocked"}), _control_type(c))
        text = el("w:t", None, text=f"{{{{ {c.expr} }}}}")
        text.set(XML_SPACE, "preserve")  # values keep their spaces
        content = el("w:sdtContent", None, el("w:r", None, copy.deepcopy(props), text))
        return el("w:sdt", None, head, content)

    def table(self, table: lay.Table) -> etree._Element:
        borders = [el(f"w:{side}", {"val": "single", "sz": 8 if side in _OUTER else 4, "space": 0, "color": "auto"})
                   for side in ("top", "left", "bottom", "right", "insideH", "insideV")]
        properties = el("w:tblPr", None,
                        el("w:tblW", {"w": TEXT_WIDTH, "type": "dxa"}), el("w:jc", {"val": "center"}),
                        el("w:tblBorders", None, *borders), el("w:tblLayout", {"type": "fixed"}),
                        el("w:tblCellMar", None, el("w:left", {"w": 85, "type": "dxa"}),
                           el("w:right", {"w": 85, "type": "dxa"})),
                        el("w:tblLook", {"val": "0000", "firstRow": 0, "lastRow": 0, "firstColumn": 0,
                                         "lastColumn": 0, "noHBand": 1, "noVBand": 1}))
        grid = el("w:tblGrid", None, *(el("w:gridCol", {"w": w}) for w in self.columns))
        last = len(table.rows) - 1
        rows = [row for i, r in enumerate(table.rows) for row in self.rows(r, table.keep_together and i < last)]
        return el("w:tbl", None, properties, grid, *rows)

    def rows(self, row: lay.Row, keep_next: bool) -> list[etree._Element]:
        """keep_next: keep this row on the page of the next (paragraphs marked keep-with-next)."""
        if row.loop is None:
            return [self.row(row, keep_next)]
        # Word's repeating section (w15): its items are the rows, and a user adds one with the "+" at the row's end.
        # docxtpl removes the marker rows and repeats the item between them once per record.
        item = el("w:sdt", None, el("w:sdtPr", None, el("w:id", {"val": self.take_id()}), el("w15:repeatingSectionItem")),
                  el("w:sdtContent", None, self.row(row, keep_next)))
        section = el("w:sdt", None,
                     el("w:sdtPr", None, el("w:alias", {"val": literal(row.loop.label)}), el("w:tag", {"val": row.loop.id}),
                        el("w:id", {"val": self.take_id()}), el("w15:repeatingSection")),
                     el("w:sdtContent", None, self.marker_row(f"{{%tr for {lay.LOOP_VARIABLE} in {row.loop.id} %}}"),
                        item, self.marker_row("{%tr endfor %}")))
        return [section]

    def take_id(self) -> int:
        sdt_id = self.next_id
        self.next_id += 1
        return sdt_id

    def row(self, row: lay.Row, keep_next: bool = False) -> etree._Element:
        cells = []
        start = 0
        for cell in row.cells:
            width = sum(self.columns[start:start + cell.span])
            start += cell.span
            properties = el("w:tcPr", None, el("w:tcW", {"w": width, "type": "dxa"}),
                            el("w:gridSpan", {"val": cell.span}) if cell.span > 1 else None,
                            el("w:vAlign", {"val": "center"}))
            cells.append(el("w:tc", None, properties, *(self.paragraph(p, keep_next) for p in cell.paragraphs)))
        height = el("w:trHeight", {"val": row.height, "hRule": "atLeast"}) if row.height else None
        return el("w:tr", None, el("w:trPr", None, el("w:cantSplit"), height), *cells)

    def marker_row(self, tag: str) -> etree._Element:
        return self.row(lay.Row([lay.Cell([lay.Paragraph([_Tag(tag)], style="note")], lay.GRID)], height=0))


class _Tag(lay.Text):
    """A Jinja tag of our own (a table row loop), the only text written into the template unescaped."""


_OUTER = {"top", "left", "bottom", "right"}


def _control_type(c: lay.Control) -> etree._Element | None:
    """The element saying what kind of control this is; a rich-text control (Word's default) has none."""
    if c.kind == "dropdown":
        return el("w:dropDownList", None, *(el("w:listItem", {"displayText": literal(o), "value": literal(o)}) for o in c.options))
    if c.kind == "date":
        return el("w:date", None, el("w:dateFormat", {"val": DATE_FORMAT}), el("w:lid", {"val": "zh-CN"}),
                  el("w:storeMappedDataAs", {"val": "dateTime"}), el("w:calendar", {"val": "gregorian"}))
    if c.kind == "checkbox":
        return el("w14:checkbox", None, el("w14:checked", {"w14:val": 0}),
                  el("w14:checkedState", {"w14:val": "2612", "w14:font": SYMBOL_FONT}),
                  el("w14:uncheckedState", {"w14:val": "2610", "w14:font": SYMBOL_FONT}))
    # text too is a rich-text control: LibreOffice shows a plain-text control's placeholder black, as if filled in
    return None


def _styles(size: int) -> list[etree._Element]:
    normal = el("w:style", {"type": "paragraph", "default": 1, "styleId": "Normal"},
                el("w:name", {"val": "Normal"}), el("w:qFormat"),
                el("w:pPr", None, el("w:widowControl", {"val": 0}),
                   el("w:spacing", {"after": 0, "line": 240, "lineRule": "auto"}), el("w:jc", {"val": "both"})),
                rpr(FANGSONG, size))
    default_font = el("w:style", {"type": "character", "default": 1, "styleId": "DefaultParagraphFont"},
                      el("w:name", {"val": "Default Paragraph Font"}), el("w:uiPriority", {"val": 1}),
                      el("w:semiHidden"), el("w:unhideWhenUsed"))
    placeholder = el("w:style", {"type": "character", "styleId": PLACEHOLDER_STYLE},
                     el("w:name", {"val": "Placeholder Text"}), el("w:basedOn", {"val": "DefaultParagraphFont"}),
                     el("w:uiPriority", {"val": 99}), el("w:semiHidden"),
                     el("w:rPr", None, el("w:color", {"val": "808080"})))
    table = el("w:style", {"type": "table", "default": 1, "styleId": "TableNormal"},
               el("w:name", {"val": "Normal Table"}), el("w:uiPriority", {"val": 99}), el("w:semiHidden"),
               el("w:tblPr", None, el("w:tblInd", {"w": 0, "type": "dxa"}),
                  el("w:tblCellMar", None, *(el(f"w:{side}", {"w": 108 if side in ("left", "right") else 0,
                                                              "type": "dxa"})
                                             for side in ("top", "left", "bottom", "right")))))
    return [normal, default_font, placeholder, table]


def _settings() -> bytes:
    return serialize(el(  # CT_Settings requires this element order
        "w:settings", None,
        el("w:zoom", {"percent": 100}),
        el("w:defaultTabStop", {"val": 420}),
        el("w:characterSpacingControl", {"val": "compressPunctuation"}),
        el("w:compat", None, el("w:compatSetting", {
            "name": "compatibilityMode", "uri": "http://schemas.microsoft.com/office/word", "val": 15})),
        el("w:themeFontLang", {"val": "en-US", "eastAsia": "zh-CN"})))


def _font_table() -> bytes:
    """Each official font with the font Word should use when it is not installed (w:altName)."""
    fonts = [el("w:font", {"name": name}, el("w:altName", {"val": alt}) if alt else None,
                el("w:charset", {"val": "86"}), el("w:family", {"val": "modern"}), el("w:pitch", {"val": "fixed"}))
             for name, alt in ALT_NAMES.items()]
    fonts.append(el("w:font", {"name": SYMBOL_FONT}, el("w:charset", {"val": "80"}), el("w:family", {"val": "modern"}),
                    el("w:pitch", {"val": "fixed"})))
    return serialize(el("w:fonts", None, *fonts))


def write_templates(root: Path, form_ids: list[str] | None = None) -> list[Path]:
    from .definitions import load_forms_or_raise

    written = []
    for loaded in load_forms_or_raise(root):
        if form_ids and loaded.form.id not in form_ids:
            continue
        path = template_path(root, loaded.form.id)
        write_template(loaded.form, path)
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    root = ROOT
    for path in write_templates(root, argv or None):
        print(f"已生成 {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
