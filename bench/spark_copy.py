"""Copy a PostgreSQL warehouse's ``raw`` layer into Iceberg tables of the local Spark cluster (issue 16).

A stop-gap for the Spark spike and the coming comparison, NOT the loader: every raw table is exported
with ``COPY … TO STDOUT (FORMAT csv)`` into ``CUR_SPARK_DIR/tmp/raw_copy/<schema>__<table>.csv``
(timestamps as UTC text, json and arrays as their text), read by the Thrift server as a CSV view of
strings and written with ``CREATE OR REPLACE TABLE raw.<table> USING iceberg AS SELECT cast(…)`` in the
types of :data:`SPARK_TYPES`. The tables of ``quality`` (the certification record GX writes, which
``stg_quality__certifications`` reads) are copied the same way, into ``quality.<table>``. The loaders
writing the raw layer as Iceberg themselves is the plan in docs/spark.md.

    python -m bench.spark_copy            # the embedded warehouse (or CUR_WAREHOUSE_DSN) -> Spark
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass

import psycopg

from core.settings import get_settings
from core.spark import SparkCluster

# PostgreSQL type (information_schema's data_type) -> Spark SQL type; numeric keeps its precision.
SPARK_TYPES = {
    "text": "string",
    "character varying": "string",
    "character": "string",
    "uuid": "string",
    "jsonb": "string",
    "json": "string",
    "ARRAY": "string",
    "smallint": "smallint",
    "integer": "int",
    "bigint": "bigint",
    "boolean": "boolean",
    "date": "date",
    "double precision": "double",
    "real": "float",
    "timestamp with time zone": "timestamp",
    "timestamp without time zone": "timestamp_ntz",
}


@dataclass(frozen=True)
class Column:
    name: str
    pg_type: str
    precision: int | None
    scale: int | None

    @property
    def spark_type(self) -> str:
        if self.pg_type == "numeric":
            return f"decimal({self.precision or 38},{self.scale if self.scale is not None else 12})"
        return SPARK_TYPES[self.pg_type]

    @property
    def export(self) -> str:
        """The column as exported text (timestamps in UTC, ISO)."""
        quoted = f'"{self.name}"'
        if self.pg_type == "timestamp with time zone":
            return f"to_char({quoted} at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') as {quoted}"
        return quoted


# The schemas copied: the raw layer and the certification record.
SCHEMAS = ("raw", "quality")


def raw_tables(conn: psycopg.Connection, schema: str = "raw") -> dict[str, list[Column]]:
    rows = conn.execute(
        "select table_name, column_name, data_type, numeric_precision, numeric_scale"
        " from information_schema.columns c join information_schema.tables t using (table_schema, table_name)"
        " where table_schema = %s and t.table_type = 'BASE TABLE' order by table_name, ordinal_position",
        (schema,),
    ).fetchall()
    tables: dict[str, list[Column]] = {}
    for table, column, pg_type, precision, scale in rows:
        tables.setdefault(table, []).append(Column(column, pg_type, precision, scale))
    return tables


def copy_raw(dsn: str, cluster: SparkCluster) -> dict[str, int]:
    """Every table of :data:`SCHEMAS` in ``dsn`` into ``<schema>.<table>`` (Iceberg); returns the rows
    copied per table (``<schema>.<table>``)."""
    folder = cluster.layout.tmp / "raw_copy"
    folder.mkdir(parents=True, exist_ok=True)
    copied: dict[str, int] = {}
    with psycopg.connect(dsn) as conn, cluster.cursor() as cur:
        for schema in SCHEMAS:
            cur.execute(f"create database if not exists {schema}")
            for table, columns in raw_tables(conn, schema).items():
                if not re.fullmatch(r"[a-z0-9_]+", table):
                    raise ValueError(f"unexpected table name {table!r}")
                path = folder / f"{schema}__{table}.csv"
                select = ", ".join(c.export for c in columns)
                with (
                    path.open("wb") as out,
                    conn.cursor().copy(
                        f"copy (select {select} from {schema}.{table}) to stdout (format csv, header true)"  # type: ignore[arg-type]
                    ) as copy,
                ):
                    for chunk in copy:
                        out.write(chunk)
                view = f"csv_{schema}__{table}"
                cur.execute(
                    f"create or replace temporary view {view} using csv options (path '{path}',"
                    " header 'true', multiLine 'true', escape '\"', inferSchema 'false')"
                )
                casts = ", ".join(f"cast(`{c.name}` as {c.spark_type}) as `{c.name}`" for c in columns)
                cur.execute(
                    f"create or replace table {schema}.{table} using iceberg as select {casts} from {view}"
                )
                cur.execute(f"select count(*) from {schema}.{table}")
                copied[f"{schema}.{table}"] = int(cur.fetchall()[0][0])
    return copied


def main() -> None:
    from core.warehouse import EmbeddedWarehouse

    settings = get_settings()
    dsn = (
        settings.warehouse_dsn.get_secret_value()
        if settings.warehouse_dsn
        else EmbeddedWarehouse(settings).dsn()
    )
    began = time.monotonic()
    copied = copy_raw(dsn, SparkCluster(settings))
    for table, rows in copied.items():
        print(f"{table}: {rows} rows")
    print(f"{len(copied)} tables copied in {time.monotonic() - began:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
