"""Official forms: definitions in forms/*.yaml, templates in templates/forms/*.docx, filled DOCX out.

What the rest of the build uses (imported lazily, so loading the form model stays cheap):

    load_forms(root) -> (list[LoadedForm], problems)          definitions.py
    reference_problems(loaded, index) -> problems             definitions.py
    write_blank_forms(out_dir, root, forms) -> paths          output.py   both blanks of each form
    handwritten_blank(form, root) -> bytes                    output.py   the blank to print (no controls)
    browser_files(forms, root) -> {path: script}              browser.py  the form pages' fill-in form
    form_page_markdown(form, index) -> str                    page.py
    forms_guide_markdown(forms) -> str                        page.py     the editor guide's forms section
    form_page_name(form_id), download_path(form_id)           page.py
    form_links(forms) -> {(doc id, key): forms}               page.py
    preview_css() -> str                                      preview.py
    main(argv) -> int  (python3 build.py fill …)              cli.py
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "load_forms": "definitions", "reference_problems": "definitions", "document_id": "definitions",
    "write_blank_forms": "output", "handwritten_blank": "output", "browser_files": "browser",
    "forms_guide_markdown": "page", "form_page_markdown": "page", "form_page_name": "page",
    "download_path": "page", "form_links": "page", "preview_css": "preview", "main": "cli",
}


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(name)
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
