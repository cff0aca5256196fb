"""The benchmark runs end to end on a tiny sample, so it cannot rot between the runs that measure.

Nothing is timed here (speed and memory are measured by ``make bench``, never asserted in tests):
the test checks that every phase ran and wrote its row, and that the row counts are the sample's.
The warehouse phases (two dbt builds and three GX runs, minutes even at 100 appeals on this machine)
are left out here (``--no-warehouse``); their parts are checked on the built sample in
``test_next_day.py``.
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
