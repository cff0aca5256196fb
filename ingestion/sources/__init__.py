"""Readers by source family and file kind, and discovery of files in the landing folder."""

from __future__ import annotations

import os
from pathlib import Path

from ingestion.schemas import Table
from ingestion.sources.base import FileRejected, Note, ReadContext, Reader, Record, Rejected
from ingestion.sources.delo import DeloCsvReader
from ingestion.sources.im import ImXlsxReader
from ingestion.sources.indicators import IndicatorsXlsxReader
from ingestion.sources.pages import REGISTER_PREFIX, PagesActivityReader, PagesRegisterReader
from ingestion.sources.platform_messages import PlatformCsvReader
from ingestion.sources.polls import FILE_PREFIX as POLL_PREFIX
from ingestion.sources.polls import PollCsvReader
from ingestion.sources.pos import PosCsvReader, PosJsonLinesReader
from ingestion.sources.surveys import SurveyCsvReader
from ingestion.sources.written import WrittenCsvReader

__all__ = [
    "NAME_CARRIES_DATA",
    "SOURCES",
    "FileRejected",
    "Note",
    "ReadContext",
    "Reader",
    "Record",
    "Rejected",
    "discover",
    "reader_for",
    "tables_of",
]

# source family -> {file suffix -> reader class}
_READERS: dict[str, dict[str, type]] = {
    "pos": {".jsonl": PosJsonLinesReader, ".csv": PosCsvReader},
    "im": {".xlsx": ImXlsxReader},
    "surveys": {".csv": SurveyCsvReader},
    "delo": {".csv": DeloCsvReader},
    "indicators": {".xlsx": IndicatorsXlsxReader},
    "written": {".csv": WrittenCsvReader},
    "platform": {".csv": PlatformCsvReader},
    "pages": {".csv": PagesActivityReader},
}
SOURCES: tuple[str, ...] = tuple(_READERS)
# source family -> ((file name prefix, reader class), ...): kinds of a family told apart by the name
_BY_PREFIX: dict[str, tuple[tuple[str, type], ...]] = {
    "surveys": ((POLL_PREFIX, PollCsvReader),),
    "pages": ((REGISTER_PREFIX, PagesRegisterReader),),
}

# Sources whose file name is part of the data («Дело»: the export timestamp), so that two files with
# the same bytes but different names are different batches (an unchanged table in a later export).
NAME_CARRIES_DATA: frozenset[str] = frozenset({"delo"})


def reader_for(source: str, path: Path) -> Reader:
    """The reader for a file of a source family, by its suffix; rejects files of an unknown kind."""
    try:
        kinds = _READERS[source]
    except KeyError:
        raise ValueError(f"unknown source {source!r}; known: {', '.join(SOURCES)}") from None
    cls = kinds.get(path.suffix.lower())
    for prefix, kind in _BY_PREFIX.get(source, ()):
        if cls is not None and path.name.lower().startswith(prefix):
            cls = kind
    if cls is None:
        raise FileRejected(path, f"is not a {source} file: expected one of {', '.join(sorted(kinds))}")
    return cls()  # type: ignore[no-any-return]


def tables_of(source: str) -> tuple[Table, ...]:
    """Every raw table a source family loads into."""
    seen: dict[str, Table] = {}
    for cls in (*_READERS[source].values(), *(kind for _, kind in _BY_PREFIX.get(source, ()))):
        for t in cls.tables:
            seen[t.name] = t
    return tuple(seen.values())


def _is_landing_file(path: Path) -> bool:
    """A file of data to load: hidden, temporary and lock files are left alone. A directory named like
    a data file (``x.xlsx/``) is listed too, so that the run records it as rejected, not skips it."""
    name = path.name
    if name.startswith((".", "_", "~$")) or name.endswith((".part", ".tmp")):
        return False
    return path.is_file() or (path.is_dir() and path.suffix.lower() in _SUFFIXES)


_SUFFIXES = frozenset(suffix for kinds in _READERS.values() for suffix in kinds)


def discover(landing_dir: Path, sources: tuple[str, ...] = SOURCES) -> list[tuple[str, Path]]:
    """Every landing file as (source, path), sorted by source then file name (export order)."""
    found: list[tuple[str, Path]] = []
    for source in sources:
        folder = landing_dir / source
        if folder.is_dir():
            found += [(source, p) for p in sorted(folder.iterdir(), key=_sort_key) if _is_landing_file(p)]
    return found


def _sort_key(path: Path) -> bytes:
    return os.fsencode(path.name)  # file names that are not UTF-8 still sort
