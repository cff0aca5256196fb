"""The dbt models, seeds and snapshots as Dagster assets; dbt tests become asset checks."""

import os
from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliInvocation, DbtCliResource, dbt_assets

from core.dbt import dbt_build_args, dbt_env
from dagster_project.dbt_project import dbt_project, translator
from dagster_project.failures import retry_if_transient
from dagster_project.resources import WarehouseResource


class DbtRunConfig(dg.Config):
    full_refresh: bool = False


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
)
def cur_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource, config: DbtRunConfig
) -> Iterator[Any]:
    """``dbt build`` of the selected models: models, seeds and snapshots, with their tests (daily without
    the full-refresh equality tests, which compute a full refresh; the full_refresh job runs them)."""
    os.environ.update(dbt_env(warehouse.get_dsn("dbt")))
    args = dbt_build_args(full_refresh=config.full_refresh)
    invocation = dbt.cli(args, context=context, raise_on_error=False)
    yield from invocation.stream()
    if invocation.is_successful():
        return
    problems = _failed_nodes(invocation)
    retry_if_transient(
        (message for _, _, message in problems), invocation.get_error(), attempt=context.retry_number
    )
    listed = "\n".join(f"- {node} ({status}): {message}" for node, status, message in problems[:20])
    raise dg.Failure(
        description=f"dbt build failed: {len(problems)} node(s) errored or failed their tests",
        metadata={"failed_nodes": dg.MetadataValue.md(listed or str(invocation.get_error()))},
    )


def _failed_nodes(invocation: DbtCliInvocation) -> list[tuple[str, str, str]]:
    """(node, status, message) of every dbt node that errored or failed, from run_results.json."""
    try:
        results = invocation.get_artifact("run_results.json")["results"]
    except (FileNotFoundError, KeyError):
        return [("dbt", "error", str(invocation.get_error()))]
    return [
        (r["unique_id"], r["status"], (r.get("message") or "").strip())
        for r in results
        if r["status"] in {"error", "fail", "runtime error"}
    ]
