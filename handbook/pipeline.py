"""One build, start to finish: load → select the edition → run the outputs → MkDocs → publish.

    sources ─ load_handbook ─▶ Handbook ─ select(profile) ─▶ Edition
        ─ the site's sources, in order (each produce(build) → files) ─▶ build/docs + build/mkdocs.yml
        ─ site.run_mkdocs ─▶ staging folder   ║ meanwhile the downloads (Output.download) are made
        ─ the site's readers (Output.reads_site: the search index) read what MkDocs wrote
        ─ their files and the downloads written beside MkDocs' output ─ publish.staging ─▶ the output folder
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from . import publish, site
from .d2 import D2Error
from .errors import HandbookError, Problem
from .lock import build_locks
from .outputs import OUTPUTS
from .outputs.base import Build, Files, downloads, run_outputs, site_readers, site_sources
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
    files = run_outputs(build, site_sources(outputs))
    return site.write_docs(build.edition, build.root, build.build_dir, files,
                           compendium_href=compendium_download(build.edition.compendium))


def preview_sources(handbook: Handbook, root: Path, build_dir: Path) -> site.Generated:
    """The live preview's pages: everything but the downloads (made when asked for: preview_downloads)."""
    return write_sources(Build(handbook, root, build_dir, preview=True))


def preview_downloads(root: Path, build_dir: Path, outputs=OUTPUTS) -> Files:
    """The downloads of the sources as they are now, for the live preview, which makes them only when a
    page's download link is followed (most edits are never downloaded). Each output's own cache makes
    asking again cheap while its inputs are unchanged. The caches are its own (build_dir/downloads), apart
    from those of the preview's pages, which the preview's own process writes meanwhile."""
    handbook, _ = load_or_raise(root)
    build = Build(handbook, root, build_dir / "downloads")
    with drawing_failures(handbook):
        run_outputs(build, site_sources(outputs))  # what the downloads are made from (the drawn flows …)
        return run_outputs(build, downloads(outputs))


def run_mkdocs_and_the_rest(mkdocs, build: Build, site_dir: Path, outputs=OUTPUTS) -> Files:
    """Run mkdocs() (MkDocs is a process of its own, writing site_dir) and meanwhile, in a thread, the
    downloads; then the outputs that read the site, while the downloads may still be under way.
    Returns the files of both, to add to the site."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        made = pool.submit(run_outputs, build, downloads(outputs))
        mkdocs()  # should anything fail, leaving the block still waits for the downloads, and the error is raised
        build.site_dir = site_dir
        read = run_outputs(build, site_readers(outputs))
        return {**made.result(), **read}


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
    with drawing_failures(handbook):
        generated = write_sources(build, outputs)
        with publish.staging(out, profile) as staging:
            try:
                files = run_mkdocs_and_the_rest(
                    lambda: site.run_mkdocs(generated.config, staging, source_date_epoch(handbook)), build, staging,
                    outputs)
            except PdfError as error:
                raise HandbookError([Problem("build.py", 1, 1, f"PDF 生成失败：{error}")]) from error
            site.write_files(staging, files)
    return handbook


@contextmanager
def drawing_failures(handbook: Handbook):
    """A flowchart D2 or the rasteriser refused, as a problem of the flow's own file (the build stops)."""
    try:
        yield
    except D2Error as error:
        source = handbook.sources.get(error.key or "")
        where = source.shown if source else "build.py"
        raise HandbookError([Problem(where, 1, 1, f"流程图生成失败：{error}")]) from error
