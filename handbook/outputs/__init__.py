"""Every output of the build, in the order the build runs them.

Adding an output is one module in this folder (a class implementing base.Output) and one line
below; ARCHITECTURE.md shows how. An output that reads what another produced runs after it and
names it in its Inputs.after. The build runs them in three phases (outputs/base.py): the site's
sources before MkDocs, the downloads while MkDocs runs, the site's readers after it; within each
phase, in this order.
"""

from __future__ import annotations

from .assets import SiteAssets
from .compendium import Compendium
from .export import HandbookExport
from .flowcharts import FlowchartImages, Flowcharts
from .forms import BlankForms, FormScripts
from .pages import Pages
from .search import SearchIndex

OUTPUTS = (
    SiteAssets(),
    Flowcharts(),
    Pages(),  # after Flowcharts: flow pages show the drawings
    FormScripts(),
    FlowchartImages(),  # after Flowcharts: the PNGs of its SVGs
    BlankForms(),
    Compendium(),  # after FlowchartImages and BlankForms: it prints both
    HandbookExport(),
    SearchIndex(),  # reads the pages MkDocs wrote
)
