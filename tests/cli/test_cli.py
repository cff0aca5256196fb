"""The ``cur`` command line: every command's help, and the data commands on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.main import main
from tests import factories as f


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[list[str]]:
    yield list(path)
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield [*path, name]


ALL_COMMANDS = list(_commands(main))


def test_the_groups_are_the_documented_ones() -> None:
    assert set(main.commands) == {
        "warehouse",
        "data",
        "pipeline",
        "dbt",
        "quality",
        "superset",
        "briefing",
        "bench",
        "spark",
        "demo",
    }
    assert len(ALL_COMMANDS) > 20


@pytest.mark.parametrize("args", ALL_COMMANDS, ids=[" ".join(a) or "cur" for a in ALL_COMMANDS])
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
    result = runner.invoke(main, ["data", "ingest", "--landing", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "pos_appeals_2026-01.jsonl" in result.output and "loaded" in result.output
    assert "1 files loaded (1 rows, 1 quarantined)" in result.output

    again = runner.invoke(main, ["data", "ingest", "--landing", str(tmp_path)])
    assert "0 files loaded" in again.output and "1 already loaded" in again.output

    f.write_csv(tmp_path / "pos" / "pos_appeals_2026-02.csv", ["ID", "Что-то"], [{"ID": "1"}])
    bad = runner.invoke(main, ["data", "ingest", "--landing", str(tmp_path)])
    assert bad.exit_code == 1
    assert "missing columns" in bad.output
    still_bad = runner.invoke(main, ["data", "ingest", "--landing", str(tmp_path)])  # not "already loaded"
    assert still_bad.exit_code == 1 and "rejected before with" in still_bad.output

    batches = runner.invoke(main, ["data", "batches", "--limit", "5"])
    assert batches.exit_code == 0 and "rejected" in batches.output and "loaded" in batches.output
    quarantine = runner.invoke(main, ["data", "quarantine"])
    assert quarantine.exit_code == 0 and "(line)" in quarantine.output


def test_warehouse_dsn_is_masked_unless_asked(dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUR_WAREHOUSE_DSN", dsn)
    from core.dsn import Dsn

    password = Dsn.parse(dsn).password
    masked = CliRunner().invoke(main, ["warehouse", "dsn"])
    assert masked.exit_code == 0 and "***" in masked.output
    assert not password or password not in masked.output
    shown = CliRunner().invoke(main, ["warehouse", "dsn", "--show-password"])
    assert shown.output.strip() == dsn


def test_purge_pii_dry_run_lists_tables_and_columns_and_needs_a_period(
    tmp_path: Path, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    monkeypatch.setenv("CUR_WAREHOUSE_DSN", dsn)
    monkeypatch.delenv("CUR_RAW_PII_RETENTION_DAYS", raising=False)
    f.write_jsonl(tmp_path / "pos" / "pos_appeals_2026-01.jsonl", [f.pos_record(1)])
    runner = CliRunner()
    assert runner.invoke(main, ["data", "ingest", "--landing", str(tmp_path)]).exit_code == 0
    with psycopg.connect(dsn) as conn:
        conn.execute("update raw.load_batches set finished_at = finished_at - interval '40 days'")

    off = runner.invoke(main, ["data", "purge-pii", "--dry-run"])
    assert off.exit_code == 1 and "CUR_RAW_PII_RETENTION_DAYS" in off.output

    monkeypatch.setenv("CUR_RAW_PII_RETENTION_DAYS", "30")
    dry = runner.invoke(main, ["data", "purge-pii", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would purge" in dry.output and "pos_appeals" in dry.output and "applicant_surname" in dry.output
    assert "1 batches, " in dry.output and "(dry run)" in dry.output
    recent = runner.invoke(main, ["data", "purge-pii", "--dry-run", "--days", "60"])
    assert recent.exit_code == 0 and "0 batches, 0 rows" in recent.output
