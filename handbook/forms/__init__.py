"""Official forms: definitions in forms/*.yaml, templates in templates/forms/*.docx, filled DOCX out.

What the rest of the build uses (imported lazily, so loading the form model stays cheap):

    load_forms(root) -> (list[LoadedForm], problems)          definitions.py
    reference_problems(loaded, index) -> problems             definitions.py
    write_blank_forms(out_dir, root, forms) -> paths          output.py   both blanks of each form
    handwritten_blank(form, root) -> bytes                    output.py   the blank to print (no controls)
    browser_files(forms, root) -> {path: script}              browser.py  the form pages' fill-in form
    preview_css() -> str                                      preview.py

The form pages themselves (what staff read, and the editor guide's forms section) are rendered
by render/form_pages.py, beside the other pages.
    main(argv) -> int  (python3 build.py fill …)              cli.py
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "load_forms": "definitions", "reference_problems": "definitions", "document_id": "definitions",
    "write_blank_forms": "output", "handwritten_blank": "output", "browser_files": "browser",
    "preview_css": "preview", "main": "cli",
}


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(name)
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
