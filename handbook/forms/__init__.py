"""Official forms: definitions in forms/*.yaml, templates in templates/forms/*.docx, filled DOCX out."""
