"""Generate the docxtpl templates templates/forms/<form-id>.docx from the form definitions.

    python -m handbook.forms.templates [form-id …]

The generated .docx is committed: staff may restyle it in Word or WPS, and the
committed file is what gets rendered. Run this again only when a form's fields
change (the template tests say so when the committed file no longer matches the YAML).

Jinja tags sit only inside w:t text, so the template is a valid document Word
opens and saves; control state that cannot be text (placeholder shown, box
ticked, picker date) is set after rendering by controls.sync().
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from . import layout as lay
from .model import Form
from .package import write_zip

# GB/T 9704-2012 page, in twips (1 mm = 56.6929 twips)
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 2098, 1984, 1587, 1474
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 版心 156 mm

TITLE_FONT, TITLE_FALLBACK = "方正小标宋简体", "宋体"
BODY_FONT, BODY_FALLBACK = "仿宋_GB2312", "仿宋"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
SYMBOL_FONT = "MS Gothic"  # what Word itself uses for content-control check boxes
TITLE_SIZE = 22  # 2号
NOTE_SIZE = 10.5  # 5号
DATE_FORMAT = "yyyy年M月d日"

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
_XMLNS = " ".join(f'xmlns:{p}="{u}"' for p, u in NS.items())
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def template_path(root: Path, form_id: str) -> Path:
    return root / "templates" / "forms" / f"{form_id}.docx"


def template_bytes(form: Form) -> bytes:
    return write_zip([
        ("[Content_Types].xml", _content_types()),
        ("_rels/.rels", _package_rels()),
        ("docProps/core.xml", _core(form)),
        ("docProps/app.xml", _app()),
        ("word/_rels/document.xml.rels", _document_rels()),
        ("word/document.xml", document_xml(lay.build(form)).encode()),
        ("word/styles.xml", _styles(form)),
        ("word/settings.xml", _settings()),
        ("word/fontTable.xml", _font_table()),
    ])


# ---- document body -------------------------------------------------------------------------

def document_xml(layout: lay.Layout) -> str:
    writer = _Writer(layout.form.font_size)
    body = "".join(writer.block(b) for b in layout.blocks)
    sect = (f'<w:sectPr><w:pgSz w:w="{PAGE_WIDTH}" w:h="{PAGE_HEIGHT}"/>'
            f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" '
            f'w:left="{MARGIN_LEFT}" w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="425"/></w:sectPr>')
    return f'{_DECL}<w:document {_XMLNS} mc:Ignorable="w14"><w:body>{body}{sect}</w:body></w:document>'


def rpr(font: str, size: float, bold: bool = False, style: str | None = None, latin: str = LATIN_FONT) -> str:
    half_points = round(size * 2)
    return ("<w:rPr>" + (f'<w:rStyle w:val="{style}"/>' if style else "")
            + f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{font}" w:cs="{latin}" w:hint="eastAsia"/>'
            + ("<w:b/><w:bCs/>" if bold else "")
            + f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>')


class _Writer:
    """Writes layout blocks as WordprocessingML."""

    def __init__(self, font_size: float):
        self.size = font_size
        self.next_id = 1
        self.columns = _even(TEXT_WIDTH, lay.GRID)

    def run_props(self, style: str) -> str:
        if style == "title":
            return rpr(TITLE_FONT, TITLE_SIZE)
        if style in ("section", "subtitle"):
            return rpr(HEADING_FONT, self.size + (2 if style == "subtitle" else 0))
        if style in ("note", "cut"):
            return rpr(BODY_FONT, NOTE_SIZE)
        return rpr(BODY_FONT, self.size)

    def block(self, block: lay.Paragraph | lay.Table) -> str:
        return self.table(block) if isinstance(block, lay.Table) else self.paragraph(block)

    def paragraph(self, p: lay.Paragraph) -> str:
        props = self.run_props(p.style)
        border = '<w:pBdr><w:top w:val="dashed" w:sz="6" w:space="4" w:color="auto"/></w:pBdr>' if p.style == "cut" else ""
        after = {"title": 240, "cut": 0, "subtitle": 120, "note": 120}.get(p.style, 0)
        before = {"cut": 240}.get(p.style, 0)
        keep = "<w:keepNext/>" if p.style in ("cut", "subtitle", "note") else ""
        ppr = (f'<w:pPr>{keep}{border}<w:spacing w:before="{before}" w:after="{after}" w:line="240" w:lineRule="auto"/>'
               f'<w:jc w:val="{_JC[p.align]}"/>{props}</w:pPr>')
        return f"<w:p>{ppr}{''.join(self.part(x, props) for x in p.parts)}</w:p>"

    def part(self, part: lay.Text | lay.Control, props: str) -> str:
        if isinstance(part, lay.Text):
            return f'<w:r>{props}<w:t xml:space="preserve">{escape(part.text)}</w:t></w:r>'
        return self.control(part, props)

    def control(self, c: lay.Control, props: str) -> str:
        if c.kind == "checkbox":
            props = rpr(SYMBOL_FONT, self.size, latin=SYMBOL_FONT)
        sdt_id = self.next_id
        self.next_id += 1
        head = (f"<w:sdtPr>{props}<w:alias w:val={quoteattr(c.alias)}/><w:tag w:val={quoteattr(c.tag)}/>"
                f'<w:id w:val="{sdt_id}"/><w:lock w:val="sdtLocked"/>{_control_type(c)}</w:sdtPr>')
        content = f'<w:r>{props}<w:t xml:space="preserve">{{{{ {c.expr} }}}}</w:t></w:r>'
        return f"<w:sdt>{head}<w:sdtContent>{content}</w:sdtContent></w:sdt>"

    def table(self, table: lay.Table) -> str:
        borders = "".join(f'<w:{side} w:val="single" w:sz="{8 if side in _OUTER else 4}" w:space="0" w:color="auto"/>'
                          for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        tbl_pr = (f'<w:tblPr><w:tblW w:w="{TEXT_WIDTH}" w:type="dxa"/><w:jc w:val="center"/>'
                  f"<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
                  '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
                  '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
                  'w:noHBand="1" w:noVBand="1"/></w:tblPr>')
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in self.columns)
        rows = "".join(self.row(r) for r in table.rows)
        return f"<w:tbl>{tbl_pr}<w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"

    def row(self, row: lay.Row) -> str:
        xml = self.plain_row(row)
        if row.loop is None:
            return xml
        # docxtpl removes these marker rows and repeats the row between them once per record
        return (self.marker_row(f"{{%tr for {lay.LOOP_VARIABLE} in {row.loop.id} %}}") + xml
                + self.marker_row("{%tr endfor %}"))

    def plain_row(self, row: lay.Row) -> str:
        cells = []
        start = 0
        for cell in row.cells:
            width = sum(self.columns[start:start + cell.span])
            start += cell.span
            span = f'<w:gridSpan w:val="{cell.span}"/>' if cell.span > 1 else ""
            paragraphs = "".join(self.paragraph(p) for p in cell.paragraphs)
            cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}<w:vAlign w:val="center"/></w:tcPr>'
                         f"{paragraphs}</w:tc>")
        tr_pr = f'<w:trPr><w:cantSplit/><w:trHeight w:val="{row.height}" w:hRule="atLeast"/></w:trPr>'
        return f"<w:tr>{tr_pr}{''.join(cells)}</w:tr>"

    def marker_row(self, tag: str) -> str:
        return self.plain_row(lay.Row([lay.Cell([lay.Paragraph([lay.Text(tag)], style="note")], lay.GRID)], height=0))


_JC = {"left": "left", "center": "center", "right": "right"}
_OUTER = {"top", "left", "bottom", "right"}


def _control_type(c: lay.Control) -> str:
    if c.kind == "dropdown":
        items = "".join(f"<w:listItem w:displayText={quoteattr(o)} w:value={quoteattr(o)}/>" for o in c.options)
        return f"<w:dropDownList>{items}</w:dropDownList>"
    if c.kind == "date":
        return (f'<w:date><w:dateFormat w:val="{DATE_FORMAT}"/><w:lid w:val="zh-CN"/>'
                '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>')
    if c.kind == "checkbox":
        return (f'<w14:checkbox><w14:checked w14:val="0"/>'
                f'<w14:checkedState w14:val="2612" w14:font="{SYMBOL_FONT}"/>'
                f'<w14:uncheckedState w14:val="2610" w14:font="{SYMBOL_FONT}"/></w14:checkbox>')
    return '<w:text w:multiLine="1"/>'


def _even(total: int, n: int) -> list[int]:
    return [(i + 1) * total // n - i * total // n for i in range(n)]


# ---- the other parts of the package --------------------------------------------------------

def _content_types() -> bytes:
    main = "application/vnd.openxmlformats-officedocument"
    overrides = {
        "/word/document.xml": f"{main}.wordprocessingml.document.main+xml",
        "/word/styles.xml": f"{main}.wordprocessingml.styles+xml",
        "/word/settings.xml": f"{main}.wordprocessingml.settings+xml",
        "/word/fontTable.xml": f"{main}.wordprocessingml.fontTable+xml",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": f"{main}.extended-properties+xml",
    }
    items = "".join(f'<Override PartName="{k}" ContentType="{v}"/>' for k, v in overrides.items())
    return (f'{_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{items}</Types>').encode()


def _relationships(targets: list[tuple[str, str]]) -> bytes:
    items = "".join(f'<Relationship Id="rId{i}" Type="{t}" Target="{target}"/>'
                    for i, (t, target) in enumerate(targets, start=1))
    return f'{_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{items}</Relationships>'.encode()


_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _package_rels() -> bytes:
    return _relationships([
        (f"{_REL}/officeDocument", "word/document.xml"),
        ("http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml"),
        (f"{_REL}/extended-properties", "docProps/app.xml"),
    ])


def _document_rels() -> bytes:
    return _relationships([(f"{_REL}/styles", "styles.xml"), (f"{_REL}/settings", "settings.xml"),
                           (f"{_REL}/fontTable", "fontTable.xml")])


def _core(form: Form) -> bytes:
    return (f'{_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(form.title)}</dc:title><dc:creator>中共X区委员会办公室</dc:creator>"
            "<dc:language>zh-CN</dc:language></cp:coreProperties>").encode()


def _app() -> bytes:
    return (f'{_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>区委办公室工作制度汇编</Application></Properties>").encode()


def _styles(form: Form) -> bytes:
    w = NS["w"]
    body = rpr(BODY_FONT, form.font_size)
    return (f'{_DECL}<w:styles xmlns:w="{w}">'
            f"<w:docDefaults><w:rPrDefault>{body[:-len('</w:rPr>')]}"
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
            '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
            "</w:docDefaults>"
            '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
            '<w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:style>'
            '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
            '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
            '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
            '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
            '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
            '<w:style w:type="character" w:styleId="PlaceholderText"><w:name w:val="Placeholder Text"/>'
            '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:semiHidden/>'
            '<w:rPr><w:color w:val="808080"/></w:rPr></w:style>'
            "</w:styles>").encode()


def _settings() -> bytes:
    return (f'{_DECL}<w:settings xmlns:w="{NS["w"]}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>'
            '<w:characterSpacingControl w:val="compressPunctuation"/><w:compat>'
            '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
            '</w:compat><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>').encode()


def _font_table() -> bytes:
    fonts = [
        (LATIN_FONT, None, "00", "roman", "variable"),
        (BODY_FONT, BODY_FALLBACK, "86", "modern", "fixed"),
        (BODY_FALLBACK, "FangSong", "86", "modern", "fixed"),
        (TITLE_FONT, TITLE_FALLBACK, "86", "script", "variable"),
        (TITLE_FALLBACK, "SimSun", "86", "auto", "variable"),
        (HEADING_FONT, "SimHei", "86", "modern", "fixed"),
        (SYMBOL_FONT, "ＭＳ ゴシック", "80", "modern", "fixed"),
    ]
    items = "".join(f"<w:font w:name={quoteattr(name)}>" + (f"<w:altName w:val={quoteattr(alt)}/>" if alt else "")
                    + f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
                    for name, alt, charset, family, pitch in fonts)
    return f'{_DECL}<w:fonts xmlns:w="{NS["w"]}">{items}</w:fonts>'.encode()


def write_templates(root: Path, form_ids: list[str] | None = None) -> list[Path]:
    from .definitions import load_forms_or_raise

    written = []
    for loaded in load_forms_or_raise(root):
        if form_ids and loaded.form.id not in form_ids:
            continue
        path = template_path(root, loaded.form.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(template_bytes(loaded.form))
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[2]
    for path in write_templates(root, argv or None):
        print(f"已生成 {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
