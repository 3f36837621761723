"""One instrumented full build, in its own process: `python3 build.py build` with a stopwatch on each stage.

    python benchmarks/build_worker.py <project> <site-out>

Runs the build command of the project's own program (handbook.cli.main) and
prints JSON on stdout: wall time, the exclusive time of each stage (a stage
called inside another is not counted twice), which stages the program does not
have or does not call, and peak memory (of the build process, and of it together
with its children: MkDocs, D2, the flowchart workers). The stages are found by name in the
program; when one moves or is renamed, STAGES is the one place to update.
"""

from __future__ import annotations

import functools
import importlib
import io
import json
import os
import resource
import subprocess
import sys
import threading
import time
from contextlib import redirect_stdout
from pathlib import Path

# stage id → the functions that do it ("module:function"); the first that exists is timed
STAGES: dict[str, list[str]] = {
    "load": ["handbook.sources:load_handbook"],
    "pages": ["handbook.outputs.pages:generate_pages", "handbook.site:generate_pages"],
    "flowcharts": ["handbook.render.flowcharts:render_all"],
    "flowchart-images": ["handbook.render.flowcharts:rasterise_all"],
    "forms": ["handbook.forms.output:write_blank_forms"],
    "compendium": ["handbook.render.compendium:build_compendium"],
    "mkdocs": ["handbook.site:run_mkdocs"],
    "search": ["handbook.search_index:build_index"],
}
ABSENT, NOT_CALLED = "absent", "not-called"


class Stopwatch:
    """Exclusive time per stage: time spent in a nested stage is charged to that stage only."""

    def __init__(self):
        self.spent: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._local = threading.local()  # per thread (downloads are made while MkDocs runs): the active stages

    def _stack(self) -> list[list[float]]:
        if not hasattr(self._local, "stack"):
            self._local.stack = []
        return self._local.stack

    def wrap(self, stage: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            stack = self._stack()
            stack.append([time.perf_counter(), 0.0])  # [start, time of nested stages]
            try:
                return function(*args, **kwargs)
            finally:
                start, nested = stack.pop()
                total = time.perf_counter() - start
                self.spent[stage] = self.spent.get(stage, 0.0) + total - nested
                self.calls[stage] = self.calls.get(stage, 0) + 1
                if stack:
                    stack[-1][1] += total
        return timed


def find(target: str):
    module_name, _, name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, name, None)


def install(stopwatch: Stopwatch) -> dict[str, str]:
    """Wrap every stage function wherever the program refers to it; returns stage → the function timed."""
    timed = {}
    for stage, targets in STAGES.items():
        found = next(((target, function) for target in targets if (function := find(target)) is not None), None)
        if found is None:
            continue
        timed[stage], original = found
        wrapper = stopwatch.wrap(stage, original)
        for module in [m for name, m in sys.modules.items() if name.split(".")[0] == "handbook" and m]:
            for attribute, value in list(vars(module).items()):
                if value is original:
                    setattr(module, attribute, wrapper)
    return timed


def cache_entries(project: Path) -> int:
    cache = project / "build" / "cache"
    return sum(1 for p in cache.rglob("*") if p.is_file()) if cache.is_dir() else 0


def own_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def tree_rss_bytes(root: int) -> int:
    """Resident memory of process `root` and all its descendants right now, from /proc (Linux)."""
    parent, rss = {}, {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rpartition(")")[2].split()
        except OSError:  # the process ended meanwhile
            continue
        pid = int(entry.name)
        parent[pid], rss[pid] = int(fields[1]), int(fields[21]) * page
    tree, grew = {root}, True
    while grew:
        found = {pid for pid, ppid in parent.items() if ppid in tree} - tree
        tree |= found
        grew = bool(found)
    return sum(rss.get(pid, 0) for pid in tree)


class TreeMemory(threading.Thread):
    """Samples the memory of this process and its children together, every `interval` seconds.

    getrusage cannot give this: a child's ru_maxrss includes its parent's memory at the
    moment it was started (the address space it was forked from), and it never adds processes up.
    """

    def __init__(self, interval: float = 0.1):
        super().__init__(daemon=True)
        self.interval, self.peak, self._done = interval, 0, threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, tree_rss_bytes(os.getpid()))
            self._done.wait(self.interval)

    def __enter__(self) -> "TreeMemory":
        if Path("/proc/self/stat").exists():
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        if self.is_alive():
            self.join()


def main(project: Path, out: Path) -> dict:
    sys.path.insert(0, str(project))
    stopwatch = Stopwatch()
    timed = install(stopwatch)
    from handbook import cli

    assert Path(cli.__file__).resolve().is_relative_to(project.resolve()), cli.__file__
    cache_before = cache_entries(project)
    log = io.StringIO()
    started = time.perf_counter()
    with redirect_stdout(log), TreeMemory() as memory:
        status = cli.main(["build", "--out", str(out)])
    wall = time.perf_counter() - started
    stages = {stage: (stopwatch.spent[stage] if stage in stopwatch.spent else
                      NOT_CALLED if stage in timed else ABSENT) for stage in STAGES}
    return {
        "status": status,
        "wall": wall,
        "stages": stages,
        "timed": timed,
        "calls": stopwatch.calls,
        "new_cache_entries": cache_entries(project) - cache_before,
        "peak_rss_mib": own_peak_mib(),
        "peak_tree_mib": memory.peak / 2**20 if memory.peak else None,
        "log": log.getvalue(),
    }


def run_build(project: Path, out: Path) -> dict:
    """Run one instrumented build of `project` into `out` in a fresh process; its JSON result.

    NO_MKDOCS_2_WARNING keeps MkDocs quiet, as the build sets it for its own subprocess.
    """
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run([sys.executable, __file__, str(project), str(out)], capture_output=True, text=True, env=env)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"构建 {project} 失败（退出码 {done.returncode}）：\n{done.stderr[-3000:]}{done.stdout[-2000:]}")
    return json.loads(lines[-1])


if __name__ == "__main__":
    result = main(Path(sys.argv[1]), Path(sys.argv[2]))
    print(json.dumps(result, ensure_ascii=False))
    sys.exit(0 if result["status"] == 0 else 1)
