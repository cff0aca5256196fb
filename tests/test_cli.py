"""The ``cur`` command line: help texts and the ingest command on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ingestion.cli import main
from tests import factories as f


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["warehouse"],
        ["warehouse", "start"],
        ["generate"],
        ["ingest"],
        ["batches"],
        ["quarantine"],
        ["demo"],
        ["dbt"],
    ],
)
def test_every_command_has_help(args: list[str]) -> None:
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_ingest_prints_per_file_counts_and_fails_on_a_rejected_file(
    tmp_path: Path, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUR_WAREHOUSE_DSN", dsn)
    f.write_jsonl(tmp_path / "pos" / "pos_appeals_2026-01.jsonl", [f.pos_record(1), "{bad"])
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", "--landing", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "pos_appeals_2026-01.jsonl" in result.output and "loaded" in result.output
    assert "1 files loaded (1 rows, 1 quarantined)" in result.output

    again = runner.invoke(main, ["ingest", "--landing", str(tmp_path)])
    assert "0 files loaded" in again.output and "1 already loaded" in again.output

    f.write_csv(tmp_path / "pos" / "pos_appeals_2026-02.csv", ["ID", "Что-то"], [{"ID": "1"}])
    bad = runner.invoke(main, ["ingest", "--landing", str(tmp_path)])
    assert bad.exit_code == 1
    assert "missing columns" in bad.output

    still_bad = runner.invoke(main, ["ingest", "--landing", str(tmp_path)])  # not "already loaded"
    assert still_bad.exit_code == 1 and "rejected before with" in still_bad.output

    batches = runner.invoke(main, ["batches", "--limit", "5"])
    assert batches.exit_code == 0 and "rejected" in batches.output and "loaded" in batches.output
    quarantine = runner.invoke(main, ["quarantine"])
    assert quarantine.exit_code == 0 and "(line)" in quarantine.output
