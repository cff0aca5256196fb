"""What every reader yields, and the shared machinery of tabular (CSV, XLSX) readers.

A reader turns one landing file into a stream of :class:`Record` (a source row that loads, possibly
into several raw tables) and :class:`Rejected` (a source row that cannot load: it goes to quarantine
with the field and the reason). A problem with the file as a whole (wrong columns, unreadable file,
unexpected name) raises :class:`FileRejected` before any row is yielded.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from core.settings import DEFAULT_TIMEZONE
from ingestion import parsing
from ingestion.parsing import FieldError
from ingestion.schemas import Table


@dataclass(frozen=True)
class Record:
    row: int
    tables: dict[str, list[tuple[object, ...]]]


@dataclass(frozen=True)
class Rejected:
    row: int
    field: str | None
    reason: str
    raw_text: str


class FileRejected(Exception):
    """The file as a whole cannot be loaded (schema mismatch, unreadable, misnamed)."""

    def __init__(self, path: Path, problem: str, *, missing: Sequence[str] = (), extra: Sequence[str] = ()):
        details = [problem]
        if missing:
            details.append("missing columns: " + ", ".join(repr(c) for c in missing))
        if extra:
            details.append("unexpected columns: " + ", ".join(repr(c) for c in extra))
        super().__init__(f"{path.name}: " + "; ".join(details))
        self.path = path
        self.missing = list(missing)
        self.extra = list(extra)


@dataclass(frozen=True)
class ReadContext:
    timezone: str = DEFAULT_TIMEZONE


class Reader(Protocol):
    source: str
    tables: tuple[Table, ...]

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Rejected]: ...


# ---- field mapping ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldMap:
    """A source field (header name or JSON path) and the raw column and kind it maps to."""

    source: str
    column: str
    kind: str = "text"  # text | int | dec | ts | date | dur


def convert_value(fm: FieldMap, value: object, ctx: ReadContext) -> object:
    match fm.kind:
        case "text":
            return parsing.text(value)
        case "int":
            return parsing.integer(fm.source, value)
        case "dec":
            return parsing.decimal(fm.source, value)
        case "ts":
            return parsing.timestamp(fm.source, value, ctx.timezone)
        case "date":
            return parsing.calendar_date(fm.source, value)
        case "dur":
            return parsing.duration_seconds(fm.source, value)
    raise ValueError(f"unknown field kind {fm.kind!r}")  # pragma: no cover


@dataclass
class RowBuilder:
    """Builds the value tuple of one raw table from source values, checking required columns."""

    table: Table
    fields: Sequence[FieldMap]
    _by_column: dict[str, FieldMap] = field(init=False)

    def __post_init__(self) -> None:
        self._by_column = {f.column: f for f in self.fields}

    def build(
        self, get: Callable[[FieldMap], object], ctx: ReadContext, fixed: dict[str, object] | None = None
    ) -> tuple[object, ...]:
        values: list[object] = []
        for col in self.table.columns:
            if fixed and col.name in fixed:
                value = fixed[col.name]
                name = col.name
            else:
                fm = self._by_column.get(col.name)
                if fm is None:
                    value, name = None, col.name
                else:
                    value, name = convert_value(fm, get(fm), ctx), fm.source
            if col.required and value is None:
                raise FieldError(name, "required value is missing")
            values.append(value)
        return tuple(values)


# ---- tabular sources --------------------------------------------------------------------------


def normalise_header(name: object) -> str:
    return " ".join(str(name or "").replace("\ufeff", "").split())


def check_header(path: Path, header: Sequence[object], expected: Sequence[str]) -> dict[str, int]:
    """Map each expected column to its index, or reject the file naming what is missing or extra."""
    names = [normalise_header(h) for h in header]
    while names and not names[-1]:
        names.pop()
    present = set(names)
    missing = [c for c in expected if c not in present]
    extra = [c for c in names if c not in set(expected)]
    dupes = sorted({c for c in names if names.count(c) > 1})
    if missing or extra or dupes:
        problem = "the columns do not match the expected schema"
        if dupes:
            problem += "; duplicated columns: " + ", ".join(repr(c) for c in dupes)
        raise FileRejected(path, problem, missing=missing, extra=extra)
    return {name: i for i, name in enumerate(names)}


def detect_encoding(path: Path) -> str:
    """UTF-8 with BOM, UTF-8, or cp1251 (the three encodings Russian systems export CSV in)."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a multi-byte character cut at the edge
            return "cp1251"
    return "utf-8"


def iter_csv(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, fields) for every record, header first; streaming."""
    encoding = detect_encoding(path)
    try:
        with path.open("r", encoding=encoding, newline="") as fh:
            first = fh.readline()
            delimiter = ";" if first.count(";") >= first.count(",") else ","
            stream = _chain_first(first, fh)
            reader = csv.reader(stream, delimiter=delimiter)
            line = 1
            for fields in reader:
                yield line, fields
                line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise FileRejected(path, f"cannot be decoded as {encoding}: {exc}") from exc
    except csv.Error as exc:
        raise FileRejected(path, f"is not valid CSV: {exc}") from exc


def _chain_first(first: str, rest: Iterable[str]) -> Iterator[str]:
    yield first
    yield from rest


def join_raw(fields: Iterable[object], sep: str = ";") -> str:
    return sep.join("" if f is None else str(f) for f in fields)


def tabular_records(
    path: Path,
    rows: Iterator[tuple[int, Sequence[object]]],
    expected: Sequence[str],
    builders: dict[str, RowBuilder],
    ctx: ReadContext,
    fixed: dict[str, object] | None = None,
    *,
    header_row: Sequence[object] | None = None,
    field_prefix: str = "",
) -> Iterator[Record | Rejected]:
    """Records from a header plus data rows (CSV or a sheet); one raw table row per source row."""
    if header_row is None:
        try:
            _, header_row = next(rows)
        except StopIteration:
            raise FileRejected(path, "is empty: no header row") from None
    index = check_header(path, header_row, expected)
    width = len(index)
    for row_no, values in rows:
        if all(parsing.blank(v) for v in values):
            continue
        cells = list(values)
        trailing = [v for v in cells[width:] if not parsing.blank(v)]
        if len(cells) < width or trailing:
            yield Rejected(row_no, None, f"expected {width} fields, got {len(cells)}", join_raw(cells))
            continue
        try:
            tables = {
                name: [b.build(lambda fm, c=cells: c[index[fm.source]], ctx, fixed)]
                for name, b in builders.items()
            }
        except FieldError as err:
            yield Rejected(row_no, field_prefix + err.field, err.reason, join_raw(cells))
            continue
        yield Record(row_no, tables)


def xlsx_rows(ws: object) -> Iterator[tuple[int, Sequence[object]]]:
    """(Excel row number, cell values) of a read-only openpyxl worksheet."""
    yield from enumerate(ws.iter_rows(values_only=True), start=1)  # type: ignore[attr-defined]


def open_workbook(path: Path) -> object:
    import zipfile

    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise FileRejected(path, f"is not a readable XLSX workbook: {exc}") from exc
