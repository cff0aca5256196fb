"""The weekly briefing pack (``briefing/``) as an asset downstream of the marts it reads.

The marts' certification checks are blocking, so in a run that also builds the marts (the job
``weekly_briefing``) the pack is printed after this run's certification was recorded, and shows it.
The job ``briefing_pack`` builds the pack alone from the marts as they are (``cur demo`` runs it
after the daily job); both accept a week in the run config (default: the latest complete week).
"""

import dagster as dg

from dagster_project.resources import WarehouseResource

GROUP = "briefing"
BRIEFING_KEY = dg.AssetKey(["briefing", "weekly_pack"])


def _mart_keys() -> list[dg.AssetKey]:
    from briefing.data import SOURCE_MARTS

    return [dg.AssetKey(["marts", mart]) for mart in SOURCE_MARTS]


class BriefingConfig(dg.Config):
    """``week``: an ISO week ``YYYY-Www``; empty: the latest complete week of the appeal data."""

    week: str = ""


@dg.asset(
    key=BRIEFING_KEY,
    deps=_mart_keys(),
    group_name=GROUP,
    kinds={"pdf", "xlsx"},
    description="The weekly briefing pack: the region and each sector, PDF and XLSX, from the marts.",
)
def weekly_briefing_pack(
    context: dg.AssetExecutionContext, config: BriefingConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    from briefing.build import build_pack
    from briefing.weeks import Week

    result = build_pack(
        warehouse.get_dsn(),
        week=Week.parse(config.week) if config.week else None,
        progress=context.log.info,
    )
    for path in result.removed:
        context.log.info(f"retention removed {path}")
    return dg.MaterializeResult(
        metadata={
            "week": result.week.key,
            "folder": dg.MetadataValue.path(str(result.folder)),
            "documents": len(result.documents),
            "region_pdf": dg.MetadataValue.path(str(result.folder / f"{result.week.key}_region.pdf")),
            "withdrawn_certificates": ", ".join(result.withdrawn) or "—",
            "removed_by_retention": len(result.removed),
        }
    )
