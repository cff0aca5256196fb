"""What every reader yields, and the shared machinery of tabular (CSV, XLSX) readers.

A reader turns one landing file into a stream of :class:`Record` (a source row that loads, possibly
into several raw tables) and :class:`Rejected` (a source row that cannot load: it goes to quarantine
with the field and the reason). A problem with the file as a whole (wrong columns, unreadable file,
unexpected name) raises :class:`FileRejected` before any row is yielded.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from core.settings import DEFAULT_TIMEZONE
from ingestion import fastpath, parsing
from ingestion.parsing import FieldError
from ingestion.schemas import Table


@dataclass(frozen=True)
class Record:
    row: int
    tables: dict[str, list[tuple[object, ...]]]


@dataclass(frozen=True)
class Encoded:
    """A source row that loads, already as COPY text (see :mod:`ingestion.fastpath`): raw table name
    -> lines of its columns (without ``batch_id`` and ``source_row``, no line end)."""

    row: int
    lines: dict[str, list[str]]


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
class Note:
    """Something the reader noticed about the file as a whole; the loader keeps it in the batch record.

    ``key`` is one of: ``sheet`` (the sheet read), ``unknown_columns`` (a list of header names kept in
    ``extras``), ``date_order`` (how ``NN.NN.ГГГГ`` values were read and why), ``warning``.
    """

    key: str
    value: object


# The longest text a raw field takes: Excel's own cell limit (32,767 characters), so no real export
# has a longer value; anything longer is a broken file (a quote never closed) and is quarantined.
MAX_FIELD_CHARS = 32_767


@dataclass(frozen=True)
class ReadContext:
    """What a reader needs to know besides the file: the source's time zone and date order, now.

    ``zones`` maps a normalised value of the source's zone column (the ИМ «Кабинет») to the time zone
    of rows with that value; other rows use ``timezone``.
    """

    timezone: str = DEFAULT_TIMEZONE
    zones: dict[str, str] = field(default_factory=dict)
    date_order: parsing.DateOrder = field(default_factory=parsing.DateOrder)
    declared_date_order: str = parsing.DAY_FIRST
    now: datetime | None = None
    future_tolerance: timedelta = timedelta(days=1)
    max_field_chars: int = MAX_FIELD_CHARS
    # rows in canonical shapes go straight to COPY as text (ingestion.fastpath)
    fast_path: bool = True

    @property
    def latest_allowed(self) -> datetime:
        return (self.now or datetime.now(UTC)) + self.future_tolerance

    def zone_for(self, key: object) -> str:
        if not self.zones or parsing.blank(key):
            return self.timezone
        return self.zones.get(header_key(parsing.text(key)), self.timezone)


class Reader(Protocol):
    source: str
    tables: tuple[Table, ...]

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Rejected | Note]: ...


# ---- field mapping ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldMap:
    """A source field (header name or JSON path) and the raw column and kind it maps to.

    The column contract: ``required`` columns must be in the file (by default: those whose raw column
    is NOT NULL); the other known columns are optional (null when absent); columns the reader does not
    know are kept in ``extras``. ``aliases`` are other spellings the header may use.
    """

    source: str
    column: str
    kind: str = "text"  # text | int | dec | ts | date | dur
    required: bool | None = None
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.source, *self.aliases)


def convert_value(fm: FieldMap, value: object, ctx: ReadContext, tz: str | None = None) -> object:
    match fm.kind:
        case "text":
            return parsing.text(value)
        case "int":
            return parsing.integer(fm.source, value)
        case "dec":
            return parsing.decimal(fm.source, value)
        case "ts":
            return parsing.timestamp(fm.source, value, tz or ctx.timezone, ctx.date_order)
        case "date":
            return parsing.calendar_date(fm.source, value, ctx.date_order)
        case "dur":
            return parsing.duration_seconds(fm.source, value)
    raise ValueError(f"unknown field kind {fm.kind!r}")  # pragma: no cover


_INT_LIMITS = {"smallint": 2**15 - 1, "integer": 2**31 - 1, "bigint": 2**63 - 1}
_NUMERIC_RE = re.compile(r"numeric\((\d+),\s*(\d+)\)")


def check_range(name: str, pg_type: str, value: object) -> None:
    """Refuse a number the raw column cannot hold, naming the source field (not a COPY line)."""
    if value is None or isinstance(value, bool):
        return
    limit = _INT_LIMITS.get(pg_type)
    if limit is not None and isinstance(value, int) and not -limit <= value <= limit:
        raise FieldError(name, f"number out of range of the raw column ({pg_type}): {value}")
    m = _NUMERIC_RE.fullmatch(pg_type)
    if m and isinstance(value, Decimal | int):
        bound = Decimal(10) ** (int(m.group(1)) - int(m.group(2)))
        if abs(Decimal(value)) >= bound:
            raise FieldError(name, f"number out of range of the raw column ({pg_type}): {value}")


@dataclass
class RowBuilder:
    """Builds the value tuple of one raw table from source values, checking each value.

    Checks: required values present; numbers within the raw column's range; text no longer than
    ``ctx.max_field_chars``; points in time not after ``ctx.latest_allowed``; and each pair of
    ``not_before`` (later column, earlier column), e.g. an answer not before the creation.
    ``zone_field``: the source field whose value picks the row's time zone (``ctx.zone_for``).
    """

    table: Table
    fields: Sequence[FieldMap]
    not_before: Sequence[tuple[str, str]] = ()
    zone_field: FieldMap | None = None
    _by_column: dict[str, FieldMap] = field(init=False)
    _plan: list[tuple[str, FieldMap | None, bool, int | None, Decimal | None, str]] = field(init=False)
    _order: list[tuple[int, int, str, str]] = field(init=False)

    def __post_init__(self) -> None:
        self._by_column = {f.column: f for f in self.fields}
        self._plan = []
        for col in self.table.columns:
            m = _NUMERIC_RE.fullmatch(col.pg_type)
            bound = Decimal(10) ** (int(m.group(1)) - int(m.group(2))) if m else None
            fm = self._by_column.get(col.name)
            self._plan.append((col.name, fm, col.required, _INT_LIMITS.get(col.pg_type), bound, col.pg_type))
        names = self.table.column_names
        source = {c: (self._by_column[c].source if c in self._by_column else c) for c in names}
        self._order = [
            (names.index(later), names.index(earlier), source[later], source[earlier])
            for later, earlier in self.not_before
        ]

    def build(
        self,
        get: Callable[[FieldMap], object],
        ctx: ReadContext,
        fixed: dict[str, object] | None = None,
        extras: str | None = None,
    ) -> tuple[object, ...]:
        values: list[object] = []
        tz = ctx.zone_for(get(self.zone_field)) if self.zone_field is not None else None
        latest = ctx.latest_allowed
        max_chars = ctx.max_field_chars
        for name, fm, required, limit, bound, pg_type in self._plan:
            if name == "extras":
                values.append(extras)
                continue
            if fixed is not None and name in fixed:
                value, source = fixed[name], name
            elif fm is None:
                value, source = None, name
            else:
                source = fm.source
                raw = get(fm)
                value = None if raw is None or raw == "" else convert_value(fm, raw, ctx, tz)
                if value is not None:
                    if fm.kind == "text":
                        if len(value) > max_chars:  # type: ignore[arg-type]
                            raise FieldError(
                                source,
                                f"value of {len(value):,} characters is longer than the limit "  # type: ignore[arg-type]
                                f"of {max_chars:,}",
                            )
                    elif fm.kind == "ts" and value > latest:  # type: ignore[operator]
                        raise FieldError(
                            source,
                            f"{value.isoformat()} is in the future "  # type: ignore[attr-defined]
                            f"(more than {ctx.future_tolerance} after the load)",
                        )
            if value is None:
                if required:
                    raise FieldError(source, "required value is missing")
            elif limit is not None:
                if type(value) is int and not -limit <= value <= limit:
                    raise FieldError(source, f"number out of range of the raw column ({pg_type}): {value}")
            elif bound is not None and isinstance(value, Decimal | int) and abs(value) >= bound:
                raise FieldError(source, f"number out of range of the raw column ({pg_type}): {value}")
            values.append(value)
        for later, earlier, later_name, earlier_name in self._order:
            a, b = values[later], values[earlier]
            if isinstance(a, datetime) and isinstance(b, datetime) and a < b:
                raise FieldError(later_name, f"{a.isoformat()} is before {earlier_name} {b.isoformat()}")
        return tuple(values)


# ---- tabular sources --------------------------------------------------------------------------


def normalise_header(name: object) -> str:
    return " ".join(str(name or "").replace("\ufeff", "").split())


_PUNCT_RE = re.compile(r"[^\w]+")


def header_key(name: object) -> str:
    """A header name for matching: case, spaces, ё/е and punctuation do not matter."""
    s = str(name or "").replace("\ufeff", "").lower().replace("ё", "е").replace("_", " ")
    return " ".join(_PUNCT_RE.sub(" ", s).split())


@dataclass(frozen=True)
class HeaderMatch:
    """Where each known field is in the file, the unknown columns, and the header's width."""

    index: dict[str, int]  # field source name -> position
    unknown: list[tuple[int, str]]  # (position, header as written)
    width: int

    def extras(self, cells: Sequence[object]) -> str | None:
        """The row's unknown columns as a JSON object (header -> value as text), or None."""
        found = {}
        for i, name in self.unknown:
            if i < len(cells) and not parsing.blank(cells[i]):
                found[name] = json_text(cells[i])
        return jsonb_text(found) if found else None


