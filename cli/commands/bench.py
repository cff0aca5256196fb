"""``cur bench``: the benchmark (speed and peak memory per phase), written as a results table."""

from __future__ import annotations

from pathlib import Path

import click

from cli.render import console


@click.command()
@click.option(
    "--appeals",
    default="100000,1000000",
    show_default=True,
    help="Comma-separated sample sizes (ПОС appeals); two sizes show how the loader's memory grows.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Results table to write (a .csv is written next to it). [default: bench/results/latest.md]",
)
@click.option(
    "--compare",
    is_flag=True,
    help="Also load every source with the per-value path only (CUR_INGEST_FAST_PATH=false).",
)
@click.option(
    "--before-code",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Also load the same files with the code of another checkout (e.g. git archive <commit>).",
)
@click.option(
    "--warehouse/--no-warehouse",
    default=True,
    show_default=True,
    help="After loading: dbt full build, GX, the next day's slice, the incremental build, serving.",
)
@click.option(
    "--serving-repeats", default=20, show_default=True, help="Runs of each dashboard query (median, p95)."
)
@click.option(
    "--keep",
    is_flag=True,
    help="Keep the largest size's warehouse database (its name is printed) to profile it afterwards.",
)
def bench(
    appeals: str,
    out: Path | None,
    compare: bool,
    before_code: Path | None,
    warehouse: bool,
    serving_repeats: int,
    keep: bool,
) -> None:
    """Generate samples of each size, load them into throw-away databases and measure each phase.

    Speed and memory are measured here, never asserted in tests. The hand-written comparisons are
    kept in bench/results.md; this command writes only its own table.
    """
    from bench.run import DEFAULT_OUT, run_bench

    sizes = [int(s) for s in appeals.split(",") if s.strip()]
    table = run_bench(
        sizes,
        out or DEFAULT_OUT,
        report=lambda line: console.print(line),
        compare=compare,
        before_code=before_code,
        warehouse=warehouse,
        serving_repeats=serving_repeats,
        keep=keep,
    )
    console.print(table, markup=False)
