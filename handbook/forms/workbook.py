"""An .xlsx workbook opened through openpyxl's read-only reader, and the cells of each row of a sheet.

openpyxl reads the package: sheet names, styles (number formats, which styles are dates), the
1900/1904 calendar. The cells are read by one regular-expression pass over the sheet's XML: a
C loop with little Python per cell, where openpyxl's parser builds a dictionary and an element
for each (0.04 against 0.10 ms a record for 1,000 rows; benchmarks/RESULTS.md, “Excel 批量填写”).
The pass knows the cells Excel, WPS, LibreOffice and openpyxl write (shared or inline text,
numbers, dates, booleans, errors, formulas with their cached value); on anything else in the
sheet, even one unknown attribute, the whole sheet goes to openpyxl's own parser instead.
Both give the same values (tests/test_forms_excel.py compares them).

Uses openpyxl internals (ExcelReader's steps, WorkSheetParser, the workbook's style tables):
the version is pinned in requirements.lock, and the tests above fail if they change.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, Iterator

# A row: its number, the values of its cells as openpyxl gives them by column letters (empty cells
# left out), and the style of each cell that holds a number (its number format decides the digits).
# Dictionaries, not a tuple per cell: the garbage collector would walk every one of those tuples.
Row = tuple[int, dict[str, Any], dict[str, int]]

MAX_SCANNED_XML = 64 * 1024 * 1024  # about 80,000 rows; a larger sheet is streamed by openpyxl, not read whole

_CELL_OR_OTHER = re.compile(
    r'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="([0-9]{1,9})")?(?: t="(s|n|b|e|str|inlineStr)")?'
    r'(?:><v>([^<]*)</v></c>'  # the usual cell, tried first: the pass is a third faster for it
    r'|/>|>(?:<f\b[^>]*(?:/>|>[^<]*</f>))?'  # a formula: its cached value is what counts
    r'(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>|<v/>)?</c>)'
    r'|(<row\b[^>]*>|</row>|\s+)'
    r'|(<[^>]*>?|[^<]+)'  # anything else: not a sheet this pass knows
)
_REFERENCE = re.compile(r"&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class Unscannable(Exception):
    """The sheet holds something the fast pass does not know: openpyxl's parser reads it."""


@dataclass
class Workbook:
    """What a sheet's cells need from the package: strings, styles, calendar; and each worksheet's part."""

    archive: zipfile.ZipFile
    openpyxl_book: Any
    sheets: dict[str, str]  # worksheet name → its part in the archive, in workbook order
    strings: list[str]
    _formats: dict[int, str] = field(default_factory=dict)

    def number_format(self, style_id: int) -> str:
        """The number format of a style as openpyxl's ReadOnlyCell.number_format gives it."""
        known = self._formats.get(style_id)
        if known is None:
            from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

            format_id = self.openpyxl_book._cell_styles[style_id].numFmtId
            if format_id < BUILTIN_FORMATS_MAX_SIZE:
                known = BUILTIN_FORMATS.get(format_id, "General")
            else:
                known = self.openpyxl_book._number_formats[format_id - BUILTIN_FORMATS_MAX_SIZE]
            self._formats[style_id] = known
        return known

    def close(self) -> None:
        self.archive.close()


