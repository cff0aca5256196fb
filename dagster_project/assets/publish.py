"""The last asset of the graph: the dashboards published to Superset, with certification synced.

It runs after the marts and after their Great Expectations checks (those checks are blocking, see
``dagster_project/checks.py``), so the certification it copies into Superset is the one this run
recorded. A mart that failed its suite is published without certification, not held back.
"""

import dagster as dg

from dagster_project.resources import SupersetResource, WarehouseResource

GROUP = "superset"
DASHBOARDS_KEY = dg.AssetKey(["superset", "dashboards"])


def _mart_keys() -> list[dg.AssetKey]:
    from superset_assets import spec

    return [dg.AssetKey(["marts", mart]) for mart in sorted(spec.DATASET_BY_MART)]


@dg.asset(
    key=DASHBOARDS_KEY,
    deps=_mart_keys(),
    group_name=GROUP,
    kinds={"superset"},
    description="The Superset dashboards (superset_assets/bundle) imported and certified from the record.",
)
def superset_dashboards(
    context: dg.AssetExecutionContext, superset: SupersetResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    from superset_assets.deploy import deploy

    summary = deploy(warehouse.get_dsn(), start=superset.should_start())
    for line in summary.lines():
        context.log.info(line)
    links = "\n".join(f"- [{slug}]({url})" for slug, url in summary.dashboards.items())
    return dg.MaterializeResult(
        metadata={
            "superset_url": dg.MetadataValue.url(summary.base_url),
            "dashboards": dg.MetadataValue.md(links),
            "certified": ", ".join(summary.certified) or "—",
            "not_certified": ", ".join(summary.withdrawn) or "—",
            "not_validated": ", ".join(summary.unvalidated) or "—",
            **{f"count_{k}": v for k, v in summary.counts.items()},
        }
    )
