"""Fixtures for the importer's tests: Word files built here (python-docx, numbering.xml with lxml)
and seed documents cut into paragraphs. The regulation-like text in the Word files is test text,
invented for these tests; none of it goes into regulations/."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from support import seed

W_NS = nsdecls("w")


def numbering_xml(abstract_id: int, levels: list[tuple[str, str, str]]) -> str:
    """An abstractNum whose levels are (numFmt, lvlText, suff), e.g. ("chineseCounting", "第%1条", "space")."""
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:suff w:val="{suff}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for i, (fmt, text, suff) in enumerate(levels))
    return f'<w:abstractNum {W_NS} w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>'


def add_numbering(document, abstract_id: int, num_id: int, levels: list[tuple[str, str, str]]) -> None:
    root = document.part.numbering_part.element
    abstract = parse_xml(numbering_xml(abstract_id, levels))
    nums = root.findall(qn("w:num"))
    if nums:
        nums[0].addprevious(abstract)
    else:
        root.append(abstract)
    root.append(parse_xml(f'<w:num {W_NS} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'))


def numbered(document, text: str, num_id: int, level: int = 0):
    """A paragraph numbered by Word itself: the number is not in the text."""
    paragraph = document.add_paragraph(text)
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def with_header_and_footer(document, header: str) -> None:
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    footer = section.footer.paragraphs[0]
    footer.text = "— "
    footer._p.append(parse_xml(f'<w:fldSimple {W_NS} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    footer.add_run(" —")


def docx_file(path: Path, paragraphs: list[str]) -> Path:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def cut_into_paragraphs(text: str, lines: list[str], corrections) -> list[str]:
    """The seed's text of one document cut into the paragraphs of the printed original.

    The seed lost its paragraph breaks in extraction; a Word file has them. The breaks are put
    where the hand transcription's plain-text rendering has its lines, counting characters after
    NFKC and with corrections undone, so every character of each paragraph is the seed's own.
    """
    out, pos = [], 0
    for line in lines:
        want = len(seed.as_in_seed(line, corrections)[0])
        start, got = pos, 0
        while pos < len(text) and got < want:
            got += len(seed.normalise(text[pos]))
            pos += 1
        out.append(text[start:pos])
    out[-1] += text[pos:]
    assert "".join(out) == text
    return [part for part in out if part.strip()]
