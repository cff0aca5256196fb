"""A mart's column rules are written once, in its dbt YAML, and run again by Great Expectations."""

from __future__ import annotations

from typing import Any

import pytest

from core.dbt import Manifest
from expectations.spec import no_rows
from expectations.suites import MART_SUITES
from expectations.suites.from_dbt import structural_checks
from expectations.suites.marts import mart_suite


def _test(uid: str, name: str, column: str | None, namespace: str | None = None, **kwargs: Any) -> dict:
    return {
        "resource_type": "test",
        "attached_node": uid,
        "column_name": column,
        "config": {"severity": kwargs.pop("severity", "ERROR")},
        "test_metadata": {"name": name, "namespace": namespace, "kwargs": {"column_name": column, **kwargs}},
    }


MODEL = "model.p.kpi_x"
MANIFEST = Manifest(
    {
        "nodes": {
            MODEL: {
                "resource_type": "model",
                "unique_id": MODEL,
                "name": "kpi_x",
                "schema": "marts",
                "columns": {"month_start": {"constraints": [{"type": "not_null"}]}, "share": {}},
            },
            "model.p.dim_sector": {"resource_type": "model", "name": "dim_sector", "schema": "marts"},
            "t1": _test(MODEL, "accepted_values", "kind", values=["a", "b"], severity="warn"),
            "t2": _test(MODEL, "relationships", "sector_code", to="ref('dim_sector')", field="sector_code"),
            "t3": _test(MODEL, "within_range", "share", min_value=0, max_value=1),
            "t4": _test(
                MODEL,
                "unique_combination_of_columns",
                None,
                "dbt_utils",
                combination_of_columns=["month_start", "sector_code"],
            ),
            "t5": _test(MODEL, "code_mapped", "kind", label_column="kind_label"),  # project-only: not run
            "t6": _test("model.p.other", "not_null", "x"),
        }
    }
)


def test_each_yaml_rule_becomes_a_check_named_as_the_suites_name_them() -> None:
    checks = {c.name: c for c in structural_checks("kpi_x", MANIFEST)}
    assert set(checks) == {
        "month_start not null",
        "kind in allowed set",
        "no orphan sector_code",
        "share in 0..1",
        "(month_start, sector_code) unique",
    }
    assert checks["kind in allowed set"].severity == "warning"  # a warn test stays a warning
    assert (
        "marts.dim_sector d on d.sector_code = t.sector_code"
        in checks["no orphan sector_code"].kwargs["unexpected_rows_query"]
    )


def test_a_rule_written_in_both_places_is_refused() -> None:
    derived = structural_checks("fct_appeals")
    assert derived, "fct_appeals has column rules in its dbt YAML"
    with pytest.raises(ValueError, match="written in its dbt YAML too"):
        mart_suite("fct_appeals", (derived[0],))
    assert mart_suite("fct_appeals", (no_rows("a rule of its own", "select 1 where false"),)).checks


def test_every_mart_suite_runs_its_yaml_rules() -> None:
    for suite in MART_SUITES:
        derived = {c.name for c in structural_checks(suite.table)}
        assert derived and derived <= set(suite.check_names), suite.name
