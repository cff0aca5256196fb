"""The Great Expectations context for one warehouse: ephemeral, with a Data Docs site on disk.

What persists, and where:

* the suites are code (``expectations/suites``): they are built into a fresh context on every run,
  so there is no GX project folder to keep in step with the code and no JSON suite to hand-edit;
* the connection string is only held in memory (GX never writes it to a ``great_expectations.yml``);
* the Data Docs HTML is written to a folder (``$CUR_GX_DOCS_DIR``, default
  ``$CUR_STATE_DIR/gx/data_docs``); the validation results behind it are kept as JSON next to it
  (``<docs dir>/../validation_results``), so the index lists every run, not only the latest;
* the certification record belongs in the warehouse: :mod:`expectations.certification` writes the
  structured results to ``quality.certifications``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig

from core.dsn import Dsn
from core.settings import get_settings

DATASOURCE_NAME = "warehouse"
SITE_NAME = "cur_data_docs"
RESULTS_STORE = "cur_validation_results"
RESULTS_DIR_NAME = "validation_results"


def sqlalchemy_url(dsn: str) -> str:
    """The SQLAlchemy URL (psycopg2 driver) of a warehouse DSN."""
    return Dsn.parse(dsn).sqlalchemy("psycopg2")


def default_docs_dir() -> Path:
    """``$CUR_GX_DOCS_DIR`` if set, else ``<state dir>/gx/data_docs`` (``<repo>/.state/gx/data_docs``)."""
    docs = get_settings().gx_docs_dir
    assert docs is not None  # derived from the state folder when unset
    return docs


@dataclass
class WarehouseContext:
    """A GX context bound to one warehouse: the context, one data source per schema, the docs folder.

    A data source per schema (its connections get ``search_path`` = that schema) instead of
    ``add_table_asset(schema_name=...)``, which GX deprecated in 1.14 ("pass the schema in your
    datasource's connection configuration instead"); PostgresDatasource has no schema field.
    """

    context: Any  # great_expectations AbstractDataContext (untyped upstream)
    url: str
    docs_dir: Path
    _datasources: dict[str, Any] = field(default_factory=dict)

    @property
    def index_html(self) -> Path:
        return self.docs_dir / "index.html"

    def datasource(self, schema: str) -> Any:
        """The Postgres data source whose connections see ``schema`` first (created on first use)."""
        if schema not in self._datasources:
            self._datasources[schema] = self.context.data_sources.add_postgres(
                f"{DATASOURCE_NAME}_{schema}",
                connection_string=self.url,
                kwargs={"connect_args": {"options": f"-c search_path={schema},public"}},
            )
        return self._datasources[schema]

    def table_batch(self, schema: str, table: str) -> Any:
        """A whole-table batch definition of ``schema.table`` (asset named ``schema.table``)."""
        asset = self.datasource(schema).add_table_asset(name=f"{schema}.{table}", table_name=table)
        return asset.add_batch_definition_whole_table("whole_table")

    def query_batch(self, schema: str, name: str, query: str) -> Any:
        """A batch definition of the rows ``query`` selects (asset named ``name``)."""
        asset = self.datasource(schema).add_query_asset(name=name, query=query)
        return asset.add_batch_definition_whole_table("rows")


def build_context(dsn: str, docs_dir: Path | None = None) -> WarehouseContext:
    """An ephemeral GX context for the warehouse with a local Data Docs site at ``docs_dir``."""
    docs = (docs_dir or default_docs_dir()).expanduser().resolve()
    docs.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no tqdm bars in logs
    for site in context.get_site_names():  # the default site of an ephemeral context lives in /tmp
        context.delete_data_docs_site(site)
    context.add_data_docs_site(
        SITE_NAME,
        {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    # Validation results on disk (an ephemeral context keeps them in memory): every run's results
    # stay listed in the Data Docs index, whichever suites a later run validates.
    results = docs.parent / RESULTS_DIR_NAME
    context.add_store(
        RESULTS_STORE,
        {
            "class_name": "ValidationResultsStore",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(results)},
        },
    )
    context.validation_results_store_name = RESULTS_STORE
    return WarehouseContext(context, sqlalchemy_url(dsn), docs)
