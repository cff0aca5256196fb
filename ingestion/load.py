"""Load landing files into the raw layer: one file = one batch, COPY-streamed, atomic, idempotent.

For each file:

1. its SHA-256 is computed (streaming; for «Дело» of name and content, as the export timestamp is in
   the name); if a batch with the same source and hash was already loaded, nothing happens
   (``skipped``) — loading the same file again changes nothing;
2. in ONE transaction: a batch row is inserted, the reader streams the file, rows that load are
   COPYed into their raw tables (the first table streams straight into COPY, the others and the
   quarantine are spooled to temporary files and COPYed after), rows that cannot load go to
   ``raw.quarantine`` with row, field, reason and raw text, and the batch is marked ``loaded`` with
   its counts (a CHECK constraint enforces read = loaded + quarantined);
3. if anything fails half way the transaction rolls back — no row of the file stays behind — and
   a ``failed`` batch row (or ``rejected`` for a file whose columns do not match) records the error.

Speed: rows whose values all have canonical shapes (``ingestion.fastpath``) reach COPY as text
straight from a builder generated per reader and header, without per-value Python objects; every
other row goes through the readers' per-value converters as before, so outcomes and messages do not
depend on the path (``CUR_INGEST_FAST_PATH=false`` forces the per-value path everywhere). The table
with the most rows (ПОС: the events) streams into COPY while the file is read, so the server parses it
while Python reads on.

A file already ``rejected`` with the same content is not tried again unless ``retry_rejected``; it
is reported as ``rejected`` again (with the earlier batch and error), so a run over it still fails.
Whatever is wrong with a file ends as a recorded batch; the run goes on with the other files.
Readers also yield :class:`~ingestion.sources.base.Note` items, kept in the batch's
``unknown_columns`` and ``notes``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import psycopg

from core.settings import get_settings
from ingestion.schemas import MAY_CREATE_QUALITY, QUALITY_DDL, Table, raw_ddl
from ingestion.sources import (
    NAME_CARRIES_DATA,
    FileRejected,
    Note,
    ReadContext,
    Record,
    discover,
    reader_for,
)
from ingestion.sources.base import Encoded, header_key

ProgressFn = Callable[[str, int], None]
_SPOOL_MEMORY = 8 << 20
_COPY_CHUNK = 1 << 20
_DDL_LOCK = 7_202_600_001


@dataclass(frozen=True)
class BatchResult:
    source: str
    file_name: str
    status: str  # loaded | skipped | rejected | failed
    batch_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    seconds: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in {"loaded", "skipped"}


# ---- COPY text encoding -----------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": ""})


def encode_value(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | Decimal | float):
        return str(value)
    return str(value).translate(_ESCAPES)


def encode_row(values: Iterable[object]) -> bytes:
    return ("\t".join(encode_value(v) for v in values) + "\n").encode("utf-8")


def display_name(path: Path) -> str:
    """The file name as text even when it is not valid UTF-8 (undecodable bytes become U+FFFD)."""
    return os.fsencode(path.name).decode("utf-8", "replace")


def display_path(path: Path) -> str:
    return os.fsencode(str(path)).decode("utf-8", "replace")


def copy_statement(table: Table) -> str:
    cols = ", ".join(("batch_id", "source_row", *table.column_names))
    return f"copy {table.qualified} ({cols}) from stdin"


# ---- helpers ----------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def batch_key(source: str, path: Path) -> str:
    """The idempotency key of a file: the SHA-256 of its content, or of name and content for the
    sources whose file name carries data (``NAME_CARRIES_DATA``)."""
    if path.is_dir():
        return hashlib.sha256(f"directory\n{display_name(path)}".encode()).hexdigest()
    digest = file_sha256(path)
    if source in NAME_CARRIES_DATA or path.stat().st_size == 0:
        # an empty file carries nothing but its name: two different empty files are two batches
        return hashlib.sha256(f"{display_name(path)}\n{digest}".encode()).hexdigest()
    return digest


def ensure_raw_schema(conn: psycopg.Connection[Any]) -> None:
    """Create the raw schema, control tables and raw tables if missing (serialised by a lock).

    The certification record (``quality.certifications``) too when missing and the connected role
    may create it; under the roles of ``core.roles`` the loader may not, and ``cur warehouse roles``
    has created it.
    """
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (_DDL_LOCK,))
        conn.execute(raw_ddl())  # type: ignore[arg-type]
        row = conn.execute(MAY_CREATE_QUALITY).fetchone()  # type: ignore[arg-type]
        if row and row[0]:
            conn.execute(QUALITY_DDL)  # type: ignore[arg-type]


def _spool_to_copy(conn: psycopg.Connection[Any], statement: str, spool: IO[bytes]) -> None:
    if not spool.tell():  # nothing spooled: no round trip
        return
    spool.seek(0)
    with conn.cursor() as cur, cur.copy(statement) as copy:  # type: ignore[arg-type]
        for chunk in iter(lambda: spool.read(_COPY_CHUNK), b""):
            copy.write(chunk)


def _record_outcome(
    conn: psycopg.Connection[Any], source: str, path: Path, digest: str, size: int, status: str, error: str
) -> int:
    with conn.transaction():
        row = conn.execute(
            """insert into raw.load_batches
                   (source, file_name, file_path, content_hash, file_bytes, status, error, finished_at)
               values (%s, %s, %s, %s, %s, %s, %s, clock_timestamp())
               returning batch_id""",
            (source, display_name(path), display_path(path), digest, size, status, error),
        ).fetchone()
    assert row is not None
    return int(row[0])


# ---- loading ----------------------------------------------------------------------------------


def load_file(
    conn: psycopg.Connection[Any],
    source: str,
    path: Path,
    *,
    ctx: ReadContext | None = None,
    progress: ProgressFn | None = None,
    retry_rejected: bool = False,
) -> BatchResult:
    """Load one landing file as one batch; see the module docstring for the guarantees.

    Whatever is wrong with the file (a name that is not UTF-8, a directory, a file that vanishes or
    changes while it is read, damage of any kind) ends as a recorded ``rejected`` or ``failed``
    batch naming the file; only a lost database connection is raised.
    """
    ctx = ctx or context_for(source)
    started = time.perf_counter()
    name = display_name(path)
    try:
        digest = batch_key(source, path)
        size = 0 if path.is_dir() else path.stat().st_size
    except OSError as exc:
        digest = hashlib.sha256(f"unreadable\n{name}\n{time.time_ns()}".encode()).hexdigest()
        message = f"{name}: cannot be read: {type(exc).__name__}: {exc.strerror or exc}"
        batch_id = _record_outcome(conn, source, path, digest, 0, "failed", message)
        return BatchResult(source, name, "failed", batch_id, error=message)

    statuses = {
        r[0]: (r[1], r[2])
        for r in conn.execute(
            """select distinct on (status) status, batch_id, error from raw.load_batches
               where source = %s and content_hash = %s and status in ('loaded', 'rejected')
               order by status, batch_id desc""",
            (source, digest),
        ).fetchall()
    }
    conn.commit()
    if "loaded" in statuses:
        return BatchResult(source, name, "skipped", statuses["loaded"][0])
    if "rejected" in statuses and not retry_rejected:
        # still rejected: the run reports it again (and fails), it is not "already loaded"
        return BatchResult(
            source,
            name,
            "rejected",
            statuses["rejected"][0],
            error=f"{statuses['rejected'][1]} (rejected before with the same content; "
            "use --retry-rejected to try again)",
        )

    try:
        problem = _file_problem(path, name)
        if problem:
            raise FileRejected(path, problem)
        counts = _load_in_transaction(conn, source, path, digest, size, ctx, progress)
    except FileRejected as exc:
        message = str(exc).replace(path.name, name)
        message = message if message.startswith(name) else f"{name}: {message}"
        batch_id = _record_outcome(conn, source, path, digest, size, "rejected", message)
        return BatchResult(
            source, name, "rejected", batch_id, error=message, seconds=time.perf_counter() - started
        )
    except _AlreadyLoaded as exc:
        return BatchResult(source, name, "skipped", exc.batch_id)
    except Exception as exc:
        if conn.closed or isinstance(exc, psycopg.OperationalError):
            raise
        message = f"{name}: {type(exc).__name__}: {exc}"
        batch_id = _record_outcome(conn, source, path, digest, size, "failed", message)
        return BatchResult(
            source, name, "failed", batch_id, error=message, seconds=time.perf_counter() - started
        )
    batch_id, read, loaded, quarantined = counts
    return BatchResult(
        source, name, "loaded", batch_id, read, loaded, quarantined, time.perf_counter() - started
    )


def _file_problem(path: Path, name: str) -> str | None:
    """Why a landing entry cannot be a file of data at all, or None."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        return f"the file name is not valid UTF-8 ({name!r}): rename the file"
    if path.is_dir():
        return "is a directory, not a file"
    return None


