"""The staff search index (search/*.js), read from the pages MkDocs wrote: what a reader searches is
what the pages show (handbook/search_index.py says how)."""

from __future__ import annotations

from ..search_index import SEARCH_DIR, searched_pages, site_index
from ..synonyms import SYNONYMS_FILE, load_synonyms
from .base import Build, Files, Inputs, Output


class SearchIndex(Output):
    name = "search-index"
    cached = True
    reads_site = True

    def inputs(self, build: Build) -> Inputs:
        # the pages' HTML holds everything else the index is made from (text, anchors, titles)
        return Inputs(files=(SYNONYMS_FILE,), packages=("jieba",), site=("*.html",))

    def produce(self, build: Build) -> Files:
        files = site_index(searched_pages(build.edition), build.site_dir, load_synonyms(build.root))
        return {f"{SEARCH_DIR}/{name}": text for name, text in files.items()}
