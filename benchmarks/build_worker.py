"""One instrumented full build, in its own process: `python3 build.py build` with a stopwatch on each stage.

    python benchmarks/build_worker.py <project> <site-out>

Runs the build command of the project's own program (handbook.cli.main) and
prints JSON on stdout: wall time, the exclusive time of each stage (a stage
called inside another is not counted twice), which stages the program does not
have or does not call, and peak memory. The stages are found by name in the
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
import time
from contextlib import redirect_stdout
from pathlib import Path

# stage id → the functions that do it ("module:function"); the first that exists is timed
STAGES: dict[str, list[str]] = {
    "load": ["handbook.sources:load_handbook"],
    "pages": ["handbook.site:generate_pages"],
    "flowcharts": ["handbook.render.flowcharts:render_all"],
    "forms": ["handbook.forms.output:write_blank_forms"],
    "compendium": ["handbook.render.compendium:build_compendium"],
    "mkdocs": ["handbook.site:run_mkdocs"],
}
ABSENT, NOT_CALLED = "absent", "not-called"


class Stopwatch:
    """Exclusive time per stage: time spent in a nested stage is charged to that stage only."""

    def __init__(self):
        self.spent: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._stack: list[list[float]] = []  # per active stage: [start, time of nested stages]

    def wrap(self, stage: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            self._stack.append([time.perf_counter(), 0.0])
            try:
                return function(*args, **kwargs)
            finally:
                start, nested = self._stack.pop()
                total = time.perf_counter() - start
                self.spent[stage] = self.spent.get(stage, 0.0) + total - nested
                self.calls[stage] = self.calls.get(stage, 0) + 1
                if self._stack:
                    self._stack[-1][1] += total
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
        original = next((f for f in map(find, targets) if f is not None), None)
        if original is None:
            continue
        wrapper = stopwatch.wrap(stage, original)
        for module in [m for name, m in sys.modules.items() if name.split(".")[0] == "handbook" and m]:
            for attribute, value in list(vars(module).items()):
                if value is original:
                    setattr(module, attribute, wrapper)
        timed[stage] = next(t for t in targets if find(t) is not None)
    return timed


def cache_entries(project: Path) -> int:
    cache = project / "build" / "cache"
    return sum(1 for p in cache.rglob("*") if p.is_file()) if cache.is_dir() else 0


def peak_rss_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kB on Linux


def main(project: Path, out: Path) -> dict:
    sys.path.insert(0, str(project))
    stopwatch = Stopwatch()
    timed = install(stopwatch)
    from handbook import cli

    assert Path(cli.__file__).resolve().is_relative_to(project.resolve()), cli.__file__
    cache_before = cache_entries(project)
    log = io.StringIO()
    started = time.perf_counter()
    with redirect_stdout(log):
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
        "peak_rss_mib": peak_rss_mib(resource.RUSAGE_SELF),
        "peak_child_rss_mib": peak_rss_mib(resource.RUSAGE_CHILDREN),
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
