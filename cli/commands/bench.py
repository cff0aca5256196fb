"""``cur bench``: the benchmark (speed and peak memory per phase), written as a results table."""

from __future__ import annotations

from pathlib import Path

import click

from cli.render import console


@click.command()
@click.option(
    "--appeals",
    default="20000,200000",
    show_default=True,
    help="Comma-separated sample sizes (ПОС appeals).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Results table to write. [default: bench/results.md]",
)
def bench(appeals: str, out: Path | None) -> None:
    """Generate samples of each size, load them into throw-away databases and measure each phase.

    Speed and memory are measured here, never asserted in tests.
    """
    from bench.run import DEFAULT_OUT, run_bench

    sizes = [int(s) for s in appeals.split(",") if s.strip()]
    table = run_bench(sizes, out or DEFAULT_OUT, report=lambda line: console.print(line))
    console.print(table, markup=False)
