"""Build a weekly briefing pack: the region's document and one per sector, each as PDF and XLSX.

In: a DSN, optionally a week (default: the latest complete week of the appeal data), the sectors
(default: every sector, «не определено» included) and the packs folder. Out: :class:`PackResult`
with the files written and the packs removed by retention. Used by ``cur briefing build``, the
Dagster asset ``briefing/weekly_pack`` and ``cur demo``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from briefing import data as pack_data
from briefing import files
from briefing.document import footer_html, render_html, write_pdfs
from briefing.weeks import Week
from briefing.workbook import write_workbook
from core import debian
from core.settings import get_settings

Progress = Callable[[str], None]


@dataclass
class PackResult:
    week: Week
    folder: Path
    documents: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)

    @property
    def pdfs(self) -> list[Path]:
        return [p for p in self.documents if p.suffix == ".pdf"]


def default_week(dsn: str) -> Week:
    """The latest ISO week that ended on or before the newest appeal's local creation date (the
    appeals' business as-of date, as ``kpi_data_freshness`` has it): on a Monday morning, last week."""
    with psycopg.connect(dsn) as conn:
        row = conn.execute("select max(created_date) from marts.fct_appeals").fetchone()
    if not row or row[0] is None:
        raise ValueError("the warehouse has no appeals (marts.fct_appeals is empty): nothing to brief")
    return Week.last_complete(row[0])


def build_pack(
    dsn: str,
    week: Week | None = None,
    sectors: Sequence[str] | None = None,
    out_dir: Path | None = None,
    keep: int | None = None,
    progress: Progress | None = None,
) -> PackResult:
    """Write the pack of ``week`` into ``out_dir`` (default ``CUR_BRIEFING_DIR``), apply retention."""
    settings = get_settings()
    tz = settings.source_timezone
    root = out_dir or settings.briefing_dir
    assert root is not None
    say = progress or (lambda _: None)
    week = week or default_week(dsn)
    chromium = debian.ensure_chromium(settings.chromium)
    with psycopg.connect(dsn) as conn:
        known = [code for code, _ in pack_data.sectors(conn)]
    wanted = list(sectors) if sectors else known
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        raise ValueError(f"unknown sector(s) {', '.join(unknown)}; known: {', '.join(known)}")

    staging = files.staging_folder(root, week)
    generated_at = datetime.now(UTC)
    documents: list[tuple[str, str, Path]] = []
    written: list[Path] = []
    withdrawn: set[str] = set()
    try:
        for scope in [None, *wanted]:
            name = scope or "region"
            say(f"{week.key}: data for {name}")
            pack = pack_data.load_pack(dsn, week, scope)
            withdrawn |= {m for m in pack.marts if pack.certificate(m).state == "withdrawn"}
            xlsx = write_workbook(pack, staging / files.document_name(week, name, ".xlsx"), tz)
            written.append(xlsx)
            html = render_html(pack, generated_at, tz)
            documents.append((html, footer_html(pack, tz), staging / files.document_name(week, name, ".pdf")))
        say(f"{week.key}: printing {len(documents)} PDF documents")
        written += write_pdfs(documents, chromium)
        folder = files.publish(staging, root, week)
    except BaseException:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        raise
    removed = files.apply_retention(root, keep or settings.briefing_keep)
    result = PackResult(week, folder, sorted(folder / p.name for p in written), removed, sorted(withdrawn))
    return result