def open_workbook(path) -> Workbook:
    """The workbook's package read by openpyxl (read-only, cached values instead of formulas).

    Raises what openpyxl and zipfile raise for a file that is not a workbook.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(path, read_only=True, data_only=True)
    try:
        reader.read_manifest()
        strings = _shared_strings(reader)
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()
                  if rel.target in reader.valid_files and "chartsheet" not in rel.Type}
    except Exception:
        reader.archive.close()
        raise
    return Workbook(reader.archive, reader.wb, sheets, strings)


def _shared_strings(reader) -> list[str]:
    """The shared-string table, each item's text as openpyxl's read_string_table gives it."""
    from xml.etree.ElementTree import fromstring

    from openpyxl.cell.text import Text
    from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

    part = reader.package.find(SHARED_STRINGS)
    if part is None:
        return []
    string, plain = f"{{{SHEET_MAIN_NS}}}si", f"{{{SHEET_MAIN_NS}}}t"
    strings = []
    for item in fromstring(reader.archive.read(part.PartName[1:])):  # one C parse; few elements per string
        if item.tag != string:
            continue
        if len(item) == 1 and item[0].tag == plain:
            text = item[0].text or ""
        else:  # formatting runs, phonetic guides
            text = Text.from_tree(item).content
        strings.append(text.replace("x005F_", ""))
    return strings


def sheet_rows(book: Workbook, sheet: str) -> Iterator[Row]:
    """Each row of the sheet that has a cell, with its cells."""
    part = book.sheets[sheet]
    if book.archive.getinfo(part).file_size <= MAX_SCANNED_XML:
        try:
            return iter(scan_rows(book.archive.read(part), book))
        except Unscannable:
            pass
    return parsed_rows(book, sheet)


def scan_rows(raw: bytes, book: Workbook) -> list[Row]:
    """The rows by the fast pass; Unscannable if the sheet holds anything it does not know."""
    text = _xml_text_of(raw)
    start, end = _element_content(text, "sheetData")
    rows: list[Row] = []
    values: dict[str, Any] = {}
    styles: dict[str, int] = {}
    current = ""
    strings = book.strings
    for piece in _pieces(text, start, end):
        for letters, row, style, kind, usual, value, inline, _between, other in piece:
            if other:
                raise Unscannable(other[:40])
            if not letters:
                continue
            if row != current:
                number = int(row)
                if rows and number <= rows[-1][0]:
                    raise Unscannable(f"row {row} out of order")
                current, values, styles = row, {}, {}
                rows.append((number, values, styles))
            value = usual or value
            if kind == "s":
                if value:
                    values[letters] = strings[int(value)]
            elif kind == "inlineStr":
                values[letters] = _unescape(inline)
            elif value:
                style_id = int(style) if style else 0
                typed = _typed(value, kind, style_id, book)
                values[letters] = typed
                if typed.__class__ in (int, float):
                    styles[letters] = style_id
    return [row for row in rows if row[1]]


def _pieces(text: str, start: int, end: int, size: int = 64 * 1024) -> Iterator[list[tuple[str, ...]]]:
    """The pass a few hundred rows at a time: each piece's tuples are freed before the next, so they
    neither take memory for the whole sheet nor pile up into collector runs over the whole heap."""
    while start < end:
        cut = text.find("</row>", min(start + size, end))
        cut = end if cut < 0 or cut >= end else cut + len("</row>")
        yield _CELL_OR_OTHER.findall(text, start, cut)
        start = cut


def _typed(value: str, kind: str, style_id: int, book: Workbook) -> Any:
    """A cell's value as openpyxl's WorkSheetParser.parse_cell makes it (shared and inline text aside)."""
    if kind in ("", "n"):
        number = float(value) if "." in value or "E" in value or "e" in value else int(value)
        if style_id in book.openpyxl_book._date_formats:
            return _date(number, style_id, book)
        return number
    if kind == "b":
        return bool(int(value))
    return _unescape(value)  # e (an error such as #N/A), str (a formula's text)


def _date(number, style_id: int, book: Workbook):
    from openpyxl.utils.datetime import from_excel

    try:
        return from_excel(number, book.openpyxl_book.epoch,
                          timedelta=style_id in book.openpyxl_book._timedelta_formats)
    except (OverflowError, ValueError):
        return "#VALUE!"  # what openpyxl makes of a date outside the calendar


def parsed_rows(book: Workbook, sheet: str) -> Iterator[Row]:
    """The rows by openpyxl's own worksheet parser, streamed (any sheet, slower)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    workbook = book.openpyxl_book
    with book.archive.open(book.sheets[sheet]) as source:
        parser = WorkSheetParser(source, book.strings, data_only=True, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats,
                                 timedelta_formats=workbook._timedelta_formats)
        for number, cells in parser.parse():
            values, styles = {}, {}
            for cell in cells:
                if cell["value"] is None:
                    continue
                letters = get_column_letter(cell["column"])
                values[letters] = cell["value"]
                if cell["value"].__class__ in (int, float):
                    styles[letters] = cell["style_id"] or 0
            if values:
                yield number, values, styles


def _xml_text_of(raw: bytes) -> str:
    if raw.startswith(b"<?xml"):
        declaration = raw[:raw.find(b"?>")].lower()
        if b"encoding" in declaration and b"utf-8" not in declaration:
            raise Unscannable("encoding")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unscannable("not UTF-8") from error
    if "\r" in text or "<![CDATA[" in text:  # line ends and CDATA the XML parser would rewrite
        raise Unscannable("carriage return or CDATA")
    return text


def _element_content(text: str, name: str) -> tuple[int, int]:
    """Where the content of the unprefixed element name lies (an empty range for <name/>)."""
    opening = re.search(rf"<{name}(?:\s[^>]*)?(/?)>", text)
    if opening is None:
        raise Unscannable(f"no <{name}>")
    if opening.group(1):
        return opening.end(), opening.end()
    end = text.find(f"</{name}>", opening.end())
    if end < 0:
        raise Unscannable(f"no </{name}>")
    return opening.end(), end


def _unescape(text: str) -> str:
    if "&" not in text:
        return text
    unescaped = _REFERENCE.sub(_reference, text)
    if "&" in _REFERENCE.sub("", text):
        raise Unscannable("unknown entity")
    return unescaped


def _reference(match: re.Match) -> str:
    name, decimal, hexadecimal = match.groups()
    if name:
        return _ENTITIES[name]
    return chr(int(decimal) if decimal else int(hexadecimal, 16))
