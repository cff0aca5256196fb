"""ISO weeks of the pack and the retention rule (no database)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from briefing.files import apply_retention, week_folders
from briefing.weeks import Week


def test_a_week_parses_and_knows_its_neighbours() -> None:
    week = Week.parse("2026-W08")
    assert (week.start, week.end) == (date(2026, 2, 16), date(2026, 2, 22))
    assert week.previous().key == "2026-W07"
    assert week.a_year_earlier().key == "2025-W08"
    assert Week.parse("2026w8") == week
    assert week.label == "неделя 8: 16–22 февраля 2026 г."


def test_week_53_a_year_earlier_falls_back_to_52() -> None:
    assert Week(2026, 53).a_year_earlier() == Week(2025, 52)


@pytest.mark.parametrize("text", ["2026-08", "2026-W54", "W08", ""])
def test_a_bad_week_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Week.parse(text)


def test_the_latest_complete_week_ends_on_a_sunday_before_the_as_of_date() -> None:
    assert Week.last_complete(date(2026, 2, 28)).key == "2026-W08"  # Saturday: W09 is not over
    assert Week.last_complete(date(2026, 3, 1)).key == "2026-W09"  # Sunday: W09 is over that day
    assert Week.last_complete(date(2026, 3, 2)).key == "2026-W09"  # Monday morning


def test_retention_keeps_the_newest_weeks_and_touches_nothing_else(tmp_path: Path) -> None:
    for key in ("2025-W52", "2026-W01", "2026-W02", "2026-W03"):
        (tmp_path / key).mkdir()
        (tmp_path / key / f"{key}_region.pdf").write_bytes(b"%PDF")
    (tmp_path / "notes").mkdir()
    (tmp_path / "readme.txt").write_text("kept")

    removed = apply_retention(tmp_path, keep=2)

    assert [p.name for p in removed] == ["2025-W52", "2026-W01"]
    assert [p.name for p in week_folders(tmp_path)] == ["2026-W02", "2026-W03"]
    assert (tmp_path / "notes").is_dir() and (tmp_path / "readme.txt").exists()
    assert apply_retention(tmp_path, keep=2) == []


def test_the_packs_folder_and_retention_come_from_the_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from core.settings import get_settings

    for name in ("CUR_BRIEFING_DIR", "CUR_BRIEFING_KEEP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CUR_STATE_DIR", str(tmp_path / "state"))
    settings = get_settings()
    assert settings.briefing_dir == tmp_path / "state" / "briefing"
    assert settings.briefing_keep == 12
    monkeypatch.setenv("CUR_BRIEFING_DIR", str(tmp_path / "packs"))
    monkeypatch.setenv("CUR_BRIEFING_KEEP", "3")
    settings = get_settings()
    assert (settings.briefing_dir, settings.briefing_keep) == (tmp_path / "packs", 3)
    monkeypatch.setenv("CUR_BRIEFING_KEEP", "0")
    with pytest.raises(ValueError):
        get_settings()
