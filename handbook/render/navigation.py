"""The site's menu: categories in compendium order, the extra figures, forms, the self-check page,
the changelog and the editor guide. Every entry's address comes from urls.py (or the index)."""

from __future__ import annotations

from markupsafe import escape

from .. import decide_page, urls
from ..sources import Handbook
from .pages import nav_title


def nav_label(text: str) -> str:
    # The theme writes navigation titles into pages as HTML: editors' words must arrive as text
    return str(escape(text))


def navigation(handbook: Handbook) -> list:
    nav: list = [{"首页": urls.HOME}]
    for category, entries in handbook.by_category():
        if entries:
            nav.append({nav_label(category.name): [{nav_label(nav_title(s.doc)): handbook.index.page_of(s.doc.id)}
                                                   for s in entries]})
    extra = [s for s in handbook.structures if s.doc.seq is None]
    if extra:
        nav.append({"附图": [{nav_label(nav_title(s.doc)): handbook.index.page_of(s.doc.id)} for s in extra]})
    in_contents = set(handbook.index.pages.values())  # forms in the menu already, as their compendium entry
    forms = [f for f in handbook.forms if urls.form_page(f.form.id) not in in_contents]
    if forms:
        nav.append({"表格": [{nav_label(f.form.display_title): urls.form_page(f.form.id)} for f in forms]})
    if decide_page.has_page(handbook):
        nav.append({decide_page.PAGE_TITLE: decide_page.PAGE})
    nav += [{"更新日志": urls.CHANGELOG}, {"编辑指南": urls.GUIDE}]
    return nav
