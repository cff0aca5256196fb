"""The dbt project as a whole: it parses, its docs site builds, its SQL is sqlfluff-clean, and the KPI
marts keep the columns the dashboards and suites were built against.

Runs the real dbt and sqlfluff (dbt templater) against a fresh test database; nothing is built, so
this stays fast. The KPI formulas themselves are checked by the dbt unit tests in
dbt/models/marts/kpi/*.yml, which `dbt build` runs (tests/dagster/test_dagster_pipeline.py and `cur demo`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.dbt import dbt_env, run_dbt
from core.paths import DBT_DIR
from tests.conftest import with_database

BIN = Path(sys.executable).parent


DASHBOARDS = {
    "leadership_overview": (
        "Обзор для руководства",
        {
            "kpi_appeals_headline",
            "kpi_authority_rating",
            "kpi_appeals_monthly",
            "kpi_municipality_appeals",
            "kpi_overdue_appeals",
            "kpi_overdue_decisions",
        },
    ),
    "appeals_analysis": (
        "Анализ обращений",
        {
            "kpi_appeals",
            "kpi_conflict_signals",
            "kpi_written_appeals",
            "kpi_platform_messages",
            "kpi_appeals_all_channels",
        },
    ),
    "authority_rating": ("Рейтинг органов власти", {"kpi_authority_rating"}),
    "decisions_control": (
        "Контроль исполнения поручений",
        {"kpi_decision_discipline", "kpi_overdue_decisions"},
    ),
    "programme_targets": (
        "Целевые показатели программ",
        {"kpi_programme_achievement", "kpi_indicator_progress"},
    ),
    "data_quality": ("Качество и свежесть данных", {"kpi_source_loads", "kpi_data_freshness"}),
    "satisfaction_polls": ("Удовлетворённость и опросы", {"kpi_satisfaction", "kpi_poll_results"}),
    "official_pages": ("Официальные страницы органов власти", {"kpi_official_pages", "kpi_page_activity"}),
}


def _run(args: list[str], env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """A tool other than dbt (sqlfluff) in ``dbt/``; dbt itself runs through ``core.dbt.run_dbt``."""
    return subprocess.run(args, cwd=DBT_DIR, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory: pytest.TempPathFactory, server_dsn: str, template_db: str) -> Iterator[Path]:
    """`dbt docs generate` (which parses the project first) into a temporary target folder."""
    target = tmp_path_factory.mktemp("dbt_target")
    docs = run_dbt(
        ["docs", "generate", "--no-use-colors"],
        with_database(server_dsn, template_db),
        target_dir=target,
        capture=True,
    )
    assert docs.returncode == 0, docs.stdout + docs.stderr
    yield target


@pytest.fixture(scope="module")
def manifest(docs_site: Path) -> dict[str, Any]:
    return json.loads((docs_site / "manifest.json").read_text(encoding="utf-8"))


def _node(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    return manifest["nodes"][f"model.cur_dwh.{name}"]


def test_the_docs_site_builds(docs_site: Path) -> None:
    for artefact in ("index.html", "manifest.json", "catalog.json"):
        assert (docs_site / artefact).stat().st_size > 0, artefact


def test_kpi_marts_have_enforced_contracts_and_descriptions(manifest: dict[str, Any]) -> None:
    """The columns of a KPI mart are declared once, in its dbt YAML, as an enforced contract."""
    kpi = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["path"].startswith("marts/kpi/")
    ]
    assert len(kpi) >= 10
    for node in kpi:
        name = node["name"]
        assert node["columns"], name
        assert node["config"]["contract"]["enforced"], name
        assert node["config"]["materialized"] in ("table", "incremental"), name
        if node["config"]["materialized"] == "incremental":  # by period, whole periods replaced (issue 14)
            assert node["config"]["incremental_strategy"] == "delete+insert", name
            assert node["config"]["unique_key"] == "month_start", name
        assert node["schema"] == "marts", name
        assert node["description"].strip(), name
        undocumented = [c for c, spec in node["columns"].items() if not spec["description"].strip()]
        assert not undocumented, (name, undocumented)
        assert all(spec["data_type"] for spec in node["columns"].values()), name


def test_every_model_has_a_primary_key_test(manifest: dict[str, Any]) -> None:
    """The rule dbt-project-evaluator and dbt-bouncer apply: unique + not_null on one column, or
    dbt_utils.unique_combination_of_columns (the local package in dbt/packages/dbt_utils)."""
    tests: dict[str, set[tuple[str | None, str, str | None]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("test_metadata"):
            continue
        meta = node["test_metadata"]
        for parent in node["depends_on"]["nodes"][:1]:
            tests.setdefault(parent, set()).add(
                (meta.get("namespace"), meta["name"], node.get("column_name"))
            )
    missing = []
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] != "model":
            continue
        found = tests.get(uid, set())
        single = {c for ns, n, c in found if n == "unique"} & {c for ns, n, c in found if n == "not_null"}
        compound = ("dbt_utils", "unique_combination_of_columns") in {(ns, n) for ns, n, _ in found}
        if not (single - {None} or compound):
            missing.append(node["name"])
    assert missing == []


def test_every_model_and_documented_column_has_a_description(manifest: dict[str, Any]) -> None:
    missing = [
        (node["name"], column)
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        for column in [None, *node["columns"]]
        if not (node["description"] if column is None else node["columns"][column]["description"]).strip()
    ]
    assert not missing


def test_every_kpi_formula_has_a_unit_test(manifest: dict[str, Any]) -> None:
    tested = {test["model"] for test in manifest["unit_tests"].values()}
    formulas = {
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["path"].startswith("marts/kpi/")
    }
    assert formulas <= tested, formulas - tested
    # the tricky rules below the marts are covered too
    assert {
        "int_appeals__response_times",
        "int_appeals__repeats",
        "int_indicators__submissions",
        "fct_decisions",
        "fct_decision_coexecutors",
        "int_appeals__places",
    } <= tested


def test_exposures_name_the_six_dashboards_and_the_marts_they_read(manifest: dict[str, Any]) -> None:
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert set(exposures) == set(DASHBOARDS)
    for name, (label, marts) in DASHBOARDS.items():
        exposure = exposures[name]
        assert exposure["label"] == label
        assert exposure["type"] == "dashboard"
        assert exposure["url"] == f"http://localhost:8088/superset/dashboard/{name}/"
        # every dashboard also shows the data status of its marts
        assert {node.split(".")[-1] for node in exposure["depends_on"]["nodes"]} == marts | {
            "kpi_certification_status"
        }


def test_kpi_thresholds_are_vars_not_literals() -> None:
    """The thresholds and weights live in dbt_project.yml; the KPI SQL holds none of their values."""
    project = (DBT_DIR / "dbt_project.yml").read_text(encoding="utf-8")
    for var in (
        "pos_answer_days",
        "incident_first_response_work_hours",
        "rating_target_share",
        "on_time_target_share",
        "authority_weight_on_time",
        "authority_weight_rating",
        "authority_weight_decisions",
        "authority_weight_overdue",
        "indicator_at_risk_degree",
        "conflict_spike_z",
        "conflict_baseline_weeks",
        "conflict_min_appeals",
        "conflict_stddev_floor",
        "authority_min_volume",
        "place_max_distance_km",
        "rate_per_residents",
    ):
        assert f"\n  {var}:" in project, var
    for sql in sorted((DBT_DIR / "models" / "marts" / "kpi").glob("*.sql")):
        code = "\n".join(line.split("--", 1)[0] for line in sql.read_text(encoding="utf-8").splitlines())
        for literal in ("0.6", "0.35", "0.25", "0.15", "0.9", "3.0"):
            assert literal not in code, (sql.name, literal)


@pytest.mark.slow
def test_sqlfluff_is_clean_on_the_models(server_dsn: str, template_db: str) -> None:
    env = {**os.environ, **dbt_env(with_database(server_dsn, template_db))}
    lint = _run(
        [
            str(BIN / "sqlfluff"),
            "lint",
            "models",
            "tests/assert_kpi_appeals_reconcile_with_fct_appeals.sql",
            "tests/assert_kpi_authority_rating_follows_its_formula.sql",
            "tests/assert_int_appeals__unioned_matches_full_refresh.sql",
            "tests/assert_int_channels__places_matches_full_refresh.sql",
            "tests/assert_int_written__appeals_matches_full_refresh.sql",
            "tests/assert_fct_appeal_events_matches_full_refresh.sql",
            "tests/assert_kpi_appeals_marts_match_full_refresh.sql",
            "--processes",
            "2",
            "--format",
            "json",
            "--nocolor",
        ],
        env,
        timeout=1800,  # 900 s was reached once with the Spark dispatch macros, the suite busy beside it
    )
    json_line = next((line for line in lint.stdout.splitlines() if line.startswith("[")), "[]")
    results = json.loads(json_line)
    violations = [
        (r["filepath"], v["start_line_no"], v["code"], v["description"])
        for r in results
        for v in r["violations"]
    ]
    assert lint.returncode == 0 and results, lint.stdout[-3000:] + lint.stderr[-3000:]
    assert not violations
    assert len(results) > 40  # every model file was linted, not a templating skip
