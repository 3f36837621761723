"""The interface every output implements, the build it runs in, and cache keys derived from declared inputs.

An output is one kind of file the build produces (pages, flowcharts, blank forms, the compendium …).
It says what it is made from (`inputs`) and makes its files from the edition (`produce`). The build
runs the registered outputs in order (outputs/__init__.py), in three phases: the site's sources
before MkDocs, the downloads (`download`) while MkDocs runs, and the outputs that read the site
MkDocs wrote (`reads_site`) after it. What one produces, later ones can read (`Build.files`,
`Build.materialise`, `Build.results`). A cached output is remade only when its key changes, and its
key is computed from its declaration, so an input cannot be forgotten in one place and remembered in
another.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ..profile import edition_of
from ..sources import Handbook

PROGRAM = Path(__file__).resolve().parent.parent  # the handbook package: every output depends on the program
LOCK = "requirements.lock"  # pins every library the program runs with

Files = dict[str, "bytes | str"]  # site-relative path → content


@dataclass(frozen=True)
class Inputs:
    """What an output is made from, besides what every output is made from: the program (handbook/),
    requirements.lock, and the edition's data (documents, compendium, forms, profile, SOURCE_DATE_EPOCH)."""

    files: tuple[str, ...] = ()  # globs relative to the project root, e.g. "forms/*.yaml"
    settings: dict[str, Any] = field(default_factory=dict)  # build options that change the bytes (JSON values)
    packages: tuple[str, ...] = ()  # distributions whose installed version changes the bytes
    after: tuple[str, ...] = ()  # earlier outputs whose files this one reads (Build.files / materialise)
    site: tuple[str, ...] = ()  # globs in the site MkDocs wrote (Build.site_dir), for an output that reads_site


@dataclass
class Build:
    """One build of one edition: the options, and what the outputs that already ran produced."""

    edition: Handbook  # selected once, before any output runs
    root: Path
    build_dir: Path
    pdf: bool = False
    preview: bool = False  # the live preview: pages only (its downloads are made when asked for)
    site_dir: Path | None = None  # the site MkDocs wrote (the staging folder), once MkDocs has run
    files: Files = field(default_factory=dict)
    produced: dict[str, list[str]] = field(default_factory=dict)  # output name → the names of its files
    results: dict[str, Any] = field(default_factory=dict)  # what an output hands on besides files
    # the downloads are made in a thread while the main thread runs MkDocs and then the site's readers
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def materialise(self, name: str) -> Path:
        """A produced file on disk (under build/files/), for renderers that read paths."""
        path = self.build_dir / "files" / name
        data = self.files[name]
        data = data.encode("utf-8") if isinstance(data, str) else data
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return path


class Output:
    """One output of the build. Subclasses set `name` and implement `produce`; see ARCHITECTURE.md."""

    name: ClassVar[str]
    cached: ClassVar[bool] = False  # kept under build/cache/<name>/<key>/ and reused while the key is the same
    # A download (a file readers fetch, not a page): MkDocs does not read it, so it is made while
    # MkDocs runs and put into the site beside MkDocs' output; the live preview leaves it out.
    download: ClassVar[bool] = False
    # Reads the site MkDocs wrote (Build.site_dir; declare what it reads in Inputs.site), so it runs
    # after MkDocs, its files added to the site. The live preview leaves it out: MkDocs serves there.
    reads_site: ClassVar[bool] = False

    def inputs(self, build: Build) -> Inputs:
        return Inputs()

    def produce(self, build: Build) -> Files:
        raise NotImplementedError


def site_sources(outputs) -> list[Output]:
    """The outputs MkDocs reads (pages, drawings, assets): made before it runs."""
    return [o for o in outputs if not o.download and not o.reads_site]


def downloads(outputs) -> list[Output]:
    """The files readers download: made while MkDocs runs."""
    return [o for o in outputs if o.download]


def site_readers(outputs) -> list[Output]:
    """The outputs made from the site MkDocs wrote: made after it."""
    return [o for o in outputs if o.reads_site]


def run_outputs(build: Build, outputs) -> Files:
    """Run the outputs in order; the files they produce, by site-relative name."""
    produced: Files = {}
    for output in outputs:
        if build.preview and (output.download or output.reads_site):
            continue
        files = from_cache(output, build) if output.cached else output.produce(build)
        with build.lock:
            clash = sorted(set(files) & set(build.files))
            if clash:
                raise ValueError(f"output {output.name} produces files another output produced: {clash}")
            build.produced[output.name] = sorted(files)
            build.files.update(files)
        produced.update(files)
    return produced


def cache_key(output: Output, build: Build) -> str:
    """A digest of everything the output is made from: the program, the lock, the edition and its declaration."""
    declared = output.inputs(build)
    digest = hashlib.sha256()
    for name, path in input_files(build.root, declared.files):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in declared.after:
        for produced in build.produced[name]:
            data = build.files[produced]
            digest.update(produced.encode() + b"\0" + (data.encode() if isinstance(data, str) else data) + b"\0")
    for name, path in site_files(build, declared.site):
        digest.update(b"site/" + name.encode() + b"\0" + path.read_bytes() + b"\0")
    handbook = build.edition
    state = {
        "output": output.name,
        "documents": [s.doc.model_dump(mode="json") for s in handbook.structures],
        "compendium": handbook.compendium.model_dump(mode="json"),
        "forms": [f.form.model_dump(mode="json") for f in handbook.forms],
        "excluded": sorted(handbook.index.excluded),
        "profile": edition_of(handbook).profile,
        "settings": declared.settings,
        "packages": {name: package_version(name) for name in sorted(declared.packages)},
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH"),
    }
    digest.update(json.dumps(state, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()[:32]


def input_files(root: Path, patterns: tuple[str, ...]) -> list[tuple[str, Path]]:
    """The program, the lock and the declared files, each under a stable name (never an absolute path)."""
    found = [(f"handbook/{p.relative_to(PROGRAM).as_posix()}", p) for p in sorted(PROGRAM.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts]
    for pattern in (LOCK, *patterns):
        found += [(p.relative_to(root).as_posix(), p) for p in sorted(root.glob(pattern)) if p.is_file()]
    return found


def site_files(build: Build, patterns: tuple[str, ...]) -> list[tuple[str, Path]]:
    """The files of the site MkDocs wrote that match the globs, by site-relative name."""
    if patterns and build.site_dir is None:
        raise ValueError("Inputs.site names files of the site, which exists only once MkDocs has run (reads_site)")
    found = {p.relative_to(build.site_dir).as_posix(): p for pattern in patterns
             for p in build.site_dir.glob(pattern) if p.is_file()}
    return sorted(found.items())


def package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def from_cache(output: Output, build: Build) -> Files:
    """The output's files from build/cache/<name>/<key>/, made (and stored) only when the key is new."""
    cache = build.build_dir / "cache" / output.name / cache_key(output, build)
    if cache.is_dir():
        return {p.relative_to(cache).as_posix(): p.read_bytes() for p in sorted(cache.rglob("*")) if p.is_file()}
    files = output.produce(build)
    shutil.rmtree(cache.parent, ignore_errors=True)  # keep only the latest set
    staging = cache.with_name(cache.name + ".tmp")
    for name, data in files.items():
        path = staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    staging.mkdir(parents=True, exist_ok=True)
    staging.rename(cache)
    return files