_JSON_NUL_RE = re.compile(r"((?:^|[^\\])(?:\\\\)*)\\u0000")


def jsonb_text(obj: object) -> str:
    """JSON text PostgreSQL's jsonb accepts: it refuses the NUL character (``\\u0000``), so it is dropped."""
    text = json.dumps(obj, ensure_ascii=False, default=json_text)
    return _JSON_NUL_RE.sub(r"\1", text) if "\\u0000" in text else text


def json_text(value: object) -> object:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def match_header(
    path: Path, header: Sequence[object], fields: Sequence[FieldMap], required: set[str]
) -> HeaderMatch:
    """Match a header row to the fields' contract; reject only when a required column is missing."""
    names = [normalise_header(h) for h in header]
    while names and not names[-1]:
        names.pop()
    wanted: dict[str, FieldMap] = {}
    for fm in fields:
        for n in fm.names:
            wanted.setdefault(header_key(n), fm)
    index: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    dupes: list[str] = []
    for i, name in enumerate(names):
        fm = wanted.get(header_key(name))
        if fm is None:
            unknown.append((i, name or f"(column {i + 1} without a name)"))
        elif fm.source in index:
            dupes.append(name)
        else:
            index[fm.source] = i
    missing = [fm.source for fm in fields if fm.source in required and fm.source not in index]
    if missing or dupes:
        problem = "required columns are missing" if missing else "the header is ambiguous"
        if dupes:
            problem += "; a known column appears twice: " + ", ".join(repr(c) for c in dupes)
        problem += "; columns found: " + ", ".join(repr(n) for n in names if n)
        raise FileRejected(path, problem, missing=missing)
    return HeaderMatch(index, unknown, len(names))


