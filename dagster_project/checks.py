"""Asset checks: Great Expectations suites and source freshness.

GX 1.x is called directly (``dagster-ge`` does not support it): one asset check per suite, all
suites of a layer validated in one checkpoint run, which also builds the Data Docs.
"""

from datetime import timedelta
from typing import Any

import dagster as dg

from dagster_project.assets.ingestion import raw_asset_key
from dagster_project.resources import WarehouseResource
from expectations.spec import SuiteSpec
from expectations.suites import RAW_SUITES
from ingestion.sources import tables_of

GX_CHECK = "gx_suite"


def _suite_key(spec: SuiteSpec) -> dg.AssetKey:
    return dg.AssetKey([spec.schema, spec.table])


def build_gx_checks(name: str, suites: tuple[SuiteSpec, ...] | list[SuiteSpec]) -> dg.AssetChecksDefinition:
    specs = [
        dg.AssetCheckSpec(GX_CHECK, asset=_suite_key(s), description=f"Great Expectations suite {s.name}")
        for s in suites
    ]

    @dg.multi_asset_check(name=name, specs=specs, can_subset=True, compute_kind="great_expectations")
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> Any:
        from expectations.runner import validate

        wanted = {key.asset_key for key in context.selected_asset_check_keys}
        selected = [s.name for s in suites if _suite_key(s) in wanted]
        for result in validate(warehouse.get_dsn(), selected):
            failures = "\n".join(f"- {f.describe()}" for f in result.failures) or "none"
            yield dg.AssetCheckResult(
                asset_key=dg.AssetKey(result.suite.split(".")),
                check_name=GX_CHECK,
                passed=result.success,
                metadata={
                    "suite": result.suite,
                    "evaluated": result.evaluated,
                    "failed": result.failed,
                    "failed_expectations": dg.MetadataValue.md(failures),
                    "error": result.error or "",
                },
            )

    return _check


raw_gx_checks = build_gx_checks("gx_raw_suites", RAW_SUITES)

# How stale a source may be before its freshness check warns (days): monthly exports for ПОС and
# Инцидент Менеджмент, «Дело» exports at least weekly, ministry submissions quarterly.
_FRESHNESS_DAYS = {"pos": 35, "im": 35, "delo": 8, "indicators": 100}

freshness_checks = [
    check
    for source, days in _FRESHNESS_DAYS.items()
    for check in dg.build_last_update_freshness_checks(
        assets=[raw_asset_key(t.name) for t in tables_of(source)],
        lower_bound_delta=timedelta(days=days),
        timezone="Asia/Krasnoyarsk",
    )
]
freshness_sensor = dg.build_sensor_for_freshness_checks(freshness_checks=freshness_checks)
