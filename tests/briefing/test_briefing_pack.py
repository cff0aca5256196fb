"""The weekly briefing pack, checked as a person would: built from the shared sample build (the
product's daily job), its PDF pages turned into images (poppler's ``pdftoppm``) and read back as text
(``pdftotext``): every section is on the pages, every page carries the as-of date and the
certification, and the headline figures printed equal the marts queried here independently. The
XLSX holds the same tables (openpyxl read-back). A withdrawn certificate is printed as withdrawn;
retention removes old packs. Poppler and Chromium are installed with apt-get when missing (as root).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from briefing.build import PackResult, build_pack, default_week
from briefing.data import WITHDRAWN_LABEL
from briefing.weeks import Week
from briefing.workbook import HEADER_ROWS, SHEETS, read_table
from core import debian
from core.settings import DEFAULT_TIMEZONE
from tests.conftest import SampleBuild

# The sample covers January and February 2026; week 8 (16–22 February) has a full previous week.
WEEK = Week(2026, 8)
SECTIONS = (
    "1. Ключевые показатели",
    "2. Главные проблемы",
    "3. Просроченные обращения",
    "4. Просроченные поручения",
    "5. Сигналы конфликтности",
    "6. Показатели программ под риском",
    "Статус данных",
)


def _tools() -> tuple[Path, Path]:
    try:
        return (
            debian.ensure_tool(debian.PDFTOPPM, debian.POPPLER_PACKAGE),
            debian.ensure_tool(debian.PDFTOTEXT, debian.POPPLER_PACKAGE),
        )
    except debian.MissingTool as exc:
        pytest.fail(str(exc))


def pages_as_images(pdf: Path, out: Path) -> list[Path]:
    """Each page as a greyscale PGM image (pdftoppm), in page order."""
    pdftoppm, _ = _tools()
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(pdftoppm), "-gray", "-r", "40", str(pdf), str(out / "page")], check=True)
    return sorted(out.glob("page*.pgm"))


def dark_share(image: Path) -> float:
    """Share of pixels darker than mid-grey in a binary PGM (P5): ink on the page."""
    raw = image.read_bytes()
    parts = raw.split(maxsplit=4)
    assert parts[0] == b"P5"
    width, height = int(parts[1]), int(parts[2])
    pixels = parts[4][-width * height :]
    return sum(1 for p in pixels if p < 128) / (width * height)


def page_texts(pdf: Path, pages: int) -> list[str]:
    _, pdftotext = _tools()
    return [
        subprocess.run(
            [str(pdftotext), "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.replace("\u00a0", " ")  # a no-break space reads as a space
        for n in range(1, pages + 1)
    ]


def line_with(text: str, start: str) -> str:
    """The first line of ``text`` that contains ``start`` (a KPI row as pdftotext lays it out)."""
    for line in text.splitlines():
        if start in line:
            return line
    raise AssertionError(f"{start!r} not on the page:\n{text}")


def share_text(value: float) -> str:
    return f"{value * 100:.1f}".replace(".", ",") + " %"


def _query(dsn: str, sql: str, params: tuple[object, ...] = ()) -> tuple[object, ...]:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(sql, params).fetchone()  # type: ignore[arg-type]
    assert row is not None
    return tuple(row)


def weekly_figures(dsn: str, sector: str | None) -> tuple[int, float]:
    """Appeals and the on-time share of WEEK, straight from the mart (sums, not a mean of shares)."""
    appeals, on_time, due = _query(
        dsn,
        "select sum(appeals_count), sum(answered_on_time_count), sum(due_count) from marts.kpi_appeals_weekly"
        " where week_start = %s and (%s::text is null or sector_code = %s)",
        (WEEK.start, sector, sector),
    )
    return int(appeals), int(on_time) / int(due)  # type: ignore[arg-type, call-overload]


@pytest.fixture(scope="module")
def pack(sample_build: SampleBuild, tmp_path_factory: pytest.TempPathFactory) -> PackResult:
    assert sample_build.run_success
    out = tmp_path_factory.mktemp("packs")
    (out / "2025-W40").mkdir()  # an old pack retention must remove
    (out / "2025-W40" / "2025-W40_region.pdf").write_bytes(b"%PDF-old")
    return build_pack(sample_build.dsn, WEEK, out_dir=out, keep=1)


def test_the_pack_has_the_region_and_every_sector_as_pdf_and_xlsx(
    pack: PackResult, sample_build: SampleBuild
) -> None:
    with psycopg.connect(sample_build.dsn) as conn:
        sectors = [r[0] for r in conn.execute("select sector_code from marts.dim_sector").fetchall()]
    expected = {
        f"{WEEK.key}_{scope}{suffix}" for scope in ["region", *sectors] for suffix in (".pdf", ".xlsx")
    }
    assert {p.name for p in pack.documents} == expected
    assert all(p.exists() and p.stat().st_size > 0 for p in pack.documents)
    assert pack.folder.name == WEEK.key


def test_retention_removed_the_old_pack(pack: PackResult) -> None:
    assert [p.name for p in pack.removed] == ["2025-W40"]
    assert not (pack.folder.parent / "2025-W40").exists()


def test_the_default_week_is_the_latest_complete_week_of_the_data(sample_build: SampleBuild) -> None:
    (newest,) = _query(sample_build.dsn, "select max(created_date) from marts.fct_appeals")
    week = default_week(sample_build.dsn)
    assert week.end <= newest < week.end + timedelta(days=7)  # type: ignore[operator]
    assert week >= WEEK


@pytest.fixture(scope="module")
def region_pages(pack: PackResult, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    pdf = pack.folder / f"{WEEK.key}_region.pdf"
    images = pages_as_images(pdf, tmp_path_factory.mktemp("pages"))
    assert images, "pdftoppm rendered no page"
    # ink on every page (a page holding only the footer is nearly white), the most on the first (chart)
    ink = [dark_share(image) for image in images]
    assert min(ink) > 0.0005, ink
    assert ink[0] == max(ink) and ink[0] > 0.02, ink
    return page_texts(pdf, len(images))


def test_every_section_is_on_the_pages_in_order(region_pages: list[str]) -> None:
    text = "\n".join(region_pages)
    positions = [text.find(section) for section in SECTIONS]
    assert all(p >= 0 for p in positions), [s for s, p in zip(SECTIONS, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    assert "Еженедельная справка" in text and "Республика Хакасия" in text
    assert "неделя 8: 16–22 февраля 2026 г." in text


def test_every_page_carries_the_as_of_date_and_the_certification(
    region_pages: list[str], sample_build: SampleBuild
) -> None:
    (as_of,) = _query(
        sample_build.dsn,
        "select to_char(max(source_updated_at) at time zone %s, 'DD.MM.YYYY') from marts.fct_appeals",
        (DEFAULT_TIMEZONE,),
    )
    for number, page in enumerate(region_pages, start=1):
        assert f"данные на {as_of}" in page, number
        assert "kpi_appeals_weekly — Сертифицировано" in page, number
        assert f"стр. {number} из {len(region_pages)}" in page, number


def test_the_headline_figures_printed_equal_the_marts(
    region_pages: list[str], sample_build: SampleBuild
) -> None:
    appeals, on_time = weekly_figures(sample_build.dsn, None)
    first = region_pages[0]
    assert f" {appeals} " in line_with(first, "Поступило обращений")
    assert share_text(on_time) in line_with(first, "Доля ответов в срок")
    assert "Сертифицировано" in line_with(first, "Поступило обращений")
    (at_risk,) = _query(
        sample_build.dsn,
        "select sum(indicators_at_risk_count) from marts.kpi_programme_achievement where year = %s",
        (WEEK.year,),
    )
    assert f" {at_risk} " in line_with(first, "Показатели под риском")
    (overdue,) = _query(sample_build.dsn, "select count(*) from marts.fct_appeals where is_overdue_open")
    (decisions,) = _query(
        sample_build.dsn,
        "select count(*) from marts.fct_decisions where is_counted and execution_bucket_code = 'overdue'",
    )
    text = "\n".join(region_pages)
    assert f"всего {overdue}." in line_with(text, "Открыты после истечения срока ответа")
    assert f"всего {decisions}." in line_with(text, "Поручения на контроле без отметки")


def test_a_sector_document_shows_the_sectors_figures(
    pack: PackResult, sample_build: SampleBuild, tmp_path: Path
) -> None:
    appeals, on_time = weekly_figures(sample_build.dsn, "zhkh")
    pdf = pack.folder / f"{WEEK.key}_zhkh.pdf"
    pages = page_texts(pdf, len(pages_as_images(pdf, tmp_path)))
    assert f" {appeals} " in line_with(pages[0], "Поступило обращений")
    assert share_text(on_time) in line_with(pages[0], "Доля ответов в срок")
    assert "ЖКХ" in pages[0] and "(отраслевой блок)" in pages[0]


def test_the_workbook_holds_the_same_tables(pack: PackResult, sample_build: SampleBuild) -> None:
    xlsx = pack.folder / f"{WEEK.key}_region.xlsx"
    assert set(load_workbook(xlsx, read_only=True).sheetnames) == set(SHEETS.values())
    kpis = {row[0]: row for row in read_table(xlsx, SHEETS["kpis"])}
    appeals, on_time = weekly_figures(sample_build.dsn, None)
    assert kpis["Поступило обращений"][2] == appeals
    assert kpis["Доля ответов в срок"][2] == pytest.approx(on_time)
    assert kpis["Поступило обращений"][7] == "Сертифицировано"
    (at_risk,) = _query(
        sample_build.dsn,
        "select sum(indicators_at_risk_count) from marts.kpi_programme_achievement where year = %s",
        (WEEK.year,),
    )
    assert kpis["Показатели под риском"][2] == at_risk
    programmes = read_table(xlsx, SHEETS["programmes_at_risk"])
    assert sum(r[3] for r in programmes) == at_risk  # type: ignore[misc]
    (overdue,) = _query(sample_build.dsn, "select count(*) from marts.fct_appeals where is_overdue_open")
    rows = read_table(xlsx, SHEETS["overdue_appeals"])
    assert len(rows) == overdue
    days = [r[7] for r in rows]
    assert all(isinstance(d, int) and d >= 0 for d in days)
    assert days == sorted(days, reverse=True)  # the most overdue first
    (decisions,) = _query(
        sample_build.dsn,
        "select count(*) from marts.fct_decisions where is_counted and execution_bucket_code = 'overdue'",
    )
    assert len(read_table(xlsx, SHEETS["overdue_decisions"])) == decisions
    sheet = load_workbook(xlsx, read_only=True)[SHEETS["overdue_appeals"]]
    preamble = [row for row in sheet.iter_rows(max_row=HEADER_ROWS, values_only=True)]
    assert preamble[2][1].startswith("kpi_overdue_appeals — Сертифицировано, данные на ")  # type: ignore[union-attr]


@pytest.fixture
def withdrawn_copy(sample_copy: str) -> Iterator[str]:
    """A copy of the sample whose kpi_appeals_weekly certificate is withdrawn (its latest row flipped)."""
    with psycopg.connect(sample_copy) as conn:
        conn.execute(
            "update quality.certifications set passed = false, failed = 1,"
            ' failed_expectations = \'[{"check": "totals reconcile with the facts"}]\'::jsonb'
            " where validation_id = (select max(validation_id) from quality.certifications"
            " where mart = 'kpi_appeals_weekly')"
        )
        conn.execute("refresh materialized view marts.kpi_certification_status")
    yield sample_copy


def test_a_withdrawn_certificate_is_printed_as_withdrawn(withdrawn_copy: str, tmp_path: Path) -> None:
    result = build_pack(withdrawn_copy, WEEK, sectors=["zhkh"], out_dir=tmp_path / "packs")
    assert result.withdrawn == ["kpi_appeals_weekly"]
    pdf = result.folder / f"{WEEK.key}_region.pdf"
    pages = page_texts(pdf, len(pages_as_images(pdf, tmp_path / "pages")))
    assert WITHDRAWN_LABEL in line_with(pages[0], "Поступило обращений")
    assert "Внимание: сертификация отозвана для витрин kpi_appeals_weekly" in pages[0]
    for page in pages:
        assert f"kpi_appeals_weekly — {WITHDRAWN_LABEL}" in page
    assert "totals reconcile with the facts" in "\n".join(pages)  # why, in the data status table
    # the number is still printed, not hidden
    appeals, _ = weekly_figures(withdrawn_copy, None)
    assert f" {appeals} " in line_with(pages[0], "Поступило обращений")
    kpis = {row[0]: row for row in read_table(result.folder / f"{WEEK.key}_region.xlsx", SHEETS["kpis"])}
    assert kpis["Поступило обращений"][7] == WITHDRAWN_LABEL
    assert kpis["Поступило обращений"][2] == appeals


def test_cli_builds_a_week_and_prints_the_paths(sample_build: SampleBuild, tmp_path: Path) -> None:
    from cli.main import main

    out = tmp_path / "packs"
    result = CliRunner().invoke(
        main,
        ["briefing", "build", "--date", "2026-02-18", "--sector", "roads", "--out", str(out), "--dsn",
         sample_build.dsn],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    flat = "".join(result.output.split())
    for name in (f"{WEEK.key}_region.pdf", f"{WEEK.key}_roads.pdf", f"{WEEK.key}_roads.xlsx"):
        assert (out / WEEK.key / name).exists()
        assert name in flat
    bad = CliRunner().invoke(main, ["briefing", "build", "--sector", "nope", "--dsn", sample_build.dsn])
    assert bad.exit_code != 0 and "unknown sector" in bad.output
