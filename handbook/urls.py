"""The one owner of the site's URL scheme: where every document, article, flow step, form and download lives.

The site is flat: every page sits at the root as <name>.md (what MkDocs reads) → <name>.html
(what a reader opens), so a link between pages is just the page name. Everything that writes
a link, a navigation entry, a download or a cross-reference asks this module; nothing else
spells out ".html", "form-" or "downloads/".
"""

from __future__ import annotations

import re
import unicodedata

from . import model

HOME = "index.md"
CHANGELOG = "changelog.md"
GUIDE = "editor_guide.md"
DECIDE = "decide.md"  # 议事决策自查
DOWNLOADS = "downloads"
EXPORT = "handbook.json"  # the whole handbook as data, for other systems
# Names the site (MkDocs and the theme) writes itself, besides the pages it is given
SITE_OWN = ("404.html", "sitemap.xml", "sitemap.xml.gz", "search", "assets")


def page_url(page: str) -> str:
    """The URL of a page given by its Markdown name: x.md → x.html."""
    return page.removesuffix(".md") + ".html"


def with_anchor(url: str, anchor: str | None) -> str:
    return url + (f"#{anchor}" if anchor else "")


def document_page(doc_id: str) -> str:
    return f"{doc_id}.md"


def document(doc_id: str, anchor: str | None = None) -> str:
    """A document's page, or an element of it (an article, item, flow step … by its anchor)."""
    return with_anchor(page_url(document_page(doc_id)), anchor)


def flow_step_anchor(node_id: str) -> str:
    """The anchor of a flow step in the list of steps under the drawing."""
    return f"step-{node_id}"


def form_page(form_id: str) -> str:
    return f"form-{form_id}.md"


def form(form_id: str) -> str:
    return page_url(form_page(form_id))


def form_entry_pages(docs, form_ids) -> dict[str, str]:
    """Compendium entries that are forms, each with the page of its form (doc id → form page).

    The form page is the entry's one page (search and the menu show it once); the entry's own
    address stays as a page that leads there."""
    return {doc.id: form_page(doc.form) for doc in docs
            if isinstance(doc, model.FormEntryDocument) and doc.form in form_ids}


def form_download(form_id: str) -> str:
    """The blank form (DOCX) to fill in Word/WPS: content controls."""
    return f"{DOWNLOADS}/{form_id}.docx"


def form_print_download(form_id: str) -> str:
    """The blank form (DOCX) to print and write by hand: empty cells, no controls (the compendium prints it)."""
    return f"{DOWNLOADS}/{form_id}-print.docx"


FORM_FILL_SCRIPT = "assets/forms/form-fill.js"  # the form pages' fill-in form


def form_script(form_id: str) -> str:
    """A form's definition, checks and blank for its page's fill-in form (a script: it loads from file:// too)."""
    return f"assets/forms/{form_id}.js"


def flow_drawing(flow_id: str, suffix: str) -> str:
    """A flowchart as a file beside the pages: suffix ".svg" or ".png"."""
    return f"{flow_id}{suffix}"


def compendium_file(compendium: model.Compendium, suffix: str = ".docx") -> str:
    """The printed compendium's file name: its title and edition, safe on every file system."""
    return f"{_safe_name(compendium.title)}-{_safe_name(compendium.edition)}{suffix}"


def compendium_download(compendium: model.Compendium, suffix: str = ".docx") -> str:
    return f"{DOWNLOADS}/{compendium_file(compendium, suffix)}"


def _safe_name(text: str) -> str:
    # invisible format characters (Unicode Cf, e.g. U+202E) could disguise the extension: dropped
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return re.sub(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+', "_", text).strip("._") or "compendium"


def is_download(path: str) -> bool:
    """Whether a site path is a file readers download (made beside the pages, not a page MkDocs renders)."""
    flow_id, png = path[:-len(".png")], path.endswith(".png")
    return path.startswith(f"{DOWNLOADS}/") or path == EXPORT or (png and bool(re.fullmatch(model.ID_PATTERN, flow_id)))


def generated_names(doc_ids, form_ids, flow_ids, compendium: model.Compendium | None = None) -> set[str]:
    """Every name the build puts at the top of the site (pages, drawings, folders, downloads' folder …).

    An id whose page would land on one of these collides with a generated file: the reserved-id
    check can be derived from fixed_names() and from this."""
    names = set(fixed_names())
    names |= {document(i) for i in doc_ids} | {form(i) for i in form_ids}
    names |= {flow_drawing(i, s) for i in flow_ids for s in (".svg", ".png")}
    if compendium is not None:
        names |= {compendium_download(compendium, s) for s in (".docx", ".pdf")}
    names |= {form_download(i) for i in form_ids} | {form_print_download(i) for i in form_ids}
    return names


def fixed_names() -> tuple[str, ...]:
    """The names that exist in every build, whatever the data."""
    return (page_url(HOME), page_url(CHANGELOG), page_url(GUIDE), page_url(DECIDE), DOWNLOADS, EXPORT, *SITE_OWN)
