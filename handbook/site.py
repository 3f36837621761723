"""Write the handbook as plain Markdown plus assets, then let MkDocs turn it into a site.

Nothing here uses MkDocs internals: MkDocs is run as a program on a generated
config that inherits the project's mkdocs.yml, so another engine that reads
mkdocs.yml can take its place.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markupsafe import escape

from .errors import HandbookError, Problem
from .guide import GUIDE_PAGE, guide_page
from .history import CHANGELOG_PAGE, changelog_page
from .profile import Edition, edition_of, mkdocs_config, select, source_date_epoch
from .flow import FlowDocument, backlinks
from .forms.definitions import document_id
from .forms.output import write_blank_forms
from .forms.page import form_links, form_page_markdown, form_page_name
from .forms.preview import preview_css
from .render.compendium import build_compendium, compendium_filename
from .render.pdf import PdfError, available as pdf_available, compendium_pdf
from .render.flowcharts import RenderedFlow, flow_markdown, render_all
from .render.pages import PageExtras, PageRenderer, Related, nav_title
from .sources import Handbook, load_handbook

# Folders of assets/ that belong in the site (fonts and font configs are for rendering only)
SITE_ASSETS = ("stylesheets", "javascripts", "vendor", "images")
DOWNLOADS = "downloads"
# Written into every built site: which edition it is, so a later build knows what it may replace
EDITION_STAMP = ".handbook-edition"


@dataclass
class Generated:
    """The Markdown tree written for MkDocs."""

    docs_dir: Path
    config: Path
    files: dict[str, str] = field(default_factory=dict)  # relative path → content


def generate_pages(handbook: Handbook, root: Path, extras: PageExtras | None = None) -> dict[str, str]:
    renderer = PageRenderer(handbook, root / "templates" / "pages", extras)
    pages = {"index.md": renderer.home()}
    forms = {form_page_name(loaded.form.id): loaded.form for loaded in handbook.forms}
    for page, form in forms.items():
        pages[page] = form_page_markdown(form, handbook.index)
    for structure in handbook.structures:
        page = handbook.index.page_of(structure.doc.id)
        if page == f"{structure.doc.id}.md":
            pages[page] = renderer.document(structure)
        else:  # a form's compendium entry: its form page is its one page, the old address leads there
            pages[page] = renderer.merge_entry(structure, pages[page], forms[page].corrections)
            pages[f"{structure.doc.id}.md"] = renderer.redirect(structure, page)
    pages[CHANGELOG_PAGE] = changelog_page(handbook, renderer.env)
    pages[GUIDE_PAGE] = guide_page(renderer.env)
    return pages


def flowchart_files(handbook: Handbook, build_dir: Path) -> tuple[dict[str, bytes], dict[str, RenderedFlow]]:
    """Every flow of the edition as <id>.svg and <id>.png beside the pages (links inside are page-relative)."""
    flows = [s.doc for s in handbook.structures if isinstance(s.doc, FlowDocument)]
    rendered = render_all(flows, build_dir / "flowcharts", index=handbook.index,
                          cache_dir=build_dir / "cache" / "flowcharts")
    files = {}
    for flow_id, item in rendered.items():
        files[f"{flow_id}.svg"] = item.svg_path.read_bytes()
        files[f"{flow_id}.png"] = item.png_path.read_bytes()
    return files, rendered


def related_links(handbook: Handbook) -> dict[tuple[str, str | None], list[Related]]:
    """The flowcharts and forms that belong to each rule, for links beside it."""
    related: dict[tuple[str, str | None], list[Related]] = {}
    flows = [s.doc for s in handbook.structures if isinstance(s.doc, FlowDocument)]
    for place, docs in backlinks(flows, handbook.index).items():
        related.setdefault(place, []).extend(Related("流程图", d.display_title, f"{d.id}.html") for d in docs)
    for place, forms in form_links([f.form for f in handbook.forms]).items():
        related.setdefault(place, []).extend(
            Related("表格", f.display_title, form_page_name(f.id).replace(".md", ".html")) for f in forms)
    return related


def downloads_key(handbook: Handbook, root: Path, rendered: dict[str, RenderedFlow], pdf: bool) -> str:
    """Everything the downloads are made from: the program, the forms, the documents, the drawings."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    inputs = sorted(package.rglob("*.py")) + sorted((root / "forms").glob("*.yaml")) \
        + sorted((root / "templates" / "forms").glob("*.docx")) + [item.png_path for _, item in sorted(rendered.items())]
    for path in inputs:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    documents = [s.doc.model_dump(mode="json") for s in handbook.structures]
    state = [documents, handbook.compendium.model_dump(mode="json"), sorted(handbook.index.excluded),
             edition_of(handbook).profile, pdf, os.environ.get("SOURCE_DATE_EPOCH")]
    digest.update(json.dumps(state, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()[:32]


def download_files(handbook: Handbook, root: Path, build_dir: Path, rendered: dict[str, RenderedFlow],
                   pdf: bool = False) -> dict:
    """The blank forms and the printed compendium (DOCX, and PDF when asked), under downloads/.

    They are remade only when something they are made from changed (cached under build/cache/downloads)."""
    cache = build_dir / "cache" / "downloads" / downloads_key(handbook, root, rendered, pdf)
    if cache.is_dir():
        return {f"{DOWNLOADS}/{path.name}": path.read_bytes() for path in sorted(cache.iterdir())}
    files = make_downloads(handbook, root, build_dir, rendered, pdf)
    shutil.rmtree(cache.parent, ignore_errors=True)  # keep only the latest set
    staging = cache.with_name(cache.name + ".tmp")
    staging.mkdir(parents=True)
    for name, data in files.items():
        (staging / Path(name).name).write_bytes(data)
    staging.rename(cache)
    return files


def make_downloads(handbook: Handbook, root: Path, build_dir: Path, rendered: dict[str, RenderedFlow],
                   pdf: bool) -> dict:
    folder = build_dir / "downloads"
    shutil.rmtree(folder, ignore_errors=True)
    blanks = write_blank_forms(folder / "forms", root, handbook.forms)  # the edition's forms, already selected
    by_document = {document_id(f.form): folder / "forms" / f"{f.form.id}.docx" for f in handbook.forms}

    def write_compendium(toc_pages=None) -> Path:
        return build_compendium(
            handbook.compendium, handbook.structures, handbook.index, folder,
            flow_pngs={flow_id: item.png_path for flow_id, item in rendered.items()},
            form_docs={doc_id: path for doc_id, path in by_document.items() if doc_id and path.exists()},
            internal_mark=edition_of(handbook).mark is not None, toc_pages=toc_pages)

    compendium = write_compendium()
    files = {f"{DOWNLOADS}/{path.name}": path.read_bytes() for path in blanks}
    if pdf:
        printed = compendium_pdf(compendium, folder / compendium.with_suffix(".pdf").name, rebuild=write_compendium)
        files[f"{DOWNLOADS}/{printed.name}"] = printed.read_bytes()
    files[f"{DOWNLOADS}/{compendium.name}"] = compendium.read_bytes()
    return files


def compendium_download(handbook: Handbook) -> str:
    """Where the printed compendium sits in the site."""
    return f"{DOWNLOADS}/{compendium_filename(handbook.compendium)}"


def generate(handbook: Handbook, root: Path, build_dir: Path, *, downloads: bool = True, pdf: bool = False) -> dict:
    """Everything MkDocs is given: pages, assets, flowcharts and (unless previewing) downloads."""
    files: dict = asset_files(root)
    files["assets/stylesheets/forms-preview.css"] = preview_css()
    flow_files, rendered = flowchart_files(handbook, build_dir)
    files.update(flow_files)
    extras = PageExtras(
        related=related_links(handbook),
        flowcharts={flow_id: flow_markdown(item, svg_href=f"{flow_id}.svg", png_href=f"{flow_id}.png",
                                           title=handbook.index.structures[flow_id].doc.title)
                    for flow_id, item in rendered.items()},
        compendium_href=compendium_download(handbook) if downloads else None,
    )
    files.update(generate_pages(handbook, root, extras))
    if downloads:
        files.update(download_files(handbook, root, build_dir, rendered, pdf))
    return files


def nav_label(text: str) -> str:
    # The theme writes navigation titles into pages as HTML: editors' words must arrive as text
    return str(escape(text))


def navigation(handbook: Handbook) -> list:
    nav: list = [{"首页": "index.md"}]
    for category, entries in handbook.by_category():
        if entries:
            nav.append({nav_label(category.name): [{nav_label(nav_title(s.doc)): handbook.index.page_of(s.doc.id)}
                                                   for s in entries]})
    extra = [s for s in handbook.structures if s.doc.seq is None]
    if extra:
        nav.append({"附图": [{nav_label(nav_title(s.doc)): f"{s.doc.id}.md"} for s in extra]})
    in_contents = set(handbook.index.pages.values())  # forms already in the menu as their compendium entry
    forms = [f for f in handbook.forms if form_page_name(f.form.id) not in in_contents]
    if forms:
        nav.append({"表格": [{nav_label(f.form.display_title): form_page_name(f.form.id)} for f in forms]})
    nav += [{"更新日志": CHANGELOG_PAGE}, {"编辑指南": GUIDE_PAGE}]
    return nav


def write_tree(target: Path, files: dict[str, str | bytes]) -> None:
    """Write files under target, touching only those whose content changed, and drop stale ones."""
    target.mkdir(parents=True, exist_ok=True)
    wanted = {target / name for name in files}
    for name, content in files.items():
        path = target / name
        data = content.encode("utf-8") if isinstance(content, str) else content
        if path.exists() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for path in sorted(target.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def asset_files(root: Path) -> dict[str, bytes]:
    files = {}
    for folder in SITE_ASSETS:
        base = root / "assets" / folder
        for path in sorted(base.rglob("*")) if base.is_dir() else []:
            if path.is_file():
                files[f"assets/{folder}/{path.relative_to(base).as_posix()}"] = path.read_bytes()
    return files


def write_sources(handbook: Handbook, root: Path, build_dir: Path, *, downloads: bool = True,
                  pdf: bool = False) -> Generated:
    """Write build/docs (Markdown + assets), build/overrides and build/mkdocs.yml."""
    files = generate(handbook, root, build_dir, downloads=downloads, pdf=pdf)
    docs_dir = build_dir / "docs"
    write_tree(docs_dir, files)
    overrides = root / "overrides"
    if overrides.is_dir():
        write_tree(build_dir / "overrides",
                   {p.relative_to(overrides).as_posix(): p.read_bytes() for p in overrides.rglob("*") if p.is_file()})
    config = build_dir / "mkdocs.yml"
    inherit = os.path.relpath(root / "mkdocs.yml", build_dir)
    config_extra = mkdocs_config(edition_of(handbook))
    if downloads:  # the header of every page links to the printed compendium
        config_extra.setdefault("extra", {})["compendium_download"] = compendium_download(handbook)
    text = yaml.safe_dump({"INHERIT": inherit, "docs_dir": "docs", "nav": navigation(handbook), **config_extra},
                          allow_unicode=True, sort_keys=False)
    write_tree_file(config, "# 由 build.py 生成，请勿手工修改\n" + text)
    return Generated(docs_dir, config, files)


def write_tree_file(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def run_mkdocs(config: Path, site_dir: Path, epoch: int) -> None:
    # SOURCE_DATE_EPOCH: MkDocs stamps pages and sitemap.xml.gz with it instead of the clock
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=str(epoch))
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config), "-d", str(site_dir)],
        capture_output=True, text=True, env=env,
    )
    if result.returncode != 0:
        output = (result.stderr + result.stdout).strip()
        raise HandbookError([Problem(str(config), 1, 1, f"MkDocs 构建失败：\n{output}")])


