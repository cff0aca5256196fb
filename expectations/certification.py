"""The certification record: per mart and validation run, passed or failed, when, which suite, why.

Rule: a mart is **certified** while its latest validation passed — its own suite had no failed
critical expectation (warnings are recorded but do not count) and every suite upstream of it in the
dbt graph passed in the same run (:mod:`expectations.lineage`). A failed validation withdraws the
certification; the next passing one restores it.

* :func:`certify` validates the mart suites (with their upstream suites, in one checkpoint that also
  builds the Data Docs) and writes one row per mart to ``quality.certifications``;
* :func:`record_certifications` writes the rows for results already at hand (e.g. from Dagster);
* :func:`current_certification` reads the latest row per mart: what Superset's dataset certification
  (``extra.certification``) and the dashboards follow.

After writing, the materialized view ``marts.kpi_certification_status`` (a dbt model) is refreshed
when it exists, so the dashboards see the new state without another dbt run.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from core.roles import REFRESH_FUNCTION
from expectations.results import SuiteResult
from expectations.suites import DATA_AS_OF, MART_SUITES, MARTS_SCHEMA, SUITES

STATUS_VIEW = "marts.kpi_certification_status"
CERTIFIED_BY = "Great Expectations"


@dataclass(frozen=True)
class CertificationStatus:
    """The certification of one mart as of its latest validation."""

    mart: str
    suite: str
    is_certified: bool
    validated_at: datetime
    failed_expectations: tuple[str, ...]
    data_as_of: datetime | None
    run_id: str = ""

    @property
    def details(self) -> str:
        """One line for Superset's certification details: suite, verdict and time (UTC)."""
        when = self.validated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        verdict = "passed" if self.is_certified else "FAILED"
        return f"Suite {self.suite} {verdict} at {when}"


def mart_of(suite: str) -> str:
    """``marts.kpi_appeals`` -> ``kpi_appeals``."""
    return suite.split(".", 1)[1]


