"""Retention of personal data in the raw layer: purge what batches older than the period hold.

In: a DSN and a retention period in days (the setting ``CUR_RAW_PII_RETENTION_DAYS``). Out: a
:class:`PurgeReport` saying, per raw table, how many rows of old batches are purged and which of their
columns hold personal values; without ``dry_run`` those values are replaced, in one transaction:

* a batch is old when it was loaded (``raw.load_batches.finished_at``, else ``started_at``) more than
  the period ago and has not been purged yet (``pii_purged_at``, set by the purge: a rerun is a no-op);
* the columns are those ``ingestion/schemas.py`` marks ``personal``: a name part becomes ``[ФИО]``;
  an identifier (ЕПГУ id, e-mail, phone, profile or post URL) becomes its keyed pseudonym
  ``pseudonym:<key>`` (a URL keeps its site: ``https://vk.com/pseudonym:<key>``); a free text is
  redacted (phones, e-mails, documents, profile links, the applicant's own name); the ``extras`` of
  unknown columns are redacted value by value; a quarantined row's raw text is dropped (null) and its
  reason redacted; a batch's error text is redacted;
* rows are never deleted and no count changes: the batch accounting stays as it was.

Nothing downstream loses history. The staging models read the raw tables again on every dbt run (they
are views, and ``fct_appeals``, incremental, recomputes open appeals and the repeat partners of
changed ones from them), so a purge that nulled the identifiers would drop the applicants' keys, the
repeat links and the has-a-name flags from every rebuilt row. Instead the purge writes what staging
would compute: the redaction and the pseudonyms are SQL functions made by dbt from the very macros
the staging models use (``dbt/macros/pii/functions.sql``, installed before each purge by ``dbt
run-operation install_pii_functions``), and staging reads a ``pseudonym:`` value back as its key. A
purged row therefore stages exactly as before (tests/ingestion/test_retention.py rebuilds and
compares). Only ``stg_loads__quarantine.has_raw_text`` / ``raw_text_chars`` change: the raw text of a
quarantined row is gone.

What is kept: addresses and coordinates (places the appeal: not a citizen's identifier on their own)
and staff names (executors, officials). Rotating ``CUR_PII_KEY`` after a purge splits the pseudonyms
of purged rows from those recomputed with the new key (the clear value is gone).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from core.dbt import run_dbt
from ingestion.schemas import RAW_SCHEMA, TABLES, Table

FUNCTIONS_SCHEMA = "private"
NAME_PLACEHOLDER = "[ФИО]"
# The free texts of these tables are redacted with the applicant's name of the record: its own name
# columns, or the appeal row of the same export (the JSON line that carries the history). The answers
# go first: they read the appeals' names before the appeals lose them.
_NAMES_OF: dict[str, tuple[str, ...]] = {
    "pos_appeal_events": tuple(
        f"(select a.{c} from {RAW_SCHEMA}.pos_appeals as a"
        f" where a.appeal_id = t.appeal_id and a.batch_id = t.batch_id limit 1)"
        for c in ("applicant_surname", "applicant_name", "applicant_patronymic")
    ),
    "pos_appeals": ("t.applicant_surname", "t.applicant_name", "t.applicant_patronymic"),
}
_ORDER = ("pos_appeal_events", "pos_appeals")


class RetentionError(RuntimeError):
    """The purge cannot run (no period set, dbt's functions could not be installed)."""


@dataclass(frozen=True)
class TablePurge:
    """One raw table: rows of old batches, and per column the personal values among them."""

    table: str
    rows: int
    columns: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PurgeReport:
    retention_days: int
    cutoff: datetime
    batches: tuple[int, ...]
    tables: tuple[TablePurge, ...]
    dry_run: bool

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def _tables() -> list[Table]:
    first = [TABLES[name] for name in _ORDER]
    return first + [t for name, t in TABLES.items() if name not in _ORDER]


def _function(name: str) -> sql.Composable:
    return sql.SQL("{}.{}").format(sql.Identifier(FUNCTIONS_SCHEMA), sql.Identifier(name))


def _redact(expr: sql.Composable, names: tuple[str, ...]) -> sql.Composable:
    args = [expr, *(sql.SQL(n) for n in names)]  # the name subqueries are fixed text of this module
    return sql.SQL("{}({})").format(_function("redact_free_text"), sql.SQL(", ").join(args))


def _replacement(column: str, kind: str, names: tuple[str, ...]) -> sql.Composable:
    ref = sql.SQL("t.{}").format(sql.Identifier(column))
    if kind == "name":
        return sql.SQL("case when nullif(trim({ref}), '') is null then {ref} else {placeholder} end").format(
            ref=ref, placeholder=sql.Literal(NAME_PLACEHOLDER)
        )
    if kind == "text":
        return _redact(ref, names)
    return sql.SQL("{}({}, {})").format(_function("pseudonym_marker"), ref, sql.Literal(kind))


def _extras_replacement(names: tuple[str, ...]) -> sql.Composable:
    value = _redact(sql.SQL("e.value #>> '{}'"), names)
    return sql.SQL(
        "coalesce((select jsonb_object_agg(e.key, case when jsonb_typeof(e.value) = 'string'"
        " then to_jsonb({}) else e.value end) from jsonb_each(t.extras) as e), t.extras)"
    ).format(value)


def _assignments(table: Table) -> list[tuple[str, sql.Composable]]:
    names = _NAMES_OF.get(table.name, ())
    out = [(c.name, _replacement(c.name, c.personal, names)) for c in table.personal_columns]
    out.append(("extras", _extras_replacement(names)))
    return out


def _qualified(table: str) -> sql.Composable:
    return sql.SQL("{}.{} as t").format(sql.Identifier(RAW_SCHEMA), sql.Identifier(table))


def _count(conn: psycopg.Connection[Any], table: str, columns: list[str], batches: list[int]) -> TablePurge:
    counts = [sql.SQL("count(t.{})").format(sql.Identifier(c)) for c in columns]
    query = sql.SQL("select count(*), {} from {} where t.batch_id = any(%s)").format(
        sql.SQL(", ").join(counts), _qualified(table)
    )
    row = conn.execute(query, (batches,)).fetchone()
    assert row is not None
    return TablePurge(table, row[0], {c: n for c, n in zip(columns, row[1:], strict=True) if n})


def old_batches(conn: psycopg.Connection[Any], cutoff: datetime) -> list[int]:
    """Batches loaded before ``cutoff`` whose personal data has not been purged yet."""
    rows = conn.execute(
        f"select batch_id from {RAW_SCHEMA}.load_batches"
        " where pii_purged_at is null and coalesce(finished_at, started_at) < %s order by batch_id",
        (cutoff,),
    ).fetchall()
    return [r[0] for r in rows]


def install_functions(dsn: str) -> None:
    """dbt's key table and the functions of the redaction and the pseudonyms (current macros)."""
    # A target folder of its own: the project's dbt/target (the manifest Dagster loads) stays as it is.
    with tempfile.TemporaryDirectory(prefix="cur_purge_dbt_") as target:
        result = run_dbt(
            ["run-operation", "install_pii_functions", "--quiet"], dsn, target_dir=Path(target), capture=True
        )
    if result.returncode != 0:
        raise RetentionError(
            "could not install the purge's functions (dbt run-operation install_pii_functions):\n"
            + (result.stdout + result.stderr)[-3000:]
        )


def purge_raw_personal_data(
    dsn: str,
    retention_days: int | None,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
) -> PurgeReport:
    """Purge (or, with ``dry_run``, only count) the personal data of batches older than the period."""
    from ingestion.load import ensure_raw_schema

    if retention_days is None:
        raise RetentionError(
            "no retention period: set CUR_RAW_PII_RETENTION_DAYS (days raw personal data is kept) "
            "or pass the number of days"
        )
    if retention_days < 1:
        raise RetentionError(f"the retention period must be at least one day, got {retention_days}")
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    if not dry_run:
        install_functions(dsn)
    with psycopg.connect(dsn) as conn:
        ensure_raw_schema(conn)
        with conn.transaction():
            # one purge at a time; loads may go on (they only add new batches)
            conn.execute("select pg_advisory_xact_lock(hashtext('cur.raw_pii_purge'))")
            batches = old_batches(conn, cutoff)
            report: list[TablePurge] = []
            for table in _tables():
                columns = [c.name for c in table.personal_columns] + ["extras"]
                report.append(_count(conn, table.name, columns, batches))
                if not dry_run and batches:
                    sets = sql.SQL(", ").join(
                        sql.SQL("{} = {}").format(sql.Identifier(name), value)
                        for name, value in _assignments(table)
                    )
                    conn.execute(
                        sql.SQL("update {} set {} where t.batch_id = any(%s)").format(
                            _qualified(table.name), sets
                        ),
                        (batches,),
                    )
            report.append(_count(conn, "quarantine", ["raw_text", "reason"], batches))
            if not dry_run and batches:
                conn.execute(
                    sql.SQL("update {} set raw_text = null, reason = {} where t.batch_id = any(%s)").format(
                        _qualified("quarantine"), _redact(sql.SQL("t.reason"), ())
                    ),
                    (batches,),
                )
                conn.execute(
                    sql.SQL(
                        "update {} set error = {}, pii_purged_at = clock_timestamp()"
                        " where t.batch_id = any(%s)"
                    ).format(_qualified("load_batches"), _redact(sql.SQL("t.error"), ())),
                    (batches,),
                )
    return PurgeReport(retention_days, cutoff, tuple(batches), tuple(t for t in report if t.rows), dry_run)
