"""The benchmark runs end to end on a tiny sample, so it cannot rot between the runs that measure.

Nothing is timed here (speed and memory are measured by ``make bench``, never asserted in tests):
the test checks that every phase ran and wrote its row, and that the row counts are the sample's.
The warehouse phases (two dbt builds and three GX runs, minutes even at 100 appeals on this machine)
are left out here (``--no-warehouse``); their parts are checked on the built sample in
``test_next_day.py``, the browser phase's measurement in the Superset browser tests, and their tables
here with made-up figures.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.run import SOURCES
from cli.main import main as cur


@pytest.mark.e2e
def test_a_small_benchmark_writes_every_phase(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    result = CliRunner().invoke(cur, ["bench", "--appeals", "100", "--no-warehouse", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# Benchmark results (generated)")
    with out.with_suffix(".csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh) if r and not r[0].startswith("#")]
    header, *measured = rows
    by_phase = {r[header.index("phase")]: r for r in measured}
    expected = {"generate (all sources)"} | {
        f"{kind} {s}" for s in SOURCES for kind in ("load", "plain COPY")
    }
    assert set(by_phase) == expected
    loaded = {s: int(by_phase[f"load {s}"][header.index("rows")]) for s in SOURCES}
    assert all(n > 0 for n in loaded.values()), loaded
    assert int(by_phase["generate (all sources)"][header.index("rows")]) == sum(loaded.values())
    assert all(int(by_phase[f"load {s}"][header.index("files")]) > 0 for s in SOURCES)


@pytest.mark.unit
def test_the_warehouse_sections_show_every_measured_figure() -> None:
    """The tables of the warehouse phases (bench/phases.py) from figures made up here: the slowest
    models and tests, the browser phase or why it was not measured, the source of the serving SQL."""
    from bench.nextday import NextDay
    from bench.phases import DbtRun, WarehouseResults, csv_rows, to_markdown
    from bench.render import RenderResults
    from bench.serving import Timing

    full = DbtRun(
        "full build", 100.0, 190.0, 40.0, 120.0, 700, 0, [("fct_appeals", 12.5)], [("not_null_x", 3.25)]
    )
    daily = DbtRun("incremental build (next day)", 8.0, 180.0, 5.0, 4.0, 450, 0, [("fct_appeals", 1.5)])
    measured = WarehouseResults(
        1000,
        appeals_in_facts=1400,
        runs=[full, daily],
        next_day=NextDay(10, 2, 4, 1, 3),
        scan=Timing("full scan of fct_appeals", "select 1", 200.0, 210.0),
        serving=[
            Timing("lead_status", "select 2", 1.0, 2.0),
            Timing("filter: sector_name", "select 3", 0.5, 1.0),
        ],
        serving_source="as Superset ran them",
        render=RenderResults(cold_seconds=9.5, warm_seconds=[4.0, 5.0, 6.0], charts=19),
    )
    text = to_markdown([measured])
    assert "| dbt incremental build (next day) | 8.0 | 8.0 % |" in text
    assert "| not_null_x | 3.25 |" in text
    assert "3 written appeals' cards" in text
    assert (
        "| cold (first after Superset started) | 9.50 |" in text and "| warm (median of 3) | 5.00 |" in text
    )
    assert "queries as Superset ran them" in text and "| lead_status | 1.00 | 2.00 | 1.0 % |" in text
    rows = csv_rows([measured])
    assert ["1000", "browser", "leadership dashboard, warm", "5.00", "s median", "runs 3", ""] in rows
    assert ["1000", "slowest tests: full build", "not_null_x", "3.25", "s", "", ""] in rows

    not_measured = WarehouseResults(1000, render_note="Superset is not installed (`cur superset install`)")
    assert "in the browser: not measured (Superset is not installed" in to_markdown([not_measured])