def _failure_entries(result: SuiteResult, upstream_failed: Sequence[str]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    if result.error:
        entries.append({"check": "suite could not run", "severity": "critical", "observed": result.error})
    entries += [
        {
            "check": f.name,
            "severity": f.severity,
            "column": f.column,
            "expectation_type": f.expectation_type,
            "observed": f.observed,
        }
        for f in result.failures
    ]
    entries += [
        {"check": f"upstream suite {name} failed", "severity": "critical", "upstream": name}
        for name in upstream_failed
    ]
    return entries


def _describe(entry: Mapping[str, Any]) -> str:
    text = str(entry["check"])
    if entry.get("column"):
        text += f" [{entry['column']}]"
    if entry.get("observed"):
        text += f": {entry['observed']}"
    return text if entry.get("severity", "critical") == "critical" else f"({entry['severity']}) {text}"


def _data_as_of(conn: psycopg.Connection[Any], mart: str) -> datetime | None:
    sql = DATA_AS_OF.get(mart)
    if not sql:
        return None
    try:
        with conn.transaction():
            row = conn.execute(sql).fetchone()  # type: ignore[arg-type]
    except psycopg.Error:  # the mart or its fact is missing: no as-of date
        return None
    value = row[0] if row else None
    return value if isinstance(value, datetime) else None


def refresh_status_view(conn: psycopg.Connection[Any]) -> bool:
    """Refresh ``marts.kpi_certification_status`` if it exists as a materialized view.

    Only its owner (dbt's role) may refresh it: the quality role calls the function
    ``core.roles.REFRESH_FUNCTION``, which runs with the owner's rights; a warehouse without the
    roles (one administrator account) refreshes it directly.
    """
    function = conn.execute("select to_regprocedure(%s) is not null", (f"{REFRESH_FUNCTION}()",)).fetchone()
    if function and function[0]:
        done = conn.execute(f"select {REFRESH_FUNCTION}()").fetchone()  # type: ignore[arg-type]
        return bool(done and done[0])
    row = conn.execute(
        "select 1 from pg_matviews where schemaname = 'marts' and matviewname = 'kpi_certification_status'"
    ).fetchone()
    if row:
        conn.execute(f"refresh materialized view {STATUS_VIEW}")  # type: ignore[arg-type]
    return bool(row)


def record_certifications(
    dsn: str,
    run_id: str,
    results: Iterable[SuiteResult],
    upstream: Mapping[str, Sequence[str]] | None = None,
) -> list[CertificationStatus]:
    """Write one ``quality.certifications`` row per mart suite in ``results``; return the statuses.

    ``upstream`` maps a mart suite to the suites upstream of it; an upstream suite that is in
    ``results`` and failed withdraws the mart's certification (one not in ``results`` is not
    judged). Results of non-mart suites (the raw ones) only serve as upstream.
    """
    by_suite = {r.suite: r for r in results}
    upstream = upstream or {}
    statuses: list[CertificationStatus] = []
    with psycopg.connect(dsn) as conn:
        for suite, result in by_suite.items():
            if not suite.startswith(f"{MARTS_SCHEMA}."):
                continue
            failed_up = [u for u in upstream.get(suite, ()) if u in by_suite and not by_suite[u].success]
            entries = _failure_entries(result, failed_up)
            passed = result.success and not failed_up
            mart = mart_of(suite)
            as_of = _data_as_of(conn, mart)
            row = conn.execute(
                "insert into quality.certifications (run_id, mart, suite, passed, validated_at, evaluated,"
                " failed, failed_expectations, data_as_of) values (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " returning validated_at",
                (
                    run_id,
                    mart,
                    suite,
                    passed,
                    result.run_time,
                    result.evaluated,
                    len(entries),
                    Jsonb(entries),
                    as_of,
                ),
            ).fetchone()
            assert row is not None
            statuses.append(
                CertificationStatus(
                    mart, suite, passed, row[0], tuple(_describe(e) for e in entries), as_of, run_id
                )
            )
        refresh_status_view(conn)
    return statuses


def certify(
    dsn: str,
    run_id: str | None = None,
    marts: Iterable[str] | None = None,
    *,
    docs_dir: Path | None = None,
    upstream: Mapping[str, Sequence[str]] | None = None,
    run_name: str | None = None,
    full: bool = False,
) -> tuple[list[CertificationStatus], list[SuiteResult]]:
    """Validate the mart suites (``marts``: names like ``kpi_appeals``; None: every mart suite
    whose mart the dbt project builds) and the suites upstream of them in one checkpoint, record the
    certification of each mart, return both.

    ``upstream`` defaults to the dbt graph (:func:`expectations.lineage.upstream_suites`); ``full``:
    the raw suites check every row, not only new batches (:mod:`expectations.increments`).
    """
    from expectations.lineage import project_models, upstream_suites
    from expectations.runner import validate

    if marts is not None:
        wanted = [f"{MARTS_SCHEMA}.{m}" for m in marts]
    else:
        built = project_models(MARTS_SCHEMA)
        wanted = [s.name for s in MART_SUITES if s.table in built]
    if upstream is None:
        upstream = upstream_suites(SUITES)
    needed = set(wanted) | {u for s in wanted for u in upstream.get(s, ())}
    names = [n for n in SUITES if n in needed]  # registry order: raw first
    run_id = run_id or f"manual-{uuid.uuid4().hex[:12]}"
    results = validate(dsn, names, docs_dir=docs_dir, run_name=run_name or run_id, full=full)
    statuses = record_certifications(dsn, run_id, results, upstream)
    return statuses, results


def current_certification(dsn: str) -> dict[str, CertificationStatus]:
    """The latest certification of every mart ever validated, by mart name (``kpi_appeals``).

    Empty when nothing was validated yet (or the ``quality`` schema does not exist).
    """
    with psycopg.connect(dsn) as conn:
        exists = conn.execute("select to_regclass('quality.certifications') is not null").fetchone()
        if not exists or not exists[0]:
            return {}
        rows = conn.execute(
            "select distinct on (mart) mart, suite, passed, validated_at, failed_expectations,"
            " data_as_of, run_id from quality.certifications"
            " order by mart, validated_at desc, validation_id desc"
        ).fetchall()
    out: dict[str, CertificationStatus] = {}
    for mart, suite, passed, validated_at, failed, as_of, run_id in rows:
        entries = failed if isinstance(failed, list) else json.loads(failed or "[]")
        out[mart] = CertificationStatus(
            mart, suite, passed, validated_at, tuple(_describe(e) for e in entries), as_of, run_id
        )
    return out
