"""The printed compendium (GB/T 9704) as DOCX, and with --pdf also as PDF, under downloads/.

One output, not two: with --pdf the DOCX is written again with the contents page numbers
measured in the PDF, so both files come from the same run.
"""

from __future__ import annotations

from pathlib import Path

from .. import urls
from ..forms.definitions import document_id
from ..profile import edition_of
from ..render.compendium import build_compendium
from ..render.pdf import compendium_pdf
from .base import Build, Files, Inputs, Output


class Compendium(Output):
    name = "compendium"
    cached = True
    download = True

    def inputs(self, build: Build) -> Inputs:
        return Inputs(files=("assets/fontconfig/fonts.conf",), settings={"pdf": build.pdf},
                      packages=("jieba", "python-docx", "lxml"), after=("flowchart-images", "forms"))

    def produce(self, build: Build) -> Files:
        handbook = build.edition
        folder = build.build_dir / "downloads"
        flow_pngs, flow_svgs = ({s.doc.id: build.materialise(urls.flow_drawing(s.doc.id, suffix))
                                 for s in handbook.structures if urls.flow_drawing(s.doc.id, suffix) in build.files}
                                for suffix in (".png", ".svg"))  # the SVG says where a tall chart may be cut
        # the blank to write by hand: empty cells, no placeholder on paper
        form_docs = {document_id(f.form): build.materialise(urls.form_print_download(f.form.id)) for f in handbook.forms
                     if document_id(f.form) and urls.form_print_download(f.form.id) in build.files}

        def write(toc_pages=None) -> Path:
            return build_compendium(handbook.compendium, handbook.structures, handbook.index, folder,
                                    flow_pngs=flow_pngs, flow_svgs=flow_svgs, form_docs=form_docs,
                                    internal_mark=edition_of(handbook).mark is not None, toc_pages=toc_pages)

        docx = write()
        files: Files = {}
        if build.pdf:
            printed = compendium_pdf(docx, folder / docx.with_suffix(".pdf").name, rebuild=write)
            files[urls.compendium_download(handbook.compendium, ".pdf")] = printed.read_bytes()
        files[urls.compendium_download(handbook.compendium)] = docx.read_bytes()
        return files
