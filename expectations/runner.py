"""Run the suites against the warehouse with one GX Checkpoint, build Data Docs, return structured results.

From the command line: ``cur quality validate`` and ``cur quality certify`` (:mod:`cli.commands.quality`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import great_expectations as gx
import psycopg
from great_expectations.core.run_identifier import RunIdentifier

from core.settings import get_settings
from expectations import increments
from expectations.context import RESULTS_DIR_NAME, SITE_NAME, WarehouseContext, build_context
from expectations.docs import build_run_docs, prune_results
from expectations.increments import Increment
from expectations.results import EVERY_ROW, SuiteResult, error_result, merged_result, suite_result
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


def _definition(wc: WarehouseContext, data: Any, suite: gx.ExpectationSuite) -> gx.ValidationDefinition:
    return wc.context.validation_definitions.add(
        gx.ValidationDefinition(name=suite.name, data=data, suite=wc.context.suites.add(suite))
    )


def _definitions(
    wc: WarehouseContext, spec: SuiteSpec, increment: Increment | None
) -> list[gx.ValidationDefinition]:
    """The suite on its whole table; or, for an increment (:attr:`Increment.suite_names`), its
    whole-table checks on the table and its row checks on the rows of the new batches."""
    table = wc.table_batch(spec.schema, spec.table)
    if increment is None or increment.whole:
        return [_definition(wc, table, spec.build())]
    out = [_definition(wc, table, spec.build(spec.whole_table_checks))]
    for name in increment.suite_names[1:]:
        rows = wc.query_batch(spec.schema, name, increment.query(spec))
        out.append(_definition(wc, rows, spec.build(spec.row_checks, name)))
    return out


def validate(
    dsn: str,
    suite_names: Iterable[str] | None = None,
    *,
    docs_dir: Path | None = None,
    run_name: str = "cur",
    full: bool = False,
) -> list[SuiteResult]:
    """Validate the warehouse (``dsn``: a psycopg DSN) against the suites; Data Docs go to ``docs_dir``.

    ``run_name`` names the run in the Data Docs (the Dagster run id when Dagster runs it). The raw
    suites check the rows of new batches only unless ``full`` (:mod:`expectations.increments`).

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
        planned = increments.plan(dsn, runnable, full=full)
        wc = build_context(dsn, docs_dir)
        checkpoint = wc.context.checkpoints.add(
            gx.Checkpoint(
                name=CHECKPOINT,
                validation_definitions=[
                    d for s in runnable for d in _definitions(wc, s, planned.get(s.name))
                ],
                actions=[],  # Data Docs once after the run (expectations.docs), not once per suite
                result_format="SUMMARY",
            )
        )
        started = time.perf_counter()
        outcome = checkpoint.run(run_id=RunIdentifier(run_name=run_name, run_time=run_time))
        prune_results(wc.docs_dir.parent / RESULTS_DIR_NAME, wc.docs_dir, get_settings().gx_results_keep_days)
        build_run_docs(wc.context, SITE_NAME, outcome)
        seconds = time.perf_counter() - started
        by_suite = {r.suite_name: r for r in outcome.run_results.values()}
        for spec in runnable:
            increment = planned.get(spec.name)
            parts = increment.suite_names if increment is not None else (spec.name,)
            found = [
                suite_result(spec.name, by_suite[part], run_time, seconds, spec.check_names)
                for part in parts
                if part in by_suite
            ]
            if len(found) < len(parts):
                results[spec.name] = error_result(
                    spec.name, "no validation result", run_time, spec.check_names
                )
                continue
            scope = increment.scope if increment is not None else EVERY_ROW
            results[spec.name] = merged_result(spec.name, found, scope, spec.check_names)
        increments.record(dsn, [i for name, i in planned.items() if results[name].success], run_name)
    return [results[s.name] for s in specs]
