"""The blank forms (DOCX with Word content controls), under downloads/."""

from __future__ import annotations

import shutil

from .. import urls
from ..forms.output import write_blank_forms
from .base import Build, Files, Inputs, Output


class BlankForms(Output):
    name = "forms"
    cached = True
    in_preview = False

    def inputs(self, build: Build) -> Inputs:
        return Inputs(files=("forms/*.yaml", "templates/forms/*.docx"), packages=("docxtpl", "python-docx", "lxml"))

    def produce(self, build: Build) -> Files:
        folder = build.build_dir / "downloads" / "forms"
        shutil.rmtree(folder, ignore_errors=True)
        written = write_blank_forms(folder, build.root, build.edition.forms)  # the edition's forms, already selected
        return {urls.form_download(path.stem): path.read_bytes() for path in written}
