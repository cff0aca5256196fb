"""Suites as data: a :class:`SuiteSpec` names a table and lists its :class:`Check` s.

A check is a GX Expectation class, its arguments and a short stable name (the name is what results,
tests and the certification record refer to). Specs are plain frozen data; GX objects are built from
them fresh for every run (:meth:`SuiteSpec.build`).

The helpers below cover the usual rules; anything else is a :func:`no_rows` check: a SQL query over
``{batch}`` (the validated table) that returns the offending rows. A suite for a table of any schema
is one expression, e.g.::

    SuiteSpec("marts", "fct_appeals", (
        *not_null("appeal_id", "sector"),
        between("on_time_share", 0, 1),
        no_rows("no orphan sector", "select f.* from {batch} f left join marts.dim_sector d using (sector)"
                                    " where d.sector is null"),
    ))

Writing a ``no_rows`` query (GX 1.24 behaviour of ``UnexpectedRowsExpectation`` on a table asset):

* ``{batch}`` becomes a derived table. When the query has a JOIN it is ``(select ...)`` and the
  query must alias it (``from {batch} t join ...``); without a JOIN it already carries an alias
  (``(select ...) AS subselect``), so do NOT alias it and refer to columns unqualified;
* other braces must be doubled (GX substitutes with ``str.format``), and avoid ``:name`` (SQLAlchemy
  ``text()`` reads it as a bind parameter).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import great_expectations as gx
import great_expectations.expectations as gxe

Severity = Literal["critical", "warning", "info"]


@dataclass(frozen=True)
class Check:
    """One expectation of a suite: its GX class, arguments and a stable name."""

    name: str
    expectation: type[gxe.Expectation]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity = "critical"
    # True: the check is about the table as a whole (its columns and types, rows against the batch
    # record) and always runs on the whole table; False: a rule per row or per batch, which a suite
    # with ``batch_source`` runs on the batches not validated yet only
    whole_table: bool = False

    def build(self) -> gxe.Expectation:
        # catch_exceptions: a check that errors (bad SQL, missing column) fails on its own instead of
        # aborting the whole run; the error text is kept in the result.
        return self.expectation(  # type: ignore[call-arg]
            **self.kwargs, severity=self.severity, meta={"check": self.name}, catch_exceptions=True
        )


@dataclass(frozen=True)
class SuiteSpec:
    """The checks of one table (``schema.table``); the suite is named after the table."""

    schema: str
    table: str
    checks: tuple[Check, ...]
    description: str = ""
    # The source whose loaded batches feed the table (raw tables): its row checks can be validated on
    # new batches only (``expectations.increments``); None: always validated whole
    batch_source: str | None = None

    def __post_init__(self) -> None:
        names = [c.name for c in self.checks]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"suite {self.name}: duplicate check names {dupes}")

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def check_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.checks)

    @property
    def whole_table_checks(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.whole_table)

    @property
    def row_checks(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.whole_table)

    def build(self, checks: Sequence[Check] | None = None, name: str | None = None) -> gx.ExpectationSuite:
        """The GX suite of ``checks`` (default: every check), named ``name`` (default: the table)."""
        suite = gx.ExpectationSuite(name=name or self.name, meta={"description": self.description})
        for check in self.checks if checks is None else checks:
            suite.add_expectation(check.build())
        return suite


# ---- helpers: each returns one check or a tuple of checks ---------------------------------------

# PostgreSQL type (as written in DDL) -> the name PostgreSQL's ``format_type`` gives it.
_FORMAT_TYPES = {
    "text": "text",
    "bigint": "bigint",
    "integer": "integer",
    "smallint": "smallint",
    "numeric": "numeric",
    "date": "date",
    "boolean": "boolean",
    "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp without time zone",
    "double precision": "double precision",
    "jsonb": "jsonb",
    "text[]": "text[]",
}
_NUMERIC = re.compile(r"numeric\((\d+),\s*(\d+)\)")


def format_type(pg_type: str) -> str:
    """The name PostgreSQL's ``format_type()`` gives a DDL type (``numeric(9, 6)`` -> ``numeric(9,6)``)."""
    t = pg_type.strip().lower()
    m = _NUMERIC.fullmatch(t)
    if m:
        return f"numeric({m.group(1)},{m.group(2)})"
    try:
        return _FORMAT_TYPES[t]
    except KeyError:
        raise ValueError(f"no format_type name known for PostgreSQL type {pg_type!r}") from None


