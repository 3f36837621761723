"""The output folder, replaced in one step: a build is published only when everything succeeded.

MkDocs writes into a staging folder beside the output; the stamp says which edition it is;
two renames then put it in place of the previous site, which stays complete until the last
moment (and is put back by the next build if this one is killed between the renames).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path
from typing import Iterator

from .errors import HandbookError, Problem
from .files import publishable

# Written into every built site: which edition it is, so a later build knows what it may replace
EDITION_STAMP = ".handbook-edition"


@contextlib.contextmanager
def staging(out: Path, profile: str) -> Iterator[Path]:
    """A fresh folder beside `out` to build into; put in place of `out` if the block ends normally."""
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    try:
        folder.mkdir()  # here, so an output folder that cannot be written fails with our message
        yield folder
        (folder / EDITION_STAMP).write_text(profile + "\n", encoding="utf-8")
        publishable(folder)
        replace_dir(folder, out)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def built_edition(folder: Path) -> str | None:
    """The edition a folder was built as; "" for a site built before editions were stamped; None if no site."""
    stamp = folder / EDITION_STAMP
    if stamp.is_file():
        return stamp.read_text(encoding="utf-8").strip()
    if all((folder / name).is_file() for name in ("index.html", "404.html", "sitemap.xml")):
        return ""
    return None


def check_target(root: Path, out: Path, profile: str) -> None:
    """Refuse an output folder whose replacement would destroy anything but an earlier build."""
    reason = None
    if out == root.resolve() or out in root.resolve().parents:
        reason = "输出目录不能是项目目录或它的上级目录"
    elif out.exists() and not out.is_dir():
        reason = "已有同名文件，不能作为输出目录"
    elif out.is_dir() and any(out.iterdir()) and built_edition(out) is None:
        reason = "该目录不是此前构建的手册网站，为防误删不会覆盖它；请换一个目录，或确认无用后先清空它"
    elif profile == "internal" and built_edition(out) == "public":
        reason = "该目录是公开版，不能用内部版覆盖（以免内部资料进入公开目录）；请加 --profile public，或换一个目录"
    if reason:
        raise HandbookError([Problem(str(out), 1, 1, reason)])


def recover(out: Path) -> None:
    """Undo what a killed build left next to `out`: put a moved-away site back, drop abandoned copies."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(tmp|old)-(\d+)")
    for path in sorted(out.parent.iterdir() if out.parent.is_dir() else []):
        match = pattern.fullmatch(path.name)
        if not match or not _abandoned(int(match.group(2))):
            continue
        if match.group(1) == "old" and not out.exists():
            path.rename(out)
        else:
            shutil.rmtree(path, ignore_errors=True)


def _abandoned(pid: int) -> bool:
    """Whether the build that used this process id is gone (never guessed where it cannot be checked)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def replace_dir(new: Path, old: Path) -> None:
    """Put new in place of old with two renames, so old is complete until the last moment."""
    backup = old.parent / f".{old.name}.old-{os.getpid()}"
    if old.exists():
        old.rename(backup)
    try:
        new.rename(old)
    except BaseException:
        if backup.exists():
            backup.rename(old)
        raise
    shutil.rmtree(backup, ignore_errors=True)
