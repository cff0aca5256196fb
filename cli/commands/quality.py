"""``cur quality``: Great Expectations validation and the certification of the marts."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.render import console, role_or_fail, suite_results_table, table
from core.dbt import prepare_manifest
from core.settings import get_settings

_DOCS = click.option(
    "--docs-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data Docs folder. [default: CUR_GX_DOCS_DIR or .state/gx/data_docs]",
)
_DSN = click.option(
    "--dsn", default=None, help="Warehouse DSN. [default: CUR_WAREHOUSE_DSN or the embedded server]"
)
_FULL = click.option(
    "--full",
    is_flag=True,
    help="Check every raw row, not only the rows of batches no earlier run validated.",
)


@click.group()
def quality() -> None:
    """Validate the warehouse with Great Expectations and certify the marts."""


@quality.command()
@click.option(
    "--suite", "suites", multiple=True, metavar="NAME", help="Suite to run (repeatable). [default: all]"
)
@_DOCS
@_DSN
@_FULL
@click.option("--list", "list_only", is_flag=True, help="List the suites and exit.")
def validate(
    suites: tuple[str, ...], docs_dir: Path | None, dsn: str | None, full: bool, list_only: bool
) -> None:
    """Validate the warehouse against the suites; exit 1 when a suite fails.

    A raw suite checks its table's columns, types and batch counts on the whole table and its row
    rules on the batches no earlier run validated (all of them with --full)."""
    prepare_manifest()  # the mart suites take the column rules of the marts' dbt YAML from it
    from expectations.runner import UnknownSuiteError
    from expectations.runner import validate as run_validate
    from expectations.suites import SUITES

    if list_only:
        for spec in SUITES.values():
            console.print(f"{spec.name}  ({len(spec.checks)} checks)")
        return
    try:
        results = run_validate(dsn or role_or_fail("quality"), suites or None, docs_dir=docs_dir, full=full)
    except UnknownSuiteError as exc:
        raise click.BadParameter(str(exc), param_hint="--suite") from exc
    console.print(suite_results_table(results))
    console.print(f"Data Docs: {(docs_dir or get_settings().gx_docs_dir or Path()).resolve() / 'index.html'}")
    if not all(r.success for r in results):
        sys.exit(1)


@quality.command()
@click.option(
    "--mart", "marts", multiple=True, metavar="NAME", help="Mart to certify (repeatable). [default: all]"
)
@click.option("--run-id", default=None, help="Run id to record. [default: manual-<hex>]")
@_DOCS
@_DSN
@_FULL
def certify(
    marts: tuple[str, ...], run_id: str | None, docs_dir: Path | None, dsn: str | None, full: bool
) -> None:
    """Validate the marts (and the suites upstream of them) and record their certification."""
    prepare_manifest()
    from expectations.certification import certify as run_certify

    statuses, results = run_certify(
        dsn or role_or_fail("quality"), run_id, marts or None, docs_dir=docs_dir, full=full
    )
    console.print(suite_results_table(results))
    console.print(
        table(
            "Certification",
            ("mart", "certified", "data as of", "failed expectations"),
            (
                (
                    st.mart,
                    "[green]certified[/]" if st.is_certified else "[red]WITHDRAWN[/]",
                    st.data_as_of.isoformat() if st.data_as_of else "",
                    "\n".join(st.failed_expectations),
                )
                for st in statuses
            ),
        )
    )
    if not all(st.is_certified for st in statuses):
        sys.exit(1)
