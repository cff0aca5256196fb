"""The structural checks of a mart, read from its dbt YAML: written once, there, and run twice.

A mart's column rules (unique, not null, accepted values, relationships, ranges, compound keys) are
written in its dbt YAML and run by ``dbt build``. Certification must see them pass on the data it
certifies, so the mart suites take them from the dbt manifest and run them again in Great
Expectations, under the same names the hand-written checks use (``x not null``, ``x in allowed
set``, ``no orphan x``, ``x in 0..1``, ``(a, b) unique``). What stays hand-written in
``expectations/suites/marts.py`` is what dbt does not say: cross-layer reconciliation, rules across
columns and rows, thresholds of quality measures.

In: the manifest (:class:`core.dbt.Manifest`, read, never parsed here) and a model name. Out: checks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from core.dbt import MANIFEST_PATH, Manifest
from expectations.spec import Check, Severity, between, in_set, no_rows, not_null, unique_within

_REF = re.compile(r"""ref\(\s*['"](\w+)['"]\s*\)""")


@cache
def _manifest() -> Manifest:
    return Manifest.load(MANIFEST_PATH)


def _schema_of(manifest: Manifest, name: str) -> str | None:
    for node in manifest.data.get("nodes", {}).values():
        if node.get("name") == name and node.get("resource_type") in ("model", "seed", "snapshot"):
            return str(node["schema"])
    return None


def no_orphans_in(column: str, schema: str, table: str, key: str, severity: Severity = "critical") -> Check:
    """Every non-null ``column`` value is a ``key`` of ``schema.table`` (dbt ``relationships``)."""
    return no_rows(
        f"no orphan {column}",
        f"select t.{column}, count(*) as n from {{batch}} t left join {schema}.{table} d"
        f" on d.{key} = t.{column} where t.{column} is not null and d.{key} is null group by t.{column}",
        severity,
    )


def _check(manifest: Manifest, test: Mapping[str, Any]) -> tuple[Check, ...]:
    meta = test.get("test_metadata") or {}
    name, namespace = meta.get("name"), meta.get("namespace")
    kwargs: Mapping[str, Any] = meta.get("kwargs") or {}
    column = test.get("column_name")
    warn = str(test.get("config", {}).get("severity", "")).lower() == "warn"
    severity: Severity = "warning" if warn else "critical"
    if namespace == "dbt_utils" and name == "unique_combination_of_columns":
        return (unique_within(*kwargs["combination_of_columns"]),)
    if namespace or not column:
        return ()
    if name == "unique":
        return (unique_within(column),)
    if name == "not_null":
        return not_null(column)
    if name == "accepted_values":
        return (in_set(column, kwargs["values"], severity),)
    if name == "within_range":
        return (between(column, kwargs.get("min_value"), kwargs.get("max_value"), severity),)
    if name == "relationships":
        found = _REF.search(str(kwargs.get("to", "")))
        schema = _schema_of(manifest, found.group(1)) if found else None
        if found and schema:
            return (no_orphans_in(column, schema, found.group(1), kwargs.get("field") or column, severity),)
    return ()


def structural_checks(model: str, manifest: Manifest | None = None) -> tuple[Check, ...]:
    """The checks a mart's dbt YAML declares (its data tests and not-null constraints), by name."""
    manifest = manifest or _manifest()
    node = manifest.models().get(model)
    if node is None:
        return ()
    uid = node["unique_id"]
    found: dict[str, Check] = {}
    for column, spec in (node.get("columns") or {}).items():
        if any(c.get("type") == "not_null" for c in spec.get("constraints") or []):
            for check in not_null(column):
                found.setdefault(check.name, check)
    for test in manifest.data.get("nodes", {}).values():
        if test.get("resource_type") == "test" and test.get("attached_node") == uid:
            for check in _check(manifest, test):
                found.setdefault(check.name, check)
    return tuple(found.values())
