"""Problems found in the sources, reported as file:line:column: message (in Chinese)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str
    severity: str = "error"  # "error" or "warning"
    hint: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        label = "错误" if self.severity == "error" else "警告"
        text = f"{self.path}:{self.line}:{self.column}: {label}：{self.message}"
        if self.hint:
            text += f"\n    提示：{self.hint}"
        return text


class HandbookError(Exception):
    """Raised when sources cannot be built; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path, root: Path | None = None) -> str:
    try:
        # the folder resolved, not the file: a symlink is named as itself, not as what it points to
        return str((path.absolute().parent.resolve() / path.name).relative_to((root or Path.cwd()).resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)
