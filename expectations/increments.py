"""Validate the raw layer by increments: the row checks of a raw suite run on new batches only.

A raw table grows by batches that are never changed once loaded, so a row rule that held for a batch
holds for good. For a suite with a ``batch_source`` (every raw table fed by a source):

* the whole-table checks (columns, types, rows against the batch record, orphan rows) run on the
  whole table each time: they read the catalogue or the batch ids only;
* the row checks run on the rows of the source's loaded batches that no earlier run validated
  (``quality.validated_batches``), through a query asset;
* when the suite passes, its batches are recorded; when it fails, nothing is recorded, so the next
  run checks them again and fails again while the bad batch is loaded: a failure is never forgotten.

``full=True`` (``cur quality validate --full``, the ``full_refresh`` job) checks every row, as when
nothing is recorded yet, and records every batch that passed. Without the table (a warehouse set up
before it existed, by a role that may not create it) every run is a full one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg

from expectations.results import EVERY_ROW
from expectations.spec import SuiteSpec
from ingestion.schemas import VALIDATED_BATCHES_DDL

INCREMENT_SUFFIX = " (new batches)"


@dataclass(frozen=True)
class Increment:
    """What a run validates of one suite: every row (``whole``) or the rows of its ``new`` batches."""

    suite: str
    loaded: tuple[int, ...]  # the source's loaded batches when the run was planned
    new: tuple[int, ...]  # those no earlier run validated (all of them in a full run)

    @property
    def whole(self) -> bool:
        """Every row is read: no batch of the source was validated before (or the run is full)."""
        return len(self.new) == len(self.loaded)

    @property
    def suite_names(self) -> tuple[str, ...]:
        """The GX suites of the run: the whole suite; or its whole-table part under the table's name
        and, when there are new batches, its row checks under ``<name> (new batches)``."""
        if self.whole or not self.new:
            return (self.suite,)
        return (self.suite, self.suite + INCREMENT_SUFFIX)

    @property
    def scope(self) -> str:
        if self.whole:
            return EVERY_ROW
        return f"rows of {len(self.new)} new of {len(self.loaded)} batches"

    @property
    def validates(self) -> tuple[int, ...]:
        """The batches a passing run records as validated."""
        return self.loaded if self.whole else self.new

    def query(self, spec: SuiteSpec) -> str:
        """The query asset's SELECT: the rows of the new batches."""
        ids = ",".join(str(b) for b in self.new)
        return f"select * from {spec.schema}.{spec.table} where batch_id = any('{{{ids}}}'::bigint[])"


def _table_ready(conn: psycopg.Connection[Any]) -> bool:
    """``quality.validated_batches`` exists, created here when missing and this role may."""
    row = conn.execute("select to_regclass('quality.validated_batches') is not null").fetchone()
    if row and row[0]:
        return True
    may = conn.execute(
        "select to_regnamespace('quality') is not null and has_schema_privilege('quality', 'CREATE')"
    ).fetchone()
    if not (may and may[0]):
        return False
    conn.execute(VALIDATED_BATCHES_DDL)  # type: ignore[arg-type]
    return True


def plan(dsn: str, specs: list[SuiteSpec], *, full: bool = False) -> dict[str, Increment]:
    """The increment of every suite with a ``batch_source``: its loaded batches not yet validated
    (a whole-table run when ``full``, when none was validated yet, or without the record)."""
    out: dict[str, Increment] = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        ready = _table_ready(conn)
        for spec in specs:
            if spec.batch_source is None:
                continue
            loaded = tuple(
                b
                for (b,) in conn.execute(
                    "select batch_id from raw.load_batches where source = %s and status = 'loaded'"
                    " order by batch_id",
                    (spec.batch_source,),
                )
            )
            done: set[int] = set()
            if ready and not full:
                done = {
                    b
                    for (b,) in conn.execute(
                        "select batch_id from quality.validated_batches where suite = %s", (spec.name,)
                    )
                }
            out[spec.name] = Increment(spec.name, loaded, tuple(b for b in loaded if b not in done))
    return out


def record(dsn: str, passed: Iterable[Increment], run_id: str) -> None:
    """Record the batches of the suites that passed as validated, in one transaction."""
    rows = [(increment.suite, b, run_id) for increment in passed for b in increment.validates]
    if not rows:
        return
    with psycopg.connect(dsn) as conn:
        if not _table_ready(conn):
            return
        with conn.cursor() as cur:
            cur.executemany(
                "insert into quality.validated_batches (suite, batch_id, run_id) values (%s, %s, %s)"
                " on conflict (suite, batch_id) do nothing",
                rows,
            )