def columns_exactly(columns: Sequence[str]) -> Check:
    """The table has exactly these columns (any order)."""
    return Check(
        "columns match the schema",
        gxe.ExpectTableColumnsToMatchSet,
        {"column_set": list(columns), "exact_match": True},
        whole_table=True,
    )


def column_types(table: str, types: Mapping[str, str]) -> Check:
    """Each column of ``table`` (``schema.name``) has its declared type (``{column: pg_type}``).

    One check per table, read from the catalogue (``pg_attribute``): the offending rows are the
    columns whose type differs (or that are missing), with the declared and the actual type. One
    query instead of one GX expectation per column (GX's own cost per expectation is most of a
    validation's time on small tables)."""
    declared = ", ".join(f"('{col}', '{format_type(pg)}')" for col, pg in types.items())
    schema, name = table.split(".")
    query = (
        "select d.column_name, d.declared_type, format_type(a.atttypid, a.atttypmod) as actual_type"
        f" from (values {declared}) as d (column_name, declared_type)"
        " left join pg_attribute as a on a.attname = d.column_name and a.attnum > 0 and not a.attisdropped"
        " and a.attrelid = (select c.oid from pg_class as c join pg_namespace as n on n.oid = c.relnamespace"
        f" where n.nspname = '{schema}' and c.relname = '{name}')"
        " where format_type(a.atttypid, a.atttypmod) is distinct from d.declared_type"
        # GX wants the validated table in the query; this reference reads no row of it
        " and not exists (select 1 from {batch} as t where false)"
    )
    return no_rows("column types match the schema", query, whole_table=True)


def not_null(*columns: str) -> tuple[Check, ...]:
    return tuple(Check(f"{c} not null", gxe.ExpectColumnValuesToNotBeNull, {"column": c}) for c in columns)


def in_set(column: str, values: Sequence[object], severity: Severity = "critical") -> Check:
    """Non-null values of the column are in the set."""
    return Check(
        f"{column} in allowed set",
        gxe.ExpectColumnValuesToBeInSet,
        {"column": column, "value_set": list(values)},
        severity,
    )


def between(column: str, low: float | None, high: float | None, severity: Severity = "critical") -> Check:
    """Non-null values within [low, high] (either bound may be None)."""
    bounds = f"{'' if low is None else low}..{'' if high is None else high}"
    return Check(
        f"{column} in {bounds}",
        gxe.ExpectColumnValuesToBeBetween,
        {"column": column, "min_value": low, "max_value": high},
        severity,
    )


def non_negative(*columns: str) -> tuple[Check, ...]:
    return tuple(between(c, 0, None) for c in columns)


def unique_within(*columns: str) -> Check:
    """The combination of columns is unique (e.g. ``batch_id, appeal_id``: unique within a batch)."""
    if len(columns) == 1:
        return Check(f"{columns[0]} unique", gxe.ExpectColumnValuesToBeUnique, {"column": columns[0]})
    return Check(
        f"({', '.join(columns)}) unique",
        gxe.ExpectCompoundColumnsToBeUnique,
        {"column_list": list(columns)},
    )


def not_before(later: str, earlier: str, severity: Severity = "critical") -> Check:
    """Where both are set, ``later`` >= ``earlier`` (e.g. period_end >= period_start)."""
    return Check(
        f"{later} >= {earlier}",
        gxe.ExpectColumnPairValuesAToBeGreaterThanB,
        {
            "column_A": later,
            "column_B": earlier,
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        },
        severity,
    )


def no_rows(name: str, query: str, severity: Severity = "critical", *, whole_table: bool = False) -> Check:
    """A SQL rule: the query (over ``{batch}``) returns the rows that break it; none is success."""
    return Check(
        name,
        gxe.UnexpectedRowsExpectation,
        {"unexpected_rows_query": query, "description": name},
        severity,
        whole_table,
    )
