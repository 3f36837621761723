"""Minimal WordprocessingML writing: an element builder and a reproducible DOCX package.

Parts are built with lxml (text is always escaped by the serializer, never
pasted into markup) and zipped with fixed timestamps in a fixed order, so the
same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from lxml import etree

from ..zipfiles import write_zip

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT = {
    "document": f"{DOC_REL}/officeDocument",
    "core": "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
    "app": f"{DOC_REL}/extended-properties",
    "styles": f"{DOC_REL}/styles",
    "settings": f"{DOC_REL}/settings",
    "fontTable": f"{DOC_REL}/fontTable",
    "footer": f"{DOC_REL}/footer",
    "image": f"{DOC_REL}/image",
}
CT_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CONTENT_TYPES = {
    "/word/document.xml": f"{CT_WML}.document.main+xml",
    "/word/styles.xml": f"{CT_WML}.styles+xml",
    "/word/settings.xml": f"{CT_WML}.settings+xml",
    "/word/fontTable.xml": f"{CT_WML}.fontTable+xml",
    "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
    "/docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
}
FOOTER_CT = f"{CT_WML}.footer+xml"


def qn(name: str) -> str:
    """'w:val' → '{namespace}val'."""
    prefix, _, local = name.partition(":")
    return f"{{{NS[prefix]}}}{local}"


def el(tag: str, attrs: dict[str, object] | None = None, *children: etree._Element | None,
       text: str | None = None) -> etree._Element:
    """An element. Unprefixed attribute names are w: attributes on w: elements (WordprocessingML
    qualifies its attributes) and plain names elsewhere (DrawingML does not); None values are left out."""
    node = etree.Element(qn(tag), nsmap=NS)
    qualify = tag.startswith("w:")
    for name, value in (attrs or {}).items():
        if value is None:
            continue
        node.set(qn(name) if ":" in name else (qn(f"w:{name}") if qualify else name), _attr(value))
    for child in children:
        if child is not None:
            node.append(child)
    if text is not None:
        node.text = text
        if text != text.strip() or "  " in text:
            node.set(XML_SPACE, "preserve")
    return node


def _attr(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def serialize(root: etree._Element) -> bytes:
    etree.cleanup_namespaces(root, top_nsmap=NS, keep_ns_prefixes=list(NS))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def rels_xml(rels: list[tuple[str, str, str]], external: frozenset[str] = frozenset()) -> bytes:
    root = etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
    for rid, rtype, target in rels:
        node = etree.SubElement(root, f"{{{PKG_REL}}}Relationship", Id=rid, Type=rtype, Target=target)
        if rid in external:
            node.set("TargetMode", "External")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@dataclass
class Package:
    """A DOCX being assembled: parts by name and the document's relationships."""

    parts: dict[str, bytes] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=lambda: dict(CONTENT_TYPES))
    doc_rels: list[tuple[str, str, str]] = field(default_factory=list)

    def relate(self, rtype: str, target: str) -> str:
        rid = f"rId{len(self.doc_rels) + 1}"
        self.doc_rels.append((rid, RT[rtype], target))
        return rid

    def add_footer(self, root: etree._Element) -> str:
        n = sum(1 for name in self.parts if name.startswith("word/footer")) + 1
        name = f"footer{n}.xml"
        self.parts[f"word/{name}"] = serialize(root)
        self.overrides[f"/word/{name}"] = FOOTER_CT
        return self.relate("footer", name)

    def add_image(self, blob: bytes, ext: str) -> str:
        n = sum(1 for name in self.parts if name.startswith("word/media/")) + 1
        name = f"media/image{n}.{ext}"
        self.parts[f"word/{name}"] = blob
        return self.relate("image", name)

    def save(self, path: os.PathLike, when: dt.datetime) -> None:
        """Write the package with every entry stamped `when` and in a fixed order."""
        self.parts["word/_rels/document.xml.rels"] = rels_xml(self.doc_rels)
        self.parts["_rels/.rels"] = rels_xml([
            ("rId1", RT["document"], "word/document.xml"),
            ("rId2", RT["core"], "docProps/core.xml"),
            ("rId3", RT["app"], "docProps/app.xml"),
        ])
        self.parts["[Content_Types].xml"] = self._content_types()
        data = write_zip([(name, self.parts[name]) for name in self._order()], level=9, when=when)
        with open(path, "wb") as handle:
            handle.write(data)

    def _order(self) -> list[str]:
        first = ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels"]
        return first + sorted(name for name in self.parts if name not in first)

    def _content_types(self) -> bytes:
        ns = "http://schemas.openxmlformats.org/package/2006/content-types"
        root = etree.Element(f"{{{ns}}}Types", nsmap={None: ns})
        defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml",
                    "xml": "application/xml", "png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg"}
        for ext, ctype in defaults.items():
            etree.SubElement(root, f"{{{ns}}}Default", Extension=ext, ContentType=ctype)
        for name, ctype in sorted(self.overrides.items()):
            etree.SubElement(root, f"{{{ns}}}Override", PartName=name, ContentType=ctype)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def core_xml(title: str, creator: str, subject: str, when: dt.datetime, language: str = "zh-CN") -> bytes:
    cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    dc = "http://purl.org/dc/elements/1.1/"
    dcterms = "http://purl.org/dc/terms/"
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    root = etree.Element(f"{{{cp}}}coreProperties", nsmap={"cp": cp, "dc": dc, "dcterms": dcterms, "xsi": xsi})
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    for tag, value in ((f"{{{dc}}}title", title), (f"{{{dc}}}subject", subject), (f"{{{dc}}}creator", creator),
                       (f"{{{cp}}}lastModifiedBy", creator), (f"{{{cp}}}revision", "1"),
                       (f"{{{dc}}}language", language)):
        etree.SubElement(root, tag).text = value
    for tag in ("created", "modified"):
        node = etree.SubElement(root, f"{{{dcterms}}}{tag}")
        node.set(f"{{{xsi}}}type", "dcterms:W3CDTF")
        node.text = stamp
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def app_xml() -> bytes:
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    root = etree.Element(f"{{{ns}}}Properties", nsmap={None: ns})
    etree.SubElement(root, f"{{{ns}}}Application").text = "handbook"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
