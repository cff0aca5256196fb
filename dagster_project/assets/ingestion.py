"""One ingestion asset per source family: load the new files of its landing folder into raw tables."""

from collections.abc import Iterator

import dagster as dg
import psycopg

from dagster_project.failures import retry_if_transient
from dagster_project.resources import LandingResource, WarehouseResource
from ingestion.load import load_landing
from ingestion.schemas import RAW_SCHEMA
from ingestion.sources import SOURCES, tables_of

GROUP = "ingestion"


def raw_asset_key(table_name: str) -> dg.AssetKey:
    """The asset key of a raw table; dbt sources are mapped to the same keys."""
    return dg.AssetKey([RAW_SCHEMA, table_name])


def build_ingestion_asset(source: str) -> dg.AssetsDefinition:
    specs = [
        dg.AssetSpec(
            raw_asset_key(t.name),
            description=t.description,
            group_name=GROUP,
            kinds={"postgres", "python"},
            metadata={"landing_folder": source, "table": t.qualified},
        )
        for t in tables_of(source)
    ]

    @dg.multi_asset(name=f"ingest_{source}", specs=specs, can_subset=False)
    def _ingest(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource
    ) -> Iterator[dg.MaterializeResult]:
        folder = landing.get_path()
        try:
            results = load_landing(
                warehouse.get_dsn("loader"),
                folder,
                (source,),
                on_result=lambda r: context.log.info(
                    f"{r.file_name}: {r.status}, read {r.rows_read}, loaded {r.rows_loaded}, "
                    f"quarantined {r.rows_quarantined}" + (f" — {r.error}" if r.error else "")
                ),
            )
        except psycopg.OperationalError as exc:  # the server is unreachable or went away
            retry_if_transient([str(exc)], exc, attempt=context.retry_number)
            raise
        bad = [r for r in results if r.status in {"rejected", "failed"}]
        loaded = [r for r in results if r.status == "loaded"]
        metadata = {
            "files_loaded": len(loaded),
            "files_skipped": sum(r.status == "skipped" for r in results),
            "files_rejected_or_failed": len(bad),
            "rows_read": sum(r.rows_read for r in loaded),
            "rows_loaded": sum(r.rows_loaded for r in loaded),
            "rows_quarantined": sum(r.rows_quarantined for r in loaded),
            "batch_ids": dg.MetadataValue.text(", ".join(str(r.batch_id) for r in loaded) or "—"),
            "landing_folder": dg.MetadataValue.path(str(folder / source)),
        }
        if bad:
            retry_if_transient((r.error for r in bad), attempt=context.retry_number)
            raise dg.Failure(
                description=f"{len(bad)} {source} file(s) rejected or failed; the others were loaded",
                metadata={**metadata, "errors": dg.MetadataValue.md("\n".join(f"- {r.error}" for r in bad))},
            )
        for spec in specs:
            yield dg.MaterializeResult(asset_key=spec.key, metadata=metadata)

    return _ingest


ingestion_assets = [build_ingestion_asset(s) for s in SOURCES]
