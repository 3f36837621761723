"""The blank forms under downloads/ (to fill in Word/WPS, and to print and write by hand), and the
form pages' fill-in form (assets/forms/)."""

from __future__ import annotations

import shutil

from .. import urls
from ..forms.browser import browser_files
from ..forms.output import write_blank_forms
from .base import Build, Files, Inputs, Output


# what a form's blank is made from, besides the form itself: its template, and the libraries that fill it
FORM_INPUTS = Inputs(files=("forms/*.yaml", "templates/forms/*.docx"), packages=("docxtpl", "python-docx", "lxml"))


class BlankForms(Output):
    name = "forms"
    cached = True
    download = True

    def inputs(self, build: Build) -> Inputs:
        return FORM_INPUTS

    def produce(self, build: Build) -> Files:
        folder = build.build_dir / "downloads" / "forms"
        shutil.rmtree(folder, ignore_errors=True)
        written = write_blank_forms(folder, build.root, build.edition.forms)  # the edition's forms, already selected
        return {urls.form_download(path.stem): path.read_bytes() for path in written}


class FormScripts(Output):
    """The scripts of the form pages' fill-in form: each form's definition, checks and blank, and the filler."""

    name = "form-scripts"
    cached = True  # each script carries its form's blank, rendered from the template

    def inputs(self, build: Build) -> Inputs:
        return FORM_INPUTS

    def produce(self, build: Build) -> Files:
        return browser_files(build.edition.forms, build.root)
