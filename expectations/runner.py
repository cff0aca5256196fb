"""Run the suites against the warehouse with one GX Checkpoint, build Data Docs, return structured results.

From the command line: ``cur quality validate`` and ``cur quality certify`` (:mod:`cli.commands.quality`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import great_expectations as gx
import psycopg
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.core.run_identifier import RunIdentifier

from expectations.context import SITE_NAME, WarehouseContext, build_context
from expectations.results import SuiteResult, error_result, suite_result
from expectations.spec import SuiteSpec
from expectations.suites import SUITES

CHECKPOINT = "cur_validation"


class UnknownSuiteError(ValueError):
    """A suite name that is not in the registry."""


def select_suites(names: Iterable[str] | None = None) -> list[SuiteSpec]:
    """The suites by name (all when ``names`` is None or empty); an unknown name is an error."""
    if not names:
        return list(SUITES.values())
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        raise UnknownSuiteError(f"unknown suite(s) {', '.join(unknown)}; known: {', '.join(SUITES)}")
    return [SUITES[n] for n in dict.fromkeys(names)]


def missing_tables(dsn: str, specs: Sequence[SuiteSpec]) -> set[str]:
    """The suites whose table does not exist in the warehouse."""
    with psycopg.connect(dsn) as conn:
        return {
            s.name
            for s in specs
            if conn.execute("select to_regclass(%s)", (f'"{s.schema}"."{s.table}"',)).fetchone() == (None,)
        }


def _validation_definition(wc: WarehouseContext, spec: SuiteSpec) -> gx.ValidationDefinition:
    batch = wc.table_batch(spec.schema, spec.table)
    suite = wc.context.suites.add(spec.build())
    return wc.context.validation_definitions.add(
        gx.ValidationDefinition(name=spec.name, data=batch, suite=suite)
    )


def validate(
    dsn: str,
    suite_names: Iterable[str] | None = None,
    *,
    docs_dir: Path | None = None,
    run_name: str = "cur",
) -> list[SuiteResult]:
    """Validate the warehouse (``dsn``: a psycopg DSN) against the suites; Data Docs go to ``docs_dir``.

    ``run_name`` names the run in the Data Docs (the Dagster run id when Dagster runs it).

    Every suite is in the result, in registry order; a suite whose table is missing fails with
    ``error`` set instead of aborting the run.
    """
    specs = select_suites(suite_names)
    run_time = datetime.now(UTC)
    missing = missing_tables(dsn, specs)
    runnable = [s for s in specs if s.name not in missing]
    results: dict[str, SuiteResult] = {
        name: error_result(name, f"table {name} does not exist", run_time, SUITES[name].check_names)
        for name in missing
    }
    if runnable:
        wc = build_context(dsn, docs_dir)
        checkpoint = wc.context.checkpoints.add(
            gx.Checkpoint(
                name=CHECKPOINT,
                validation_definitions=[_validation_definition(wc, s) for s in runnable],
                actions=[UpdateDataDocsAction(name="update_data_docs", site_names=[SITE_NAME])],
                result_format="SUMMARY",
            )
        )
        started = time.perf_counter()
        outcome = checkpoint.run(run_id=RunIdentifier(run_name=run_name, run_time=run_time))
        seconds = time.perf_counter() - started
        by_suite = {r.suite_name: r for r in outcome.run_results.values()}
        for spec in runnable:
            gx_result = by_suite.get(spec.name)
            if gx_result is None:
                results[spec.name] = error_result(
                    spec.name, "no validation result", run_time, spec.check_names
                )
            else:
                results[spec.name] = suite_result(spec.name, gx_result, run_time, seconds, spec.check_names)
    return [results[s.name] for s in specs]
