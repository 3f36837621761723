"""Load every source of the handbook: the compendium file and each regulation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import kinds, model, structure, urls
from .errors import Problem
from .load import Source, ignored_yaml_files, parse_yaml, validate
from .refs import Index

COMPENDIUM_FILE = "compendium.yaml"


@dataclass
class Handbook:
    root: Path
    compendium: model.Compendium | None
    structures: list[structure.Structure]  # in compendium order
    sources: dict[str, Source] = field(default_factory=dict)  # doc id → its YAML source
    index: Index = None  # type: ignore[assignment]
    forms: list = field(default_factory=list)  # handbook.forms.definitions.LoadedForm, in file order

    def __post_init__(self) -> None:
        self.index = Index(self.structures)

    @property
    def documents(self) -> list[model.DocumentBase]:
        return [s.doc for s in self.structures]

    def by_category(self) -> list[tuple[model.Category, list[structure.Structure]]]:
        return [(c, [s for s in self.structures if s.doc.category == c.name and s.doc.seq is not None])
                for c in self.compendium.categories]


def regulation_files(root: Path) -> list[Path]:
    folder = root / "regulations"
    return sorted(p for p in folder.glob("*.yaml")
                  if p.name != COMPENDIUM_FILE and not p.name.startswith((".", "_")))


def load_documents(root: Path) -> tuple[list[tuple[Source, model.DocumentBase]], list[Problem]]:
    problems: list[Problem] = []
    loaded = []
    for path in regulation_files(root):
        source, found = parse_yaml(path, root)
        if not found:
            doc, found = validate(source, model.DOCUMENT)
            if doc is not None:
                loaded.append((source, doc))
        problems += found
    return loaded, problems


def load_compendium(root: Path) -> tuple[Source | None, model.Compendium | None, list[Problem]]:
    path = root / "regulations" / COMPENDIUM_FILE
    source, problems = parse_yaml(path, root)
    if problems:
        return source, None, problems
    compendium, problems = validate(source, model.COMPENDIUM)
    return source, compendium, problems


def sort_key(doc: model.DocumentBase) -> tuple:
    # TOC entries by their number; documents outside the TOC after them
    return (doc.seq is None, doc.seq or 0, doc.id)


def load_handbook(root: Path) -> tuple[Handbook | None, list[Problem]]:
    """Load and validate everything, reporting every problem; the handbook is None on any error."""
    from .forms.definitions import load_forms, reference_problems
    from .validate import check_documents, check_handbook
    from .lint import lint_sources
    from .decide import decision_problems
    from .synonyms import synonym_problems

    comp_source, compendium, problems = load_compendium(root)
    loaded, doc_problems = load_documents(root)
    problems += doc_problems
    problems += check_documents(loaded, compendium, comp_source)
    loaded.sort(key=lambda pair: sort_key(pair[1]))
    pairs = [(source, kinds.build_structure(doc)) for source, doc in loaded]
    handbook = Handbook(root, compendium, [s for _, s in pairs], {s.doc.id: src for src, s in pairs})
    problems += check_handbook(handbook.index, pairs)
    handbook.forms, form_problems = load_forms(root)
    handbook.index.pages.update(urls.form_entry_pages(handbook.documents, {f.form.id for f in handbook.forms}))
    problems += form_problems + reference_problems(handbook.forms, handbook.index)
    problems += _form_entries(pairs, {f.form.id for f in handbook.forms})
    problems += _generated_name_collisions(pairs, [f.form.id for f in handbook.forms], compendium)
    problems += lint_sources(pairs, [comp_source], handbook.index)
    problems += ignored_yaml_files(root / "regulations", root) + ignored_yaml_files(root / "forms", root)
    problems += decision_problems(pairs, handbook.index)
    problems += synonym_problems(root, handbook)
    if compendium is None or any(p.severity == "error" for p in problems):
        return None, problems
    return handbook, problems


def _form_entries(pairs: list[tuple[Source, structure.Structure]], form_ids: set[str]) -> list[Problem]:
    """A compendium entry of kind form must name a form defined in forms/."""
    return [source.problem(("form",), f"表格「{s.doc.form}」不存在（forms/ 中没有这个 id）",
                           hint="可用表格：" + "、".join(sorted(form_ids)))
            for source, s in pairs if isinstance(s.doc, model.FormEntryDocument) and s.doc.form not in form_ids]


def _generated_name_collisions(pairs: list[tuple[Source, structure.Structure]], form_ids: list[str],
                               compendium: model.Compendium | None) -> list[Problem]:
    """A document whose page (or folder) would be a file the build generates itself: form-<id>.html, changelog.html …"""
    from . import urls

    taken = urls.generated_names([], form_ids, [], compendium)  # everything but the documents' own pages
    problems = []
    for source, s in pairs:
        clash = sorted({urls.document(s.doc.id), s.doc.id} & taken)
        if clash:
            problems.append(source.problem(
                ("id",), f"「{s.doc.id}」是网站保留名称：网站自动生成的「{clash[0]}」与这个文件的页面同名，会覆盖它",
                hint="换一个文件标识（同时改文件名）"))
    return problems
