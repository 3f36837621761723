"""The names the build gives its own pages, assets and downloads at the top of the site.

A document's page is <id>.html (and a flow's drawings <id>.svg / <id>.png), so an id
equal to one of these names would silently replace a generated page or folder. The
names come from the constants that define those URLs, so a new generated page is
reserved the moment it exists.
"""

from __future__ import annotations

from pathlib import PurePosixPath

CHANGELOG_PAGE = "changelog.md"
GUIDE_PAGE = "editor_guide.md"
DOWNLOAD_DIR = "downloads"
FORM_PAGE_PREFIX = "form-"


def form_page_name(form_id: str) -> str:
    return f"{FORM_PAGE_PREFIX}{form_id}.md"


def _stem(page: str) -> str:
    return PurePosixPath(page).stem


# generated whatever the sources say: MkDocs' own files and folders, ours, and names kept for later use
FIXED_NAMES = {
    "index": "首页", "404": "“页面不存在”页", "search": "检索文件夹", "assets": "样式和脚本文件夹",
    "sitemap": "站点地图", DOWNLOAD_DIR: "下载文件夹", "stylesheets": "样式文件夹", "javascripts": "脚本文件夹",
    "forms": "表格文件夹", "flows": "流程图文件夹",
    _stem(CHANGELOG_PAGE): "“更新日志”页", _stem(GUIDE_PAGE): "“编辑指南”页",
}


def generated_names(form_ids: list[str] | tuple[str, ...] = ()) -> dict[str, str]:
    """Top-level name (without extension) → what the build puts there, for every name not a document's own."""
    names = dict(FIXED_NAMES)
    names.update({_stem(form_page_name(form_id)): f"表格「{form_id}」的页面" for form_id in form_ids})
    return names


def collisions(ids: list[tuple[str, object]], form_ids: list[str]) -> list[tuple[object, str, str]]:
    """(owner, id, what is generated there) for each id that names a generated page, asset or download."""
    taken = generated_names(form_ids)
    return [(owner, doc_id, taken[doc_id]) for doc_id, owner in ids if doc_id in taken]
