"""One build, start to finish: load → select the edition → run the outputs → MkDocs → publish.

    sources ─ load_handbook ─▶ Handbook ─ select(profile) ─▶ Edition
        ─ outputs.OUTPUTS, in order (each produce(build) → files) ─▶ build/docs + build/mkdocs.yml
        ─ site.run_mkdocs ─▶ staging folder ─ publish.staging ─▶ the output folder, swapped in one step
"""

from __future__ import annotations

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


def generate(handbook: Handbook, root: Path, build_dir: Path, *, downloads: bool = True, pdf: bool = False,
             outputs=OUTPUTS) -> Files:
    """Every file MkDocs is given: what the outputs produce (without downloads when previewing)."""
    build = Build(handbook, root, build_dir, pdf=pdf, preview=not downloads)
    return run_outputs(build, outputs)


def write_sources(handbook: Handbook, root: Path, build_dir: Path, *, downloads: bool = True,
                  pdf: bool = False, outputs=OUTPUTS) -> site.Generated:
    """Write build/docs (Markdown + assets), build/overrides and build/mkdocs.yml."""
    files = generate(handbook, root, build_dir, downloads=downloads, pdf=pdf, outputs=outputs)
    compendium_href = compendium_download(handbook.compendium) if downloads else None
    return site.write_docs(handbook, root, build_dir, files, compendium_href=compendium_href)


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
    try:
        generated = write_sources(handbook, root, build_dir, pdf=pdf, outputs=outputs)
    except PdfError as error:
        raise HandbookError([Problem("build.py", 1, 1, f"PDF 生成失败：{error}")]) from error
    with publish.staging(out, profile) as staging:
        site.run_mkdocs(generated.config, staging, source_date_epoch(handbook))
    return handbook
