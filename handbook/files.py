"""Writing output files: complete or absent, and readable by everyone (0644) whatever the umask."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FILE_MODE = 0o644
# Names Windows keeps for devices, whatever the extension: never a file or folder name we write
WINDOWS_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul"} | {f"{d}{n}" for d in ("com", "lpt") for n in range(10)})


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temp, FILE_MODE)  # mkstemp creates 0600
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


DIR_MODE = 0o755


def publishable(folder: Path) -> None:
    """Every file 0644 and every folder 0755 under folder, so a web server's user can read what a
    build wrote under any umask (MkDocs and the tools it runs create files with the umask's modes)."""
    os.chmod(folder, DIR_MODE)
    for base, dirs, files in os.walk(folder):
        for name in dirs:
            os.chmod(os.path.join(base, name), DIR_MODE)
        for name in files:
            path = os.path.join(base, name)
            if not os.path.islink(path):
                os.chmod(path, FILE_MODE)
