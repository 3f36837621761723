"""The layers of the program, lowest first: a module imports only from its own layer or a lower one.

    foundations ← loading ← rendering ← outputs ← publishing ← commands

tests/test_architecture.py reads this map, parses every import under handbook/ (function-level
and TYPE_CHECKING imports included) and fails on an import that points up a layer, on any import
loop, and on a module that is in no layer. A new module gets one line here; see ARCHITECTURE.md.
Names are relative to the package: "forms.model" is handbook/forms/model.py.
"""

LAYERS: dict[str, tuple[str, ...]] = {
    # what everything stands on: the schema, errors as data, files and dates; no reading, no rendering
    "foundations": (
        "", "forms", "render", "importer", "docx",  # the packages themselves
        "errors", "files", "paths", "dates", "numbering", "ref_syntax", "model", "forms.model", "urls", "text", "zipfiles", "layers",
        "lock",
    ),
    # YAML in, one checked edition out: sources → structures → index → problems
    "loading": (
        "load", "sources", "structure", "kinds", "refs", "validate", "lint", "flow", "profile", "schema",
        "forms.definitions", "forms.data", "forms.records", "forms.excel", "forms.workbook", "decide", "synonyms",
        "importer.grammar", "importer.reflow", "importer.reader", "importer.links", "importer.writer",
    ),
    # one edition → bytes: pages, flowcharts, DOCX, PDF; nothing here writes the site or runs MkDocs
    "rendering": (
        "render.pages", "render.plain", "render.compendium", "render.form_print", "render.title_lines", "render.figure_pages", "render.flowcharts", "render.pdf",
        "render.guide", "render.history", "render.form_pages", "render.navigation", "docx.ooxml", "docx.gbt9704", "d2", "diff",
        "forms.layout", "forms.controls", "forms.preview", "forms.render", "forms.templates",
        "forms.example", "forms.output", "forms.browser", "decide_page",
        "search_index",  # the built pages' HTML → the search index's files
        "importer.run",  # recognise, link, render back to plain text and compare
    ),
    # the outputs as plug-ins (outputs/base.py is the interface, outputs/__init__.py the order)
    "outputs": (
        "outputs", "outputs.base", "outputs.assets", "outputs.flowcharts", "outputs.pages", "outputs.forms",
        "outputs.compendium", "outputs.export", "outputs.search",
    ),
    # the outputs put together: the Markdown tree, MkDocs, the output folder
    "publishing": (
        "pipeline", "site", "publish", "preview_hook",
    ),
    # what a person runs: build.py's subcommands
    "commands": (
        "cli", "cli_parser", "editor_commands", "serve", "scaffold", "forms.cli", "decide_cli", "importer.cli",
    ),
}