def context_for(source: str) -> ReadContext:
    """The reading context of a source: its time zone (CUR_SOURCE_TIMEZONE_<SOURCE>, else
    CUR_SOURCE_TIMEZONE), the ИМ «Кабинет» zones, the declared date order and the future tolerance."""
    settings = get_settings()
    return ReadContext(
        now=datetime.now(UTC),
        timezone=settings.timezone_for(source),
        zones={header_key(k): v for k, v in settings.im_cabinet_timezones.items()} if source == "im" else {},
        declared_date_order=settings.date_order_of(source),
        future_tolerance=settings.future_tolerance,
        fast_path=settings.ingest_fast_path,
    )


class FileChanged(Exception):
    """The file's size, time or content changed between the start and the end of its load."""


def _fingerprint(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


class _AlreadyLoaded(Exception):
    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id


def _load_in_transaction(
    conn: psycopg.Connection[Any],
    source: str,
    path: Path,
    digest: str,
    size: int,
    ctx: ReadContext,
    progress: ProgressFn | None,
) -> tuple[int, int, int, int]:
    reader = reader_for(source, path)
    tables = {t.name: t for t in reader.tables}
    # the table with the most rows streams into COPY while the file is read (the server parses it on
    # the other core); the others are spooled and COPYed after
    streamed = getattr(reader, "streamed_table", None)
    primary = streamed if streamed in tables else next(iter(tables))
    secondary = [name for name in tables if name != primary]
    with conn.transaction(), ExitStack() as stack:
        # Serialise loads of the same content; a concurrent loader that got there first wins.
        conn.execute("select pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"{source}:{digest}",))
        done = conn.execute(
            """select batch_id from raw.load_batches
               where source = %s and content_hash = %s and status = 'loaded'""",
            (source, digest),
        ).fetchone()
        if done:
            raise _AlreadyLoaded(int(done[0]))
        row = conn.execute(
            """insert into raw.load_batches (source, file_name, file_path, content_hash, file_bytes, status)
               values (%s, %s, %s, %s, %s, 'loading') returning batch_id""",
            (source, display_name(path), display_path(path), digest, size),
        ).fetchone()
        assert row is not None
        batch_id = int(row[0])
        prefix = f"{batch_id}\t"

        spools = {
            name: stack.enter_context(tempfile.SpooledTemporaryFile(_SPOOL_MEMORY, mode="w+b"))
            for name in [*secondary, "quarantine"]
        }
        counts = {"read": 0, "loaded": 0, "quarantined": 0}
        notes: dict[str, object] = {}
        unknown: list[str] = []
        before = _fingerprint(path)

        def primary_rows() -> Iterator[bytes]:
            for item in reader.read(path, ctx):
                if isinstance(item, Note):
                    if item.key == "unknown_columns":
                        unknown.extend(str(v) for v in item.value)  # type: ignore[attr-defined]
                    elif item.key == "warning":
                        notes.setdefault("warnings", []).append(item.value)  # type: ignore[union-attr]
                    else:
                        notes[item.key] = item.value
                    continue
                counts["read"] += 1
                if isinstance(item, Encoded):
                    counts["loaded"] += 1
                    head = prefix + str(item.row) + "\t"
                    for name, texts in item.lines.items():
                        if not texts:
                            continue
                        data = "".join([head + text + "\n" for text in texts]).encode()
                        if name == primary:
                            yield data
                        else:
                            spools[name].write(data)
                elif isinstance(item, Record):
                    counts["loaded"] += 1
                    head = (prefix + str(item.row) + "\t").encode()
                    for name, rows in item.tables.items():
                        for values in rows:
                            line = head + encode_row(values)
                            if name == primary:
                                yield line
                            else:
                                spools[name].write(line)
                else:
                    counts["quarantined"] += 1
                    spools["quarantine"].write(
                        (prefix + str(item.row) + "\t").encode()
                        + encode_row((item.field, item.reason, item.raw_text))
                    )
                if progress and counts["read"] % 10_000 == 0:
                    progress(path.name, counts["read"])

        with conn.cursor() as cur, cur.copy(copy_statement(tables[primary])) as copy:  # type: ignore[arg-type]
            buffer = bytearray()
            for line in primary_rows():
                buffer += line
                if len(buffer) >= _COPY_CHUNK:
                    copy.write(buffer)
                    buffer.clear()
            if buffer:
                copy.write(buffer)
        for name in secondary:
            _spool_to_copy(conn, copy_statement(tables[name]), spools[name])
        _spool_to_copy(
            conn,
            "copy raw.quarantine (batch_id, source_row, field, reason, raw_text) from stdin",
            spools["quarantine"],
        )
        if _fingerprint(path) != before:  # size or modification time (ns) moved while reading
            raise FileChanged(
                f"{display_name(path)}: the file changed while it was being read; load it again"
            )
        conn.execute(
            """update raw.load_batches
               set rows_read = %s, rows_loaded = %s, rows_quarantined = %s,
                   unknown_columns = %s, notes = %s::jsonb,
                   status = 'loaded', finished_at = clock_timestamp()
               where batch_id = %s""",
            (
                counts["read"],
                counts["loaded"],
                counts["quarantined"],
                unknown or None,
                json.dumps(notes, ensure_ascii=False) if notes else None,
                batch_id,
            ),
        )
        if progress:
            progress(path.name, counts["read"])
    return batch_id, counts["read"], counts["loaded"], counts["quarantined"]


def load_landing(
    dsn: str,
    landing_dir: Path,
    sources: tuple[str, ...] | None = None,
    *,
    progress: ProgressFn | None = None,
    on_result: Callable[[BatchResult], None] | None = None,
    retry_rejected: bool = False,
) -> list[BatchResult]:
    """Load every file of the landing folder (or of the given sources), in export order."""
    files = discover(landing_dir, sources) if sources else discover(landing_dir)
    results: list[BatchResult] = []
    contexts = {source: context_for(source) for source in {s for s, _ in files}}
    with psycopg.connect(dsn) as conn:
        ensure_raw_schema(conn)
        for source, path in files:
            result = load_file(
                conn, source, path, ctx=contexts[source], progress=progress, retry_rejected=retry_rejected
            )
            results.append(result)
            if on_result:
                on_result(result)
    return results


def recent_batches(dsn: str, limit: int = 20, source: str | None = None) -> list[dict[str, Any]]:
    """The latest batches with their counts, newest first."""
    with psycopg.connect(dsn) as conn:
        ensure_raw_schema(conn)
        cur = conn.execute(
            """select batch_id, source, file_name, status, rows_read, rows_loaded, rows_quarantined,
                      started_at, finished_at, error
               from raw.load_batches
               where %(source)s::text is null or source = %(source)s
               order by batch_id desc limit %(limit)s""",
            {"source": source, "limit": limit},
        )
        names = [d.name for d in cur.description or []]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def quarantined_rows(dsn: str, batch_id: int | None = None, limit: int = 30) -> list[dict[str, Any]]:
    """Quarantined rows with their file, row number, field and reason; newest batch first."""
    with psycopg.connect(dsn) as conn:
        ensure_raw_schema(conn)
        cur = conn.execute(
            """select b.file_name, q.batch_id, q.source_row, q.field, q.reason
               from raw.quarantine q join raw.load_batches b using (batch_id)
               where %(b)s::bigint is null or q.batch_id = %(b)s
               order by q.batch_id desc, q.source_row limit %(n)s""",
            {"b": batch_id, "n": limit},
        )
        names = [d.name for d in cur.description or []]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
