"""Data Docs history: old validation results and their pages are removed, recent ones kept."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from expectations.docs import RUN_TIME_FORMAT, prune_results

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _result(results: Path, docs: Path, table: str, run: str, when: datetime) -> tuple[Path, Path]:
    stamp = when.strftime(RUN_TIME_FORMAT)
    stored = results / "raw" / table / run / stamp / f"warehouse_raw-raw.{table}.json"
    page = docs / "validations" / "raw" / table / run / stamp / f"warehouse_raw-raw.{table}.html"
    for path in (stored, page):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}", encoding="utf-8")
    return stored, page


def test_results_older_than_the_window_go_with_their_pages(tmp_path: Path) -> None:
    results, docs = tmp_path / "validation_results", tmp_path / "data_docs"
    old = _result(results, docs, "pos_appeals", "run-a", datetime(2026, 9, 1, tzinfo=UTC))
    old_only = _result(results, docs, "im_incidents", "run-a", datetime(2026, 9, 1, tzinfo=UTC))
    recent = _result(results, docs, "pos_appeals", "run-b", datetime(2026, 12, 1, tzinfo=UTC))
    (docs / "index.html").write_text("index", encoding="utf-8")

    assert prune_results(results, docs, keep_days=30, now=NOW) == 2
    assert not any(p.exists() for p in (*old, *old_only))
    assert all(p.exists() for p in recent)
    assert not (results / "raw" / "im_incidents").exists(), "emptied folders go too"
    assert (docs / "index.html").exists()
    assert prune_results(results, docs, keep_days=30, now=NOW) == 0
    assert prune_results(results, docs, keep_days=1, now=NOW) == 1


def test_folders_that_are_not_run_times_are_left_alone(tmp_path: Path) -> None:
    results, docs = tmp_path / "validation_results", tmp_path / "data_docs"
    other = results / "raw" / "pos_appeals" / "run-a" / "notes"
    other.mkdir(parents=True)
    assert prune_results(results, docs, keep_days=1, now=NOW) == 0
    assert other.is_dir()
