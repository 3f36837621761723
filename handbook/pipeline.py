"""One build, start to finish: load → select the edition → run the outputs → MkDocs → publish.

    sources ─ load_handbook ─▶ Handbook ─ select(profile) ─▶ Edition
        ─ the site's outputs, in order (each produce(build) → files) ─▶ build/docs + build/mkdocs.yml
        ─ site.run_mkdocs ─▶ staging folder   ║ meanwhile the downloads (Output.download) are made
        ─ downloads written beside MkDocs' output ─ publish.staging ─▶ the output folder, in one step
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import publish, site
from .errors import HandbookError, Problem
from .lock import build_locks
from .outputs import OUTPUTS
from .outputs.base import Build, Files, run_outputs
from .profile import Edition, select, source_date_epoch
from .render.pdf import PdfError, available as pdf_available
from .sources import Handbook, load_handbook
from .urls import compendium_download


def load_or_raise(root: Path) -> tuple[Handbook, list[Problem]]:
    handbook, problems = load_handbook(root)
    if handbook is None:
        raise HandbookError(problems)
    return handbook, problems


def write_sources(build: Build, outputs=OUTPUTS) -> site.Generated:
    """Run the outputs MkDocs reads and write build/docs (Markdown + assets), build/overrides and build/mkdocs.yml."""
    files = run_outputs(build, [o for o in outputs if not o.download])
    compendium_href = None if build.preview else compendium_download(build.edition.compendium)
    return site.write_docs(build.edition, build.root, build.build_dir, files, compendium_href=compendium_href)


def preview_sources(handbook: Handbook, root: Path, build_dir: Path) -> site.Generated:
    """The live preview's pages: everything but the downloads."""
    return write_sources(Build(handbook, root, build_dir, preview=True))


def make_downloads_during(mkdocs, build: Build, outputs=OUTPUTS) -> Files:
    """Run mkdocs() and, meanwhile in a thread, the downloads (MkDocs runs as a process of its own)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        downloads = pool.submit(run_outputs, build, [o for o in outputs if o.download])
        mkdocs()  # should MkDocs fail, leaving the block still waits for the downloads, and MkDocs' error is raised
        return downloads.result()


def build_site(root: Path, out: Path, *, build_dir: Path | None = None, profile: str = "internal",
               pdf: bool = False, outputs=OUTPUTS) -> Edition:
    """Full build of one edition into `out`, replaced only when everything succeeded.

    The edition's documents are selected before anything is generated, so pages,
    navigation, search and every output see only what it publishes.
    """
    out = out.resolve()
    build_dir = build_dir or (root / "build" if profile == "internal" else root / "build" / profile)
    publish.check_target(root, out, profile)  # a refused build leaves no trace, not even its lock files
    with build_locks(root, build_dir, out):  # one build at a time per build folder and per output folder
        return _build_site(root, out, build_dir, profile, pdf, outputs)


def _build_site(root: Path, out: Path, build_dir: Path, profile: str, pdf: bool, outputs) -> Edition:
    publish.recover(out)
    publish.check_target(root, out, profile)
    handbook = select(load_or_raise(root)[0], profile)
    if pdf and not pdf_available():
        raise HandbookError([Problem("build.py", 1, 1, "要生成 PDF 需要 LibreOffice，本机未安装",
                                     hint="Debian/Ubuntu：apt-get install libreoffice-writer-nogui fonts-noto-cjk "
                                          "fonts-arphic-ukai；不加 --pdf 则只生成 DOCX")])
    build = Build(handbook, root, build_dir, pdf=pdf)
    generated = write_sources(build, outputs)
    with publish.staging(out, profile) as staging:
        try:
            downloads = make_downloads_during(
                lambda: site.run_mkdocs(generated.config, staging, source_date_epoch(handbook)), build, outputs)
        except PdfError as error:
            raise HandbookError([Problem("build.py", 1, 1, f"PDF 生成失败：{error}")]) from error
        site.write_files(staging, downloads)
    return handbook
