"""Asset checks: Great Expectations suites and source freshness.

GX 1.x is called directly (``dagster-ge`` does not support it): one asset check per suite, all
suites of a layer validated in one checkpoint run, which also builds the Data Docs. The raw suites
check the raw tables; the mart suites check the marts and record their certification
(``expectations.certification``).
"""

from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg

from core.dbt import Manifest
from dagster_project.assets.ingestion import ingestion_assets, raw_asset_key
from dagster_project.dbt_project import dbt_project
from dagster_project.resources import WarehouseResource
from expectations.lineage import project_models, upstream_suites
from expectations.spec import SuiteSpec
from expectations.suites import MART_SUITES, MARTS_SCHEMA, RAW_SUITES, SUITES
from ingestion.schemas import RAW_SCHEMA

GX_CHECK = "gx_suite"
# The run kind (dagster_project/jobs.py tags) whose checks read every raw row: the full refresh
# rebuilds everything, so it re-validates everything; other runs check new batches' rows only.
FULL_VALIDATION_KIND = "full_refresh"


def full_validation(context: dg.AssetCheckExecutionContext) -> bool:
    """Whether this run's GX suites check every raw row (``expectations.increments``)."""
    return context.run.tags.get("cur/kind") == FULL_VALIDATION_KIND


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
        dsn = warehouse.get_dsn("quality")
        for result in validate(dsn, selected, run_name=context.run.run_id, full=full_validation(context)):
            failures = "\n".join(f"- {f.describe()}" for f in result.failures) or "none"
            yield dg.AssetCheckResult(
                asset_key=dg.AssetKey(result.suite.split(".")),
                check_name=GX_CHECK,
                passed=result.success,
                metadata={
                    "suite": result.suite,
                    "evaluated": result.evaluated,
                    "rows_read": result.scope,
                    "failed": result.failed,
                    "failed_expectations": dg.MetadataValue.md(failures),
                    "error": result.error or "",
                },
            )

    return _check


raw_gx_checks = build_gx_checks("gx_raw_suites", RAW_SUITES)

# ---- mart certification ------------------------------------------------------------------------

CERTIFICATION_CHECK = "gx_certification"


def build_certification_checks(
    name: str, suites: Sequence[SuiteSpec], upstream: Mapping[str, Sequence[str]]
) -> dg.AssetChecksDefinition:
    """One asset check per mart suite, on the mart's asset (``marts/<model>``).

    The check runs the selected mart suites and the suites upstream of them (one checkpoint; Data
    Docs updated) and writes the certification record. A failure withdraws the mart's certification
    and shows as a failed check of severity WARN, so the run stays green and the other marts carry
    on. The checks are declared blocking only so that the Superset publication, downstream of the
    marts, runs after them and copies the certification recorded in this run.
    """
    specs = [
        dg.AssetCheckSpec(
            CERTIFICATION_CHECK,
            asset=_suite_key(s),
            description=f"Certification: Great Expectations suite {s.name} and the suites upstream of it",
            # Blocking only orders the publication after this check: a failure is reported with
            # severity WARN, which withdraws certification but blocks nothing downstream.
            blocking=True,
        )
        for s in suites
    ]

    @dg.multi_asset_check(name=name, specs=specs, can_subset=True, compute_kind="great_expectations")
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> Any:
        from expectations.certification import certify

        wanted = {key.asset_key for key in context.selected_asset_check_keys}
        marts = [s.table for s in suites if _suite_key(s) in wanted]
        statuses, results = certify(
            warehouse.get_dsn("quality"),
            context.run.run_id,
            marts,
            upstream=upstream,
            run_name=context.run.run_id,
            full=full_validation(context),
        )
        by_suite = {r.suite: r for r in results}
        for status in statuses:
            result = by_suite[status.suite]
            failures = "\n".join(f"- {f}" for f in status.failed_expectations) or "none"
            yield dg.AssetCheckResult(
                asset_key=dg.AssetKey([MARTS_SCHEMA, status.mart]),
                check_name=CERTIFICATION_CHECK,
                passed=status.is_certified,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={
                    "certified": status.is_certified,
                    "suite": status.suite,
                    "upstream_suites": ", ".join(upstream.get(status.suite, ())) or "none",
                    "evaluated": result.evaluated,
                    "failed_expectations": dg.MetadataValue.md(failures),
                    "validated_at": status.validated_at.isoformat(),
                    "data_as_of": status.data_as_of.isoformat() if status.data_as_of else "",
                },
            )

    return _check


# Suites of the marts the dbt project builds (a suite may be ready before its mart is merged), lineage
# and the sources' freshness thresholds: all from the dbt manifest (read, not prepared, here).
_MANIFEST = Manifest.load(dbt_project.manifest_path)
_MART_SUITES = [s for s in MART_SUITES if s.table in project_models(MARTS_SCHEMA, _MANIFEST)]
mart_certification_checks = build_certification_checks(
    "gx_mart_certification", _MART_SUITES, upstream_suites(SUITES, _MANIFEST)
)

# How stale a raw table may be before its freshness check warns: the ``warn_after`` of its dbt source
# (``dbt/models/staging/<source>/_<source>__sources.yml``, the one home of these thresholds).
_LOADED = {key for a in ingestion_assets for key in a.keys}
freshness_checks = [
    check
    for rule in _MANIFEST.freshness(RAW_SCHEMA)
    if rule.warn_after is not None and raw_asset_key(rule.table) in _LOADED
    for check in dg.build_last_update_freshness_checks(
        assets=[raw_asset_key(rule.table)], lower_bound_delta=rule.warn_after
    )
]
freshness_sensor = dg.build_sensor_for_freshness_checks(freshness_checks=freshness_checks)