def load_or_raise(root: Path) -> tuple[Handbook, list[Problem]]:
    handbook, problems = load_handbook(root)
    if handbook is None:
        raise HandbookError(problems)
    return handbook, problems


def build_site(root: Path, out: Path, *, build_dir: Path | None = None, extra_steps=(),
               profile: str = "internal", pdf: bool = False) -> Edition:
    """Full build of one edition into `out`, replaced only when everything succeeded.

    The edition's documents are selected before anything is generated, so pages,
    navigation, search and every extra step see only what it publishes.
    extra_steps are callables (edition, site_dir) run after MkDocs, before the
    swap, e.g. writing downloads; a failure in any of them leaves `out` untouched.
    """
    out = out.resolve()
    recover(out)
    check_target(root, out, profile)
    handbook = select(load_or_raise(root)[0], profile)
    build_dir = build_dir or (root / "build" if profile == "internal" else root / "build" / profile)
    if pdf and not pdf_available():
        raise HandbookError([Problem("build.py", 1, 1, "要生成 PDF 需要 LibreOffice，本机未安装",
                                     hint="Debian/Ubuntu：apt-get install libreoffice-writer-nogui fonts-noto-cjk "
                                          "fonts-arphic-ukai；不加 --pdf 则只生成 DOCX")])
    try:
        generated = write_sources(handbook, root, build_dir, pdf=pdf)
    except PdfError as error:
        raise HandbookError([Problem("build.py", 1, 1, f"PDF 生成失败：{error}")]) from error
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        run_mkdocs(generated.config, staging, source_date_epoch(handbook))
        for step in extra_steps:
            step(handbook, staging)
        (staging / EDITION_STAMP).write_text(profile + "\n", encoding="utf-8")
        replace_dir(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return handbook


def built_edition(folder: Path) -> str | None:
    """The edition a folder was built as; "" for a site built before editions were stamped; None if no site."""
    stamp = folder / EDITION_STAMP
    if stamp.is_file():
        return stamp.read_text(encoding="utf-8").strip()
    if all((folder / name).is_file() for name in ("index.html", "404.html", "sitemap.xml")):
        return ""
    return None


def check_target(root: Path, out: Path, profile: str) -> None:
    """Refuse an output folder whose replacement would destroy anything but an earlier build."""
    reason = None
    if out == root.resolve() or out in root.resolve().parents:
        reason = "输出目录不能是项目目录或它的上级目录"
    elif out.exists() and not out.is_dir():
        reason = "已有同名文件，不能作为输出目录"
    elif out.is_dir() and any(out.iterdir()) and built_edition(out) is None:
        reason = "该目录不是此前构建的手册网站，为防误删不会覆盖它；请换一个目录，或确认无用后先清空它"
    elif profile == "internal" and built_edition(out) == "public":
        reason = "该目录是公开版，不能用内部版覆盖（以免内部资料进入公开目录）；请加 --profile public，或换一个目录"
    if reason:
        raise HandbookError([Problem(str(out), 1, 1, reason)])


def recover(out: Path) -> None:
    """Undo what a killed build left next to `out`: put a moved-away site back, drop abandoned copies."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(tmp|old)-(\d+)")
    for path in sorted(out.parent.iterdir() if out.parent.is_dir() else []):
        match = pattern.fullmatch(path.name)
        if not match or not _abandoned(int(match.group(2))):
            continue
        if match.group(1) == "old" and not out.exists():
            path.rename(out)
        else:
            shutil.rmtree(path, ignore_errors=True)


def _abandoned(pid: int) -> bool:
    """Whether the build that used this process id is gone (never guessed where it cannot be checked)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def replace_dir(new: Path, old: Path) -> None:
    """Put new in place of old with two renames, so old is complete until the last moment."""
    backup = old.parent / f".{old.name}.old-{os.getpid()}"
    if old.exists():
        old.rename(backup)
    try:
        new.rename(old)
    except BaseException:
        if backup.exists():
            backup.rename(old)
        raise
    shutil.rmtree(backup, ignore_errors=True)