def required_sources(fields: Sequence[FieldMap], tables: Sequence[Table]) -> set[str]:
    """Fields the reader cannot work without: marked so, or feeding a NOT NULL raw column."""
    not_null = {c.name for t in tables for c in t.columns if c.required}
    return {f.source for f in fields if (f.required if f.required is not None else f.column in not_null)}


def check_header(path: Path, header: Sequence[object], expected: Sequence[str]) -> dict[str, int]:
    """Map each expected column to its index (all required, unknown ones allowed)."""
    fields = [FieldMap(name, name) for name in expected]
    return match_header(path, header, fields, set(expected)).index


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


def decoded_lines(path: Path, encoding: str) -> Iterator[str]:
    """The file's lines decoded (line ends kept); a byte that does not decode rejects the file
    naming its line. Decoding runs in the io layer's large chunks; the line of a bad byte is only
    looked for when there is one."""
    try:
        with path.open("r", encoding=encoding, newline="") as fh:
            yield from fh
    except UnicodeDecodeError as exc:
        raise FileRejected(path, _decode_error_at(path, encoding)) from exc


def _decode_error_at(path: Path, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError as exc:
                return (
                    f"line {line_no}: cannot be decoded as {encoding} "
                    f"(byte {raw[exc.start]:#04x} at position {exc.start + 1})"
                )
    return f"the last line cannot be decoded as {encoding}"


csv.field_size_limit(1 << 30)  # over-long fields are refused per row (MAX_FIELD_CHARS), not per file


def iter_csv(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, fields) for every record, header first; streaming."""
    encoding = detect_encoding(path)
    lines = decoded_lines(path, encoding)
    try:
        first = next(lines)
    except StopIteration:
        return
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ";"))
    reader = csv.reader(_chain_first(first, lines), delimiter=delimiter)
    line = 1
    try:
        for fields in reader:
            yield line, fields
            line = reader.line_num + 1
    except csv.Error as exc:
        raise FileRejected(path, f"line {line}: not valid CSV: {exc}") from exc


def csv_date_order(path: Path, declared: str) -> tuple[parsing.DateOrder, str]:
    """The date order of a CSV file, decided from its own values (see ``parsing.date_order_of``)."""
    return parsing.date_order_of(decoded_lines(path, detect_encoding(path)), declared)


def _chain_first(first: str, rest: Iterable[str]) -> Iterator[str]:
    yield first
    yield from rest


def join_raw(fields: Iterable[object], sep: str = ";") -> str:
    return sep.join("" if f is None else str(f) for f in fields)


class KeyGuard:
    """Refuses a second row with the same key in one file, naming the row that had it first."""

    def __init__(self, table: Table) -> None:
        self._positions = [table.column_names.index(c) for c in table.key]
        self._names = table.key
        self._seen: dict[tuple[object, ...], int] = {}

    def fresh(self, row_no: int, key: tuple[object, ...]) -> bool:
        """Record the key of a row built by the fast path; False when an earlier row had it (the row
        then takes the slow path, whose :meth:`check` names the duplicate)."""
        if not self._positions:
            return True
        if key in self._seen:
            return False
        self._seen[key] = row_no
        return True

    def check(self, row_no: int, values: tuple[object, ...], field_names: dict[str, str]) -> None:
        if not self._positions:
            return
        key = tuple(values[i] for i in self._positions)
        first = self._seen.setdefault(key, row_no)
        if first != row_no:
            shown = ", ".join(f"{field_names.get(n, n)}={v}" for n, v in zip(self._names, key, strict=True))
            named = [field_names[n] for n in self._names if n in field_names] or list(self._names)
            raise FieldError(named[0], f"duplicate within the file: {shown} already at row {first}")


def tabular_records(
    path: Path,
    rows: Iterator[tuple[int, Sequence[object]]],
    fields: Sequence[FieldMap],
    builders: dict[str, RowBuilder],
    ctx: ReadContext,
    fixed: dict[str, object] | None = None,
    *,
    header_row: Sequence[object] | None = None,
    field_prefix: str = "",
    exact_width: bool = True,
    fast: bool = True,
) -> Iterator[Record | Encoded | Rejected | Note]:
    """Records from a header plus data rows (CSV or a sheet); one raw table row per source row.

    ``exact_width``: a row must have as many fields as the header (CSV, where a row with more or fewer
    fields has its values moved); for sheets, only a filled cell right of the header is refused.
    ``fast``: rows in canonical shapes are yielded as :class:`Encoded` COPY text (``ingestion.fastpath``);
    a reader that checks the built values further passes False.
    """
    if header_row is None:
        try:
            _, header_row = next(rows)
        except StopIteration:
            yield Note("warning", "the file is empty: no header, no rows")
            return
    tables = [b.table for b in builders.values()]
    match = match_header(path, header_row, fields, required_sources(fields, tables))
    if match.unknown:
        yield Note("unknown_columns", [name for _, name in match.unknown])
    width = max(match.width, max(match.index.values(), default=-1) + 1)
    if exact_width:
        width = len(header_row)
    index = match.index
    guards = {name: KeyGuard(b.table) for name, b in builders.items()}
    field_names = {f.column: f.source for f in fields}
    rows_seen = 0
    fast = _fast_builder(builders, index, fixed, ctx) if fast and ctx.fast_path else None
    if fast is not None:
        fast_row, fast_ctx, fixed_text, zone_of = fast
        (table_name,) = builders
        guard = guards[table_name]
    for row_no, values in rows:
        if all(parsing.blank(v) for v in values):
            continue
        rows_seen += 1
        cells = list(values)
        if exact_width:
            bad_width = len(cells) != width
        else:
            bad_width = any(not parsing.blank(v) for v in cells[width:])
            cells += [None] * (width - len(cells))
        if bad_width:
            yield Rejected(
                row_no,
                field_prefix + "(row)",
                f"the row has {len(values)} fields, the header has {width}: values would be shifted",
                join_raw(values),
            )
            continue
        if fast is not None:
            extras = fastpath.copy_text(match.extras(cells)) if match.unknown else None
            built_fast = fast_row.build(
                cells, fixed_text, extras, zone_of(cells), fast_ctx, fastpath.clean_cells(cells)
            )
            if built_fast is not None and guard.fresh(row_no, built_fast[1]):
                yield Encoded(row_no, {table_name: [built_fast[0]]})
                continue
        try:
            extras = match.extras(cells)
            tables_out: dict[str, list[tuple[object, ...]]] = {}
            for name, b in builders.items():
                built = b.build(
                    lambda fm, c=cells: c[index[fm.source]] if fm.source in index else None,
                    ctx,
                    fixed,
                    extras,
                )
                guards[name].check(row_no, built, field_names)
                tables_out[name] = [built]
        except FieldError as err:
            yield Rejected(row_no, field_prefix + err.field, err.reason, join_raw(cells))
            continue
        yield Record(row_no, tables_out)
    if not rows_seen:
        yield Note("warning", "the file has a header but no rows")


_Fast = tuple[
    fastpath.FastRow, fastpath.Ctx, dict[str, object], Callable[[Sequence[object]], fastpath.ZoneOffsets]
]


def _fast_builder(
    builders: dict[str, RowBuilder],
    index: dict[str, int],
    fixed: dict[str, object] | None,
    ctx: ReadContext,
) -> (
    tuple[
        fastpath.FastRow, fastpath.Ctx, dict[str, object], Callable[[Sequence[object]], fastpath.ZoneOffsets]
    ]
    | None
):
    """The fast path of a tabular file with one raw table (None when it cannot be used)."""
    if len(builders) != 1:
        return None
    (b,) = builders.values()
    fast_ctx = fastpath.ctx_for(ctx.latest_allowed, ctx.max_field_chars, ctx.date_order)
    if fast_ctx is None:
        return None
    row = fastpath.tabular_row(b.table, tuple(b.fields), tuple(fixed or ()), tuple(b.not_before), index)
    base = fastpath.zone_offsets(ctx.timezone)
    zf = b.zone_field
    if zf is None or not ctx.zones or zf.source not in index:
        return row, fast_ctx, fastpath.fixed_values(fixed), lambda cells: base
    at = index[zf.source]
    return (
        row,
        fast_ctx,
        fastpath.fixed_values(fixed),
        lambda cells: fastpath.zone_offsets(ctx.zone_for(cells[at])),
    )


def xlsx_rows(ws: object, *, percent: bool = False) -> Iterator[tuple[int, Sequence[object]]]:
    """(Excel row number, cell values) of a read-only openpyxl worksheet.

    The sheet's ``<dimension>`` is ignored (it may be missing or wrong and would cut rows or columns).
    ``percent``: a number in a percent-formatted cell is the percent it shows (0.853 → 85.3).
    """
    ws.reset_dimensions()  # type: ignore[attr-defined]
    if not percent:
        yield from enumerate(ws.iter_rows(values_only=True), start=1)  # type: ignore[attr-defined]
        return
    for row_no, row in enumerate(ws.iter_rows(), start=1):  # type: ignore[attr-defined]
        yield row_no, [_cell_value(c) for c in row]


def _cell_value(cell: object) -> object:
    value = getattr(cell, "value", None)
    fmt = getattr(cell, "number_format", "") or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in fmt:
        return Decimal(repr(value)) * 100
    return value


def visible_sheets(wb: object) -> list[object]:
    """The workbook's sheets a person sees: hidden and very hidden sheets are left out."""
    return [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]  # type: ignore[attr-defined]


SheetRows = Callable[[], Iterator[tuple[int, Sequence[object]]]]


def find_sheet(
    path: Path,
    sheets: Sequence[tuple[str, SheetRows]],
    fields: Sequence[FieldMap],
    required: set[str],
    *,
    max_header_row: int = 10,
) -> tuple[str, int, Sequence[object]]:
    """The first sheet (of the visible ones given) with a header row holding every required column
    within its first rows: (title, header row number, header).

    Instruction sheets and drop-down lists are passed over. Rejects the file naming the sheets looked
    at, and what the closest row misses.
    """
    looked: list[str] = []
    best: tuple[int, str, FileRejected] | None = None
    for title, rows in sheets:
        looked.append(title)
        for row_no, values in rows():
            if row_no > max_header_row:
                break
            try:
                match_header(path, values, fields, required)
            except FileRejected as exc:
                if best is None or len(exc.missing) < best[0]:
                    best = (len(exc.missing), f"sheet {title!r}, row {row_no}", exc)
                continue
            return title, row_no, values
    sheet_list = ", ".join(repr(t) for t in looked) or "none"
    if best is not None and best[0] < len(required):
        _, where, exc = best
        problem = str(exc).removeprefix(f"{path.name}: ")
        rejected = FileRejected(
            path, f"{where} (the closest to the header; sheets looked at: {sheet_list}): {problem}"
        )
        rejected.missing = exc.missing
        raise rejected
    raise FileRejected(
        path, f"no visible sheet has the expected header (looked at: {sheet_list})", missing=sorted(required)
    )


def openpyxl_sheets(wb: object) -> list[tuple[str, SheetRows]]:
    return [(str(ws.title), lambda ws=ws: xlsx_rows(ws)) for ws in visible_sheets(wb)]  # type: ignore[attr-defined]


# ---- the Rust reader (python-calamine) --------------------------------------------------------

# Workbooks up to this size (compressed) are read with calamine, which holds a sheet in memory
# (about 40 bytes a cell) but reads it 10+ times faster than openpyxl; larger ones stream through
# openpyxl so that the loader's memory stays flat whatever the file size.
CALAMINE_MAX_BYTES = 24 << 20


def use_calamine(path: Path) -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:  # pragma: no cover - a dependency, but the openpyxl path still works
        return False
    return path.stat().st_size <= CALAMINE_MAX_BYTES


def open_calamine(path: Path) -> object:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise FileRejected(path, f"is not a readable XLSX workbook: {type(exc).__name__}: {exc}") from exc


def calamine_sheets(path: Path, wb: object) -> list[tuple[str, SheetRows]]:
    """The visible worksheets of a calamine workbook as (title, rows), rows numbered as in Excel."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    out: list[tuple[str, SheetRows]] = []
    loaded: dict[str, object] = {}  # a sheet is parsed once, for finding the header and for its rows
    for meta in wb.sheets_metadata:  # type: ignore[attr-defined]
        if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
            continue

        def rows(name: str = meta.name) -> Iterator[tuple[int, Sequence[object]]]:
            try:
                if name not in loaded:
                    loaded.clear()
                    loaded[name] = wb.get_sheet_by_name(name)  # type: ignore[attr-defined]
                sheet = loaded[name]
            except Exception as exc:
                raise FileRejected(
                    path, f"sheet {name!r} cannot be read: {type(exc).__name__}: {exc}"
                ) from exc
            first_row, first_col = sheet.start or (0, 0)  # type: ignore[attr-defined]
            pad = [None] * first_col
            for i, values in enumerate(sheet.iter_rows(), start=first_row + 1):  # type: ignore[attr-defined]
                yield i, [*pad, *values] if pad else values

        out.append((str(meta.name), rows))
    return out


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PERCENT_BUILTIN = {9, 10}  # the built-in number formats 0% and 0.00%
_STYLED_CELL_RE = re.compile(rb'<c r="([A-Z]+)([0-9]+)"[^>]*?\ss="([0-9]+)"')


def percent_styles(path: Path) -> set[int]:
    """The indexes of the workbook's cell styles whose number format shows a percent (built-in 9 and
    10, or a custom format with ``%``): what openpyxl's ``"%" in cell.number_format`` sees."""
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as zf:
            root = ElementTree.fromstring(zf.read("xl/styles.xml"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return set()
    custom = {
        int(f.get("numFmtId", "-1")): f.get("formatCode", "")
        for f in root.iterfind(f"{_NS_MAIN}numFmts/{_NS_MAIN}numFmt")
    }
    percent = {i for i, code in custom.items() if "%" in code} | _PERCENT_BUILTIN
    xfs = root.find(f"{_NS_MAIN}cellXfs")
    if xfs is None:
        return set()
    return {
        i for i, xf in enumerate(xfs.iterfind(f"{_NS_MAIN}xf")) if int(xf.get("numFmtId", "0")) in percent
    }


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def percent_cells(path: Path, member: str | None, styles: set[int]) -> set[tuple[int, int]]:
    """(Excel row, 0-based column) of the sheet's cells with a percent number format."""
    import zipfile

    if not styles or not member:
        return set()
    with zipfile.ZipFile(path) as zf:
        data = zf.read(member.lstrip("/"))
    return {
        (int(m.group(2)), _column_index(m.group(1)))
        for m in _STYLED_CELL_RE.finditer(data)
        if int(m.group(3)) in styles
    }


def calamine_values(
    rows: Iterator[tuple[int, Sequence[object]]], percent: set[tuple[int, int]]
) -> Iterator[tuple[int, list[object]]]:
    """Cell values as openpyxl gives them: a whole number stored as such is an int (calamine reads
    every number as a float), an empty cell None, and a number in a percent cell the percent shown."""
    for row_no, values in rows:
        out: list[object] = []
        for col, v in enumerate(values):
            if type(v) is float and v.is_integer() and abs(v) < 1e15:
                v = int(v)
            elif v == "":
                v = None
            if percent and (row_no, col) in percent and type(v) in (int, float):
                v = Decimal(repr(v)) * 100
            out.append(v)
        yield row_no, out


def sheet_member(path: Path, title: str) -> str | None:
    """The zip member of the worksheet called ``title`` (from workbook.xml and its relationships)."""
    import zipfile
    from xml.etree import ElementTree

    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    try:
        with zipfile.ZipFile(path) as zf:
            book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return None
    rid = next(
        (
            sh.get(f"{{{ns['r']}}}id")
            for sh in book.iterfind("m:sheets/m:sheet", ns)
            if sh.get("name") == title
        ),
        None,
    )
    target = next((r.get("Target") for r in rels.iterfind("p:Relationship", ns) if r.get("Id") == rid), None)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


_FORMULA_NO_VALUE_RE = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"[^>]*>\s*<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)


def check_formulas(path: Path, title: str, member: str | None = None) -> None:
    """Reject a sheet with a formula cell that has no cached value (the workbook was written by a
    program that does not calculate, and was never opened and saved in Excel): its value is unknown,
    and reading it as empty would load a wrong row silently."""
    import zipfile

    member = member or sheet_member(path, title)
    if not member:
        return
    carry = b""
    with zipfile.ZipFile(path) as zf, zf.open(str(member).lstrip("/")) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            data = carry + chunk
            if b"<f" in data:
                m = _FORMULA_NO_VALUE_RE.search(data)
                if m:
                    raise FileRejected(
                        path,
                        f"sheet {title!r}, cell {m.group(1).decode()}: a formula without a calculated "
                        "value (open the workbook in Excel and save it, or export values)",
                    )
            carry = data[-4096:]


def open_workbook(path: Path) -> object:
    import zipfile

    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as exc:
        raise FileRejected(path, f"is not a readable XLSX workbook: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # openpyxl raises many kinds on damaged parts
        raise FileRejected(path, f"is not a readable XLSX workbook: {type(exc).__name__}: {exc}") from exc
