"""``cur briefing``: the weekly briefing pack (PDF and XLSX, the region and every sector)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from cli.render import briefing_summary, console, fail, progress, warehouse_or_fail


@click.group()
def briefing() -> None:
    """The weekly briefing pack for the Head's meeting, from the certified marts."""


def _week(week: str | None, day: date | None) -> object:
    from briefing.weeks import Week

    if week and day:
        raise click.UsageError("give --week or --date, not both")
    if day:
        return Week.of(day)
    if week:
        try:
            return Week.parse(week)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--week") from exc
    return None


@briefing.command()
@click.option("--week", default=None, metavar="YYYY-Www", help="ISO week, e.g. 2026-W08.")
@click.option(
    "--date",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Any day of the week, YYYY-MM-DD. [default: the latest complete week of the data]",
)
@click.option(
    "--sector", "sectors", multiple=True, metavar="CODE", help="Sector (repeatable). [default: all]"
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Packs folder. [default: CUR_BRIEFING_DIR or .state/briefing]",
)
@click.option(
    "--dsn", default=None, help="Warehouse DSN. [default: CUR_WAREHOUSE_DSN or the embedded server]"
)
def build(
    week: str | None, day: object, sectors: tuple[str, ...], out_dir: Path | None, dsn: str | None
) -> None:
    """Build the pack of a week: the region and each sector, as PDF and XLSX; print the paths."""
    from briefing.build import build_pack
    from core.debian import MissingTool

    chosen = _week(week, day.date() if day else None)  # type: ignore[attr-defined]
    target = dsn or warehouse_or_fail(start=True)
    with progress() as bar:
        task = bar.add_task("briefing pack", total=None)
        try:
            result = build_pack(
                target,
                week=chosen,  # type: ignore[arg-type]
                sectors=sectors or None,
                out_dir=out_dir,
                progress=lambda text: bar.update(task, description=text),
            )
        except (ValueError, MissingTool) as exc:
            raise fail(exc) from exc
    console.print(briefing_summary(result))
