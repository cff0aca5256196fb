"""The PDF of a pack: HTML from a Jinja2 template (``templates/pack.html.j2``), printed to A4 by
Chromium through Playwright's ``page.pdf()``.

In: :class:`briefing.data.PackData`. Out: HTML text (:func:`render_html`) and PDF files
(:func:`write_pdfs`, one browser for all documents of a pack). Every page carries a footer with the
as-of date and the certification of each mart the document uses (a withdrawn certificate spelled
out), and the page number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

from briefing import charts
from briefing.data import Kpi, PackData, certificate_text

TEMPLATES = Path(__file__).parent / "templates"
# Rows of a long list printed in the PDF; the workbook has them all.
LIST_LIMIT = 40


def _fmt_count(value: float) -> str:
    return f"{round(value):,}".replace(",", "\u202f")


def _fmt_share(value: float) -> str:
    return f"{value * 100:.1f}\u00a0%".replace(".", ",")


def _kpi(value: float | None, kind: str) -> str:
    if value is None:
        return "нет данных"
    return _fmt_share(value) if kind == "share" else _fmt_count(value)


def _change(k: Kpi) -> str:
    """Change against the previous period: percentage points for a share, a count difference else."""
    if k.value is None or k.previous is None:
        return "—"
    delta = k.value - k.previous
    if k.kind == "share":
        text = f"{delta * 100:+.1f}\u00a0п.\u202fп.".replace(".", ",", 1)
    else:
        text = f"{round(delta):+d}"
    return text.replace("-", "−")


def _cell(value: object, column: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float):
        if column in {"Достижение", "Прогноз", "Средний прогноз"}:
            return _fmt_share(value)
        return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    return str(value)


def _environment(tz: str) -> jinja2.Environment:
    zone = ZoneInfo(tz)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def local_datetime(value: datetime | None) -> str:
        return "—" if value is None else f"{value.astimezone(zone):%d.%m.%Y %H:%M}"

    def local_date(value: datetime | None) -> str:
        return "—" if value is None else f"{value.astimezone(zone):%d.%m.%Y}"

    env.filters.update(
        kpi=_kpi, change=_change, cell=_cell, local_datetime=local_datetime, local_date=local_date
    )
    return env


def withdrawn_marts(data: PackData) -> list[str]:
    return [m for m in data.marts if data.certificate(m).state == "withdrawn"]


def render_html(data: PackData, generated_at: datetime, tz: str) -> str:
    """The document as HTML (A4 print styles; charts inline SVG)."""
    on_time = next((k for k in data.kpis if k.name == "Доля ответов в срок"), None)
    growing = [(str(r[0]), int(r[4])) for r in data.tables["growing_topics"].rows[:8]]
    return (
        _environment(tz)
        .get_template("pack.html.j2")
        .render(
            data=data,
            generated_at=generated_at,
            withdrawn=withdrawn_marts(data),
            list_limit=LIST_LIMIT,
            trend_svg=charts.weekly_trend(data.trend, on_time.target if on_time else None),
            growing_svg=charts.horizontal_bars(growing, "Темы с наибольшим ростом обращений"),
        )
    )


def footer_html(data: PackData, tz: str) -> str:
    """The footer printed on every page: scope, week, as-of date, certification of each mart, page."""
    zone = ZoneInfo(tz)
    as_of = f"{data.as_of.astimezone(zone):%d.%m.%Y %H:%M}" if data.as_of else "—"
    certs = "; ".join(certificate_text(data, m, zone) for m in data.marts)
    text = escape(f"{data.scope_name} · {data.week.key} · данные на {as_of} · сертификация: {certs}")
    return (
        "<div style=\"font-family: 'DejaVu Sans', sans-serif; font-size: 6.5pt; color: #222;"
        ' width: 100%; padding: 0 12mm; display: flex; justify-content: space-between; gap: 4mm;">'
        f"<span>{text}</span>"
        '<span style="white-space: nowrap;">стр. <span class="pageNumber"></span>'
        ' из <span class="totalPages"></span></span></div>'
    )


def write_pdfs(documents: Sequence[tuple[str, str, Path]], chromium: Path) -> list[Path]:
    """Print each (html, footer html, path) to an A4 PDF with one headless Chromium."""
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            page = browser.new_page()
            for html, footer, path in documents:
                page.set_content(html, wait_until="load")
                page.pdf(
                    path=str(path),
                    format="A4",
                    print_background=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=footer,
                    margin={"top": "14mm", "bottom": "20mm", "left": "14mm", "right": "14mm"},
                )
                written.append(path)
        finally:
            browser.close()
    return written
