"""The MkDocs step: the produced files as a Markdown tree, the generated mkdocs.yml (with the menu from
render/navigation.py), and the MkDocs run.

Nothing here uses MkDocs internals: MkDocs is run as a program on a generated
config that inherits the project's mkdocs.yml, so another engine that reads
mkdocs.yml can take its place. What goes into the tree is made by the outputs
(handbook/outputs/); the build as a whole is pipeline.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import HandbookError, Problem
from .profile import edition_of, mkdocs_config
from .render.navigation import navigation
from .sources import Handbook


@dataclass
class Generated:
    """The Markdown tree written for MkDocs."""

    docs_dir: Path
    config: Path
    files: dict[str, str] = field(default_factory=dict)  # relative path → content


def write_tree(target: Path, files: dict[str, str | bytes]) -> None:
    """Write files under target, touching only those whose content changed, and drop stale ones."""
    target.mkdir(parents=True, exist_ok=True)
    wanted = {target / name for name in files}
    for name, content in files.items():
        path = target / name
        data = content.encode("utf-8") if isinstance(content, str) else content
        if path.exists() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for path in sorted(target.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def write_docs(handbook: Handbook, root: Path, build_dir: Path, files: dict[str, str | bytes], *,
               compendium_href: str | None = None) -> Generated:
    """Write the files as build/docs, the project's overrides as build/overrides, and build/mkdocs.yml."""
    docs_dir = build_dir / "docs"
    write_tree(docs_dir, files)
    overrides = root / "overrides"
    if overrides.is_dir():
        write_tree(build_dir / "overrides",
                   {p.relative_to(overrides).as_posix(): p.read_bytes() for p in overrides.rglob("*") if p.is_file()})
    config = build_dir / "mkdocs.yml"
    inherit = os.path.relpath(root / "mkdocs.yml", build_dir)
    config_extra = mkdocs_config(edition_of(handbook))
    if compendium_href:  # the header of every page links to the printed compendium
        config_extra.setdefault("extra", {})["compendium_download"] = compendium_href
    text = yaml.safe_dump({"INHERIT": inherit, "docs_dir": "docs", "nav": navigation(handbook), **config_extra},
                          allow_unicode=True, sort_keys=False)
    write_tree_file(config, "# 由 build.py 生成，请勿手工修改\n" + text)
    return Generated(docs_dir, config, files)


def write_files(target: Path, files: dict[str, str | bytes]) -> None:
    """Add files to a folder (the downloads, beside what MkDocs wrote)."""
    for name, content in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def write_tree_file(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def run_mkdocs(config: Path, site_dir: Path, epoch: int) -> None:
    # SOURCE_DATE_EPOCH: MkDocs stamps pages and sitemap.xml.gz with it instead of the clock
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=str(epoch))
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config), "-d", str(site_dir)],
        capture_output=True, text=True, env=env,
    )
    if result.returncode != 0:
        raise HandbookError([mkdocs_problem((result.stderr + result.stdout).strip(), site_dir)])


_ERRNO = re.compile(r"\[Errno (\d+)\] [^:\n]*(?:: '([^'\n]*)')?")
_MKDOCS_MESSAGES = [
    (re.compile(r"Doc file '([^']*)' contains a link '([^']*)', but the target (?:'[^']*' )?is not found"),
     r"页面 \1 中的链接「\2」指向不存在的页面"),
    (re.compile(r"Config value '([^']*)': (.*)"), r"MkDocs 配置项「\1」有误（原文：\2）"),
]


def mkdocs_problem(output: str, site_dir: Path) -> Problem:
    """One Chinese message for a failed MkDocs run: the reason, never its traceback."""
    import errno as errno_names

    from .load import os_reason

    found = _ERRNO.search(output)
    if found:
        error = OSError(int(found.group(1)), "")
        where = found.group(2) or str(site_dir)
        hint = "检查磁盘空间和输出目录的写入权限" if error.errno in (errno_names.ENOSPC, errno_names.EDQUOT,
                                                                  errno_names.EACCES, errno_names.EPERM,
                                                                  errno_names.EROFS) else None
        return Problem(where, 1, 1, f"MkDocs 无法写入网站文件：{os_reason(error)}", hint=hint)
    for pattern, chinese in _MKDOCS_MESSAGES:
        match = pattern.search(output)
        if match:
            return Problem("build.py", 1, 1, f"MkDocs 构建失败：{match.expand(chinese)}")
    lines = [line.strip() for line in output.splitlines() if line.strip() and not line.startswith((" ", "Traceback"))]
    return Problem("build.py", 1, 1, "MkDocs 构建失败", hint=f"MkDocs 的原始输出：{lines[-1] if lines else '（无）'}")
