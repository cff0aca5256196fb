"""Run the suites against the warehouse with one GX Checkpoint, build Data Docs, return structured results.

CLI::

    python -m expectations.runner validate [--suite NAME ...] [--docs-dir DIR] [--dsn DSN]
    python -m expectations.runner certify [--mart NAME ...] [--run-id ID] [--docs-dir DIR] [--dsn DSN]

``validate`` prints one line per suite (and each failed check) and exits 1 when a suite fails;
``certify`` also records the marts' certification (``quality.certifications``) and exits 1 when a
mart is not certified.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import click
import great_expectations as gx
import psycopg
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.core.run_identifier import RunIdentifier
from rich.console import Console
from rich.table import Table as RichTable

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


# ---- CLI ------------------------------------------------------------------------------------------


def print_results(results: Sequence[SuiteResult], console: Console) -> None:
    table = RichTable(title="Data quality")
    for col in ("suite", "result", "checks", "failed", "failed checks"):
        table.add_column(col, overflow="fold")
    for r in results:
        verdict = "[green]pass[/]" if r.success else "[red]FAIL[/]"
        if r.success and r.failures:
            verdict = "[yellow]pass (warnings)[/]"
        detail = r.error or "\n".join(
            f"{'' if f.severity == 'critical' else f'({f.severity}) '}{f.describe()}" for f in r.failures
        )
        table.add_row(r.suite, verdict, str(r.evaluated), str(r.failed), detail)
    console.print(table)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main() -> None:
    """Data quality of the ЦУР warehouse with Great Expectations."""


@main.command("validate")
@click.option(
    "--suite", "suites", multiple=True, metavar="NAME", help="Suite to run (repeatable); default all."
)
@click.option(
    "--docs-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data Docs folder (default $CUR_GX_DOCS_DIR or .state/gx/data_docs).",
)
@click.option(
    "--dsn", default=None, help="Warehouse DSN (default: $CUR_WAREHOUSE_DSN or the embedded server)."
)
@click.option("--list", "list_only", is_flag=True, help="List the suites and exit.")
def validate_command(
    suites: tuple[str, ...], docs_dir: Path | None, dsn: str | None, list_only: bool
) -> None:
    """Validate the warehouse; exit 1 when a suite fails."""
    console = Console(width=None if sys.stdout.isatty() else 160)
    if list_only:
        for spec in SUITES.values():
            console.print(f"{spec.name}  ({len(spec.checks)} checks)")
        return
    if dsn is None:
        from ingestion.warehouse import WarehouseError, resolve_dsn

        try:
            dsn = resolve_dsn()
        except WarehouseError as exc:
            raise click.ClickException(str(exc)) from exc
    try:
        results = validate(dsn, suites or None, docs_dir=docs_dir)
    except UnknownSuiteError as exc:
        raise click.BadParameter(str(exc), param_hint="--suite") from exc
    print_results(results, console)
    from expectations.context import default_docs_dir

    console.print(f"Data Docs: {((docs_dir or default_docs_dir()).resolve() / 'index.html')}")
    if not all(r.success for r in results):
        sys.exit(1)


@main.command("certify")
@click.option(
    "--mart", "marts", multiple=True, metavar="NAME", help="Mart to certify (repeatable); default all."
)
@click.option("--run-id", default=None, help="Run id to record (default manual-<hex>).")
@click.option(
    "--docs-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data Docs folder (default $CUR_GX_DOCS_DIR or .state/gx/data_docs).",
)
@click.option(
    "--dsn", default=None, help="Warehouse DSN (default: $CUR_WAREHOUSE_DSN or the embedded server)."
)
def certify_command(
    marts: tuple[str, ...], run_id: str | None, docs_dir: Path | None, dsn: str | None
) -> None:
    """Validate the marts (and the suites upstream of them) and record their certification."""
    from expectations.certification import certify

    console = Console(width=None if sys.stdout.isatty() else 160)
    dsn = dsn or _default_dsn()
    statuses, results = certify(dsn, run_id, marts or None, docs_dir=docs_dir)
    print_results(results, console)
    table = RichTable(title="Certification")
    for col in ("mart", "certified", "data as of", "failed expectations"):
        table.add_column(col, overflow="fold")
    for st in statuses:
        verdict = "[green]certified[/]" if st.is_certified else "[red]WITHDRAWN[/]"
        as_of = st.data_as_of.isoformat() if st.data_as_of else ""
        table.add_row(st.mart, verdict, as_of, "\n".join(st.failed_expectations))
    console.print(table)
    if not all(st.is_certified for st in statuses):
        sys.exit(1)


def _default_dsn() -> str:
    from ingestion.warehouse import WarehouseError, resolve_dsn

    try:
        return resolve_dsn()
    except WarehouseError as exc:
        raise click.ClickException(str(exc)) from exc


if __name__ == "__main__":
    main()
