"""The site's own stylesheets, scripts and images (fonts and font configs are for rendering only)."""

from __future__ import annotations

from pathlib import Path

from ..forms.preview import preview_css
from .base import Build, Files, Output

SITE_ASSETS = ("stylesheets", "javascripts", "vendor", "images")  # the folders of assets/ that belong in the site


def asset_files(root: Path) -> dict[str, bytes]:
    files = {}
    for folder in SITE_ASSETS:
        base = root / "assets" / folder
        for path in sorted(base.rglob("*")) if base.is_dir() else []:
            if path.is_file():
                files[f"assets/{folder}/{path.relative_to(base).as_posix()}"] = path.read_bytes()
    return files


class SiteAssets(Output):
    name = "assets"

    def produce(self, build: Build) -> Files:
        files: Files = asset_files(build.root)
        files["assets/stylesheets/forms-preview.css"] = preview_css()
        return files
