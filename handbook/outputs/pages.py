"""The Markdown pages MkDocs turns into the site: home, one page per document and form, changelog, editor guide."""

from __future__ import annotations

from pathlib import Path

import jinja2

from .. import decide_page, urls
from ..flow import backlinks
from ..render.form_pages import form_links, form_page_markdown, forms_guide_markdown
from ..render.guide import guide_page
from ..render.history import changelog_page
from ..model import FlowDocument
from ..render.flowcharts import flow_markdown
from ..render.pages import PageExtras, PageRenderer, Related
from ..sources import Handbook
from .base import Build, Files, Output

def generate_pages(handbook: Handbook, root: Path, extras: PageExtras | None = None, *,
                   compiled: Path | None = None) -> dict[str, str]:
    """Every page's Markdown; `compiled`: a folder that keeps the templates compiled from build to build."""
    renderer = PageRenderer(handbook, root / "templates" / "pages", extras)
    if compiled is not None:  # Jinja checks each template's source against its compiled code: an edit recompiles it
        compiled.mkdir(parents=True, exist_ok=True)
        renderer.env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(compiled))
    pages = {urls.HOME: renderer.home()}
    forms = {urls.form_page(loaded.form.id): loaded.form for loaded in handbook.forms}
    for page, form in forms.items():
        pages[page] = form_page_markdown(form, handbook.index)
    for structure in handbook.structures:
        page = handbook.index.page_of(structure.doc.id)
        if page == urls.document_page(structure.doc.id):
            pages[page] = renderer.document(structure)
        else:  # a form's compendium entry: its form page is its one page, the old address leads there
            pages[page] = renderer.merge_entry(structure, pages[page], forms[page].corrections)
            pages[urls.document_page(structure.doc.id)] = renderer.redirect(structure, page)
    pages[urls.CHANGELOG] = changelog_page(handbook, renderer.env)
    pages[urls.GUIDE] = guide_page(renderer.env) + (
        "\n" + forms_guide_markdown([f.form for f in handbook.forms]) if handbook.forms else "")
    checker = decide_page.page_markdown(handbook, renderer.env)
    if checker is not None:
        pages[decide_page.PAGE] = checker
    return pages


def related_links(handbook: Handbook) -> dict[tuple[str, str | None], list[Related]]:
    """The flowcharts and forms that belong to each rule, for links beside it."""
    related: dict[tuple[str, str | None], list[Related]] = {}
    flows = [s.doc for s in handbook.structures if isinstance(s.doc, FlowDocument)]
    for place, docs in backlinks(flows, handbook.index).items():
        related.setdefault(place, []).extend(Related("流程图", d.display_title, urls.document(d.id)) for d in docs)
    for place, forms in form_links([f.form for f in handbook.forms]).items():
        related.setdefault(place, []).extend(
            Related("表格", f.display_title, urls.form(f.id)) for f in forms)
    return related


class Pages(Output):
    name = "pages"

    def produce(self, build: Build) -> Files:
        handbook = build.edition
        rendered = build.results.get("flowcharts", {})
        extras = PageExtras(
            related=related_links(handbook),
            flowcharts={flow_id: flow_markdown(item, svg_href=urls.flow_drawing(flow_id, ".svg"),
                                                 png_href=urls.flow_drawing(flow_id, ".png"),
                                                 title=handbook.index.structures[flow_id].doc.title)
                        for flow_id, item in rendered.items()},
            compendium_href=urls.compendium_download(handbook.compendium),
        )
        return generate_pages(handbook, build.root, extras, compiled=build.build_dir / "cache" / "templates")
