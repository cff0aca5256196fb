"""The generated sample loads end to end: every file, exact quarantine counts, nothing twice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest

from generator import generate
from ingestion.load import load_landing
from ingestion.sources import SOURCES


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("landing")
    return out, generate(out, appeals=1500, seed=7, start=date(2026, 1, 1), months=4)


def test_every_generated_file_loads_with_the_quarantine_the_manifest_predicts(sample, dsn: str) -> None:  # type: ignore[no-untyped-def]
    out, manifest = sample
    results = load_landing(dsn, out)
    by_file = {r.file_name: r for r in results}
    assert {Path(e.path).name for e in manifest.files} == set(by_file)
    assert {e.source for e in manifest.files} == set(SOURCES)
    for entry in manifest.files:
        r = by_file[Path(entry.path).name]
        assert r.status == "loaded", r.error
        assert (r.rows_read, r.rows_quarantined) == (entry.rows, entry.bad_rows), entry.path
        assert r.rows_read == r.rows_loaded + r.rows_quarantined
    assert manifest.bad_rows > 0

    with psycopg.connect(dsn) as conn:
        quarantined = conn.execute("select count(*) from raw.quarantine").fetchone()
        reasons = conn.execute(
            "select count(*) from raw.quarantine where field is null or reason = ''"
        ).fetchone()
    assert quarantined == (manifest.bad_rows,)
    assert reasons == (0,)

    again = load_landing(dsn, out)
    assert {r.status for r in again} == {"skipped"}
