"""The site's search engine under Node (tests/support/search_engine.js) on the site's own index files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

RUNNER = Path(__file__).resolve().parent / "search_engine.js"


def run_engine(site: Path, queries: list) -> list[dict]:
    """One engine answer per query; a query is a string or [query, options]."""
    asked = [q if isinstance(q, list) else [q, {}] for q in queries]
    done = subprocess.run(["node", str(RUNNER), str(site)], input=json.dumps(asked),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
