"""handbook.json: the whole edition as data for other systems — documents, articles with their derived
numbers, anchors and URLs, the references between them, flow steps and forms.

URLs are relative to the site root, like every link in the site. A reference to a document the
edition leaves out keeps its words and has no URL.
"""

from __future__ import annotations

import json

from .. import urls
from ..model import FlowDocument
from ..ref_syntax import plain_text, refs_in
from ..refs import Index
from ..structure import Element, Structure, landing
from .base import Build, Files, Output

FORMAT = "handbook-export/1"


class HandbookExport(Output):
    name = "export"
    download = True

    def produce(self, build: Build) -> Files:
        handbook = build.edition
        data = {
            "format": FORMAT,
            "title": handbook.compendium.title,
            "edition": handbook.compendium.edition,
            "documents": [document(s, handbook.index) for s in handbook.structures],
            "forms": [{"id": f.form.id, "title": f.form.title, "url": urls.form(f.form.id),
                       "download": urls.form_download(f.form.id)} for f in handbook.forms],
        }
        return {urls.EXPORT: json.dumps(data, ensure_ascii=False, indent=1) + "\n"}


def document(structure: Structure, index: Index) -> dict:
    doc = structure.doc
    out = {"id": doc.id, "kind": doc.kind, "title": doc.title, "short_title": doc.short_title,
           "category": doc.category, "seq": doc.seq, "status": doc.status, "url": urls.page_url(index.page_of(doc.id)),
           "elements": [element(e, parent, doc.id, index) for e, parent in structure.with_parents()]}
    if isinstance(doc, FlowDocument):
        out["steps"] = [{"number": n, "id": node.id, "label": node.label,
                         "url": urls.document(doc.id, urls.flow_step_anchor(node.id))}
                        for n, node in enumerate(doc.nodes, start=1)]
    return out


def element(item: Element, parent: Element | None, doc_id: str, index: Index) -> dict:
    words = lambda ref: index.words(ref, doc_id)  # noqa: E731
    text = "\n".join(t for t in (item.title, item.text) if t)
    shown = landing(item, parent)
    return {"kind": item.kind, "number": item.label, "citation": item.citation, "key": item.key,
            "anchor": item.id, "anchors": item.anchors, "parent": parent.id if parent else None,
            "url": urls.document(doc_id, shown.id if shown else None),
            "title": plain_text(item.title, words) if item.title else None,
            "text": plain_text(item.text, words) if item.text else None,
            "refs": [reference(ref, doc_id, index) for ref in refs_in(text)]}


def reference(ref, doc_id: str, index: Index) -> dict:
    target = index.resolve(ref, doc_id)
    linked = target is not None and index.is_published(target.doc_id)
    return {"target": ref.target, "words": index.words(ref, doc_id),
            "document": target.doc_id if linked else None, "anchor": target.anchor if linked else None,
            "url": urls.document(target.doc_id, target.anchor) if linked else None}
