"""DOCX packages as deterministic zip files: fixed timestamps, fixed order, fixed attributes."""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def read_parts(data: bytes) -> list[tuple[str, bytes]]:
    """Every member of a zip, in stored order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_zip(parts: list[tuple[str, bytes]], level: int = 6) -> bytes:
    """The parts as a zip whose bytes depend on nothing but the parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=level)
    return buffer.getvalue()
