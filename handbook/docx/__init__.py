"""The DOCX toolkit: a deterministic OOXML package writer (ooxml) and the GB/T 9704 page, fonts and grid (gbt9704).

Both the printed compendium (render/compendium.py) and the forms (forms/templates.py) build their
documents with it; it knows nothing about regulations or forms.
"""
