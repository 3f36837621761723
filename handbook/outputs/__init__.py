"""Every output of the build, in the order the build runs them.

Adding an output is one module in this folder (a class implementing base.Output) and one line
below; ARCHITECTURE.md shows how. An output that reads what another produced runs after it and
names it in its Inputs.after.
"""

from __future__ import annotations

from .assets import SiteAssets
from .compendium import Compendium
from .export import HandbookExport
from .flowcharts import Flowcharts
from .forms import BlankForms, FormScripts
from .pages import Pages

OUTPUTS = (
    SiteAssets(),
    Flowcharts(),
    Pages(),  # after Flowcharts: flow pages show the drawings
    FormScripts(),
    BlankForms(),
    Compendium(),  # after Flowcharts and BlankForms: it prints both
    HandbookExport(),
)
