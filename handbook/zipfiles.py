"""DOCX packages as deterministic zip files: fixed timestamps, fixed order, fixed attributes.

The one zip writer of the program (the forms and the compendium). Entries are compressed
on their own (deflate()) and assembled by zip_entries(), so a renderer compresses the parts
that never change once and only the document per record. The layout is plain zip (no zip64: a form is far below 4 GB), readable by
Python's zipfile, Word, WPS and LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01, the earliest a zip can say
DOS_TIME = 0
VERSION = 20  # 2.0: deflate
MADE_BY = (3 << 8) | VERSION  # Unix, so the file mode below means what it says
FILE_MODE = 0o644 << 16


@dataclass(frozen=True)
class Entry:
    name: bytes
    crc: int
    size: int
    data: bytes  # raw deflate stream


def read_parts(data: bytes) -> list[tuple[str, bytes]]:
    """Every member of a zip, in stored order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def deflate(name: str, data: bytes, level: int = 6) -> Entry:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Entry(name.encode("utf-8"), zlib.crc32(data), len(data), compressor.compress(data) + compressor.flush())


def dos_stamp(when: dt.datetime) -> tuple[int, int]:
    """(date, time) as a zip header says them; nothing before 1980 can be said."""
    when = max(when, dt.datetime(1980, 1, 1))
    return ((when.year - 1980) << 9) | (when.month << 5) | when.day, (when.hour << 11) | (when.minute << 5) | (when.second // 2)


def zip_entries(entries: list[Entry], when: dt.datetime | None = None) -> bytes:
    """The entries as a zip archive whose bytes depend on nothing but the entries (and `when`, if given)."""
    date, time = dos_stamp(when) if when else (DOS_DATE, DOS_TIME)
    out = io.BytesIO()
    directory = []
    for entry in entries:
        offset = out.tell()
        flags = 0x800 if not entry.name.isascii() else 0  # UTF-8 names
        common = struct.pack("<HHHHHIII", VERSION, flags, zipfile.ZIP_DEFLATED, time, date,
                             entry.crc, len(entry.data), entry.size)
        out.write(b"PK\x03\x04" + common + struct.pack("<HH", len(entry.name), 0) + entry.name + entry.data)
        directory.append(b"PK\x01\x02" + struct.pack("<H", MADE_BY) + common
                         + struct.pack("<HHHHHII", len(entry.name), 0, 0, 0, 0, FILE_MODE, offset) + entry.name)
    start = out.tell()
    for record in directory:
        out.write(record)
    size = out.tell() - start
    out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), size, start, 0))
    return out.getvalue()


def write_zip(parts: list[tuple[str, bytes]], level: int = 6, when: dt.datetime | None = None) -> bytes:
    return zip_entries([deflate(name, data, level) for name, data in parts], when)
