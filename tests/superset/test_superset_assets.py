"""Superset assets without a Superset: the bundle is current and consistent with dbt, the validator
catches what it must, the zip carries no secret, and the read-only role on a real PostgreSQL."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
import stat
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml

from expectations.certification import CertificationStatus
from superset_assets import build, db_role, roles, spec
from superset_assets.dbt_docs import DBT_DIR, DbtModel, marts_models, models_from_yaml
from superset_assets.publish import bundle_zip, certification_of, superset_uri
from superset_assets.validate import sql_columns, validate_bundle

EXPECTED_DASHBOARDS = {
    "leadership_overview": "Обзор для руководства",
    "appeals_analysis": "Анализ обращений",
    "authority_rating": "Рейтинг органов власти",
    "decisions_control": "Контроль исполнения поручений",
    "programme_targets": "Целевые показатели программ",
    "data_quality": "Качество и свежесть данных",
    "satisfaction_polls": "Удовлетворённость и опросы",
    "official_pages": "Официальные страницы органов власти",
}


def _status(mart: str, ok: bool) -> CertificationStatus:
    when = datetime(2026, 3, 31, 6, 30, tzinfo=UTC)
    failed = () if ok else ("expect_column_values_to_not_be_null(appeals_count)",)
    return CertificationStatus(mart, f"marts.{mart}", ok, when, failed, when, "run-1")


def test_the_committed_bundle_is_what_the_build_renders() -> None:
    assert build.stale_files() == [], "run `cur superset build` and commit the bundle"


def test_the_committed_exposures_are_what_the_spec_renders() -> None:
    committed = (DBT_DIR / "models" / "exposures.yml").read_text("utf-8")
    assert committed == build.render_exposures(), "run `cur superset build` and commit it"


def test_a_dashboard_edited_in_the_spec_makes_the_exposures_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exposures = tmp_path / "exposures.yml"
    exposures.write_text(build.render_exposures(), "utf-8")
    bundle = tmp_path / "bundle"
    build.write_bundle(bundle, exposures)
    assert build.stale_files(bundle, exposures) == []
    renamed = dataclasses.replace(spec.DASHBOARDS[0], title="Обзор для руководства (новый)")
    monkeypatch.setattr(spec, "DASHBOARDS", (renamed, *spec.DASHBOARDS[1:]))

    stale = build.stale_files(bundle, exposures)

    assert str(exposures) in stale and f"dashboards/{renamed.slug}.yaml" in stale
    build.write_bundle(bundle, exposures)
    exposure = yaml.safe_load(exposures.read_text("utf-8"))["exposures"][0]
    assert exposure["label"] == "Обзор для руководства (новый)"


def test_the_bundle_is_consistent_with_the_dbt_models() -> None:
    assert validate_bundle() == []


def test_dashboards_slugs_and_titles_are_the_agreed_ones() -> None:
    boards = {
        p.stem: yaml.safe_load(p.read_text("utf-8")) for p in (build.BUNDLE_DIR / "dashboards").glob("*.yaml")
    }
    assert {slug: b["dashboard_title"] for slug, b in boards.items()} == EXPECTED_DASHBOARDS
    assert all(b["slug"] == slug for slug, b in boards.items())
    # native filters where they make sense: period on every dashboard with a time axis
    periods = [
        slug
        for slug, b in boards.items()
        if any(f["filterType"] == "filter_time" for f in b["metadata"]["native_filter_configuration"])
    ]
    assert set(periods) == set(EXPECTED_DASHBOARDS) - {"programme_targets"}


def test_dataset_columns_carry_the_dbt_descriptions() -> None:
    models = marts_models()
    dataset = yaml.safe_load(
        (build.BUNDLE_DIR / "datasets" / build.DATABASE_DIR / "kpi_appeals.yaml").read_text("utf-8")
    )
    described = {c["column_name"]: c["description"] for c in dataset["columns"]}
    assert described["appeals_count"] == models["kpi_appeals"].columns["appeals_count"].description
    assert described["appeals_count"]
    labels = {c["column_name"]: c["verbose_name"] for c in dataset["columns"]}
    assert labels["sector_name"] == models["kpi_appeals"].columns["sector_name"].label == "Отрасль"


def _with_meta(tmp_path: Path, mart: str, edit: Callable[[dict[str, Any]], None]) -> dict[str, DbtModel]:
    """The marts models, with ``mart``'s YAML edited by ``edit`` (a copy in ``tmp_path``)."""
    source = next((DBT_DIR / "models" / "marts").rglob(f"{mart}.yml"))
    document = yaml.safe_load(source.read_text("utf-8"))
    edit(document["models"][0])
    (tmp_path / f"{mart}.yml").write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    return {**marts_models(), **models_from_yaml(tmp_path)}


def test_labels_and_metrics_come_from_the_dbt_meta(tmp_path: Path) -> None:
    def relabel(model: dict[str, Any]) -> None:
        model["config"]["meta"]["superset"]["label"] = "Витрина обращений"
        model["config"]["meta"]["superset"]["metrics"].append(
            {"name": "topics", "label": "Тем", "expression": "COUNT(DISTINCT topic_key)", "format": ",d"}
        )
        column = next(c for c in model["columns"] if c["name"] == "topic_name")
        column["config"]["meta"]["superset"]["label"] = "Тема обращения"

    models = _with_meta(tmp_path, "kpi_appeals", relabel)
    dataset = build.render_dataset(spec.DATASET_BY_MART["kpi_appeals"], models["kpi_appeals"])

    assert dataset["description"].startswith("Витрина обращений. ")
    topics = next(m for m in dataset["metrics"] if m["metric_name"] == "topics")
    assert (topics["verbose_name"], topics["expression"], topics["d3format"]) == (
        "Тем", "COUNT(DISTINCT topic_key)", ",d"
    )  # fmt: skip
    assert {c["column_name"]: c["verbose_name"] for c in dataset["columns"]}["topic_name"] == "Тема обращения"


def test_a_new_column_without_a_label_is_shown_under_its_description(tmp_path: Path) -> None:
    def add_columns(model: dict[str, Any]) -> None:
        model["columns"] += [
            {"name": "unanswered_count", "data_type": "integer", "description": "Appeals never answered."},
            {"name": "bare_flag", "data_type": "boolean"},
        ]

    models = _with_meta(tmp_path, "kpi_appeals", add_columns)
    dataset = build.render_dataset(spec.DATASET_BY_MART["kpi_appeals"], models["kpi_appeals"])

    labels = {c["column_name"]: c["verbose_name"] for c in dataset["columns"]}
    assert labels["unanswered_count"] == "Appeals never answered."
    assert labels["bare_flag"] == "bare_flag"
    assert labels["appeals_count"] == "Обращений"


def test_a_metric_without_an_expression_is_reported_with_its_file(tmp_path: Path) -> None:
    def break_metric(model: dict[str, Any]) -> None:
        model["config"]["meta"]["superset"]["metrics"].append({"name": "broken", "label": "Сломано"})

    with pytest.raises(ValueError, match=r"kpi_appeals\.yml: model kpi_appeals: .*expression"):
        _with_meta(tmp_path, "kpi_appeals", break_metric)


def test_the_superset_meta_is_read_from_the_manifest_too(tmp_path: Path) -> None:
    node = {
        "resource_type": "model", "schema": "marts", "name": "kpi_example", "description": "Example.",
        "config": {"meta": {"superset": {"label": "Пример", "metrics": [
            {"name": "rows", "label": "Строк", "expression": "COUNT(*)"}]}}},
        "columns": {"n": {"name": "n", "data_type": "integer", "description": "A number.",
                          "meta": {"superset": {"label": "Число"}}, "config": {"meta": {}}}},
    }  # fmt: skip
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": {"model.cur_dwh.kpi_example": node}}), "utf-8")

    model = marts_models(manifest)["kpi_example"]

    assert model.label == "Пример" and [m.name for m in model.metrics] == ["rows"]
    assert model.columns["n"].label == "Число"


def test_the_validator_finds_missing_datasets_columns_metrics_and_models(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(build.BUNDLE_DIR, bundle)
    chart = bundle / "charts" / "app_slices.yaml"
    data = yaml.safe_load(chart.read_text("utf-8"))
    data["params"]["groupby"].append("district_name")
    data["params"]["metrics"].append("no_such_metric")
    chart.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    orphan = bundle / "charts" / "lead_status.yaml"
    data = yaml.safe_load(orphan.read_text("utf-8"))
    data["dataset_uuid"] = "00000000-0000-0000-0000-000000000000"
    orphan.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    models = marts_models()
    del models["kpi_conflict_signals"]
    headline = models["kpi_appeals_headline"]
    del headline.columns["open_overdue_count"]

    problems = validate_bundle(bundle, models)

    assert any("app_slices" in p and "district_name" in p for p in problems)
    assert any("app_slices" in p and "no_such_metric" in p for p in problems)
    assert any("lead_status" in p and "not in the bundle" in p for p in problems)
    assert any("kpi_conflict_signals is not a dbt model" in p for p in problems)
    assert any("kpi_appeals_headline" in p and "open_overdue_count" in p for p in problems)


def test_sql_columns_skips_functions_keywords_literals_and_casts() -> None:
    expr = "SUM(a_count)::numeric / NULLIF(SUM(b_count), 0) + COUNT(*) FILTER (WHERE status IN ('x', 'y'))"
    assert sql_columns(expr) == {"a_count", "b_count", "status"}


def test_the_zip_has_one_top_folder_the_masked_uri_and_the_certification() -> None:
    dsn = "postgresql://cur_superset_ro:s3cr%40t@db.example:6543/cur_dwh"
    content, passwords = bundle_zip(dsn, {"kpi_appeals": _status("kpi_appeals", True)})
    assert passwords == {build.DATABASE_FILE: "s3cr@t"}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert {n.split("/")[0] for n in names} == {"cur_dwh_dashboards"}
        assert b"s3cr" not in b"".join(archive.read(n) for n in names)
        database = yaml.safe_load(archive.read(f"cur_dwh_dashboards/{build.DATABASE_FILE}"))
        meta = yaml.safe_load(archive.read("cur_dwh_dashboards/metadata.yaml"))
        appeals = yaml.safe_load(archive.read("cur_dwh_dashboards/datasets/cur_dwh_marts/kpi_appeals.yaml"))
        rating = yaml.safe_load(
            archive.read("cur_dwh_dashboards/datasets/cur_dwh_marts/kpi_authority_rating.yaml")
        )
    assert (
        database["sqlalchemy_uri"]
        == "postgresql+psycopg2://cur_superset_ro:XXXXXXXXXX@db.example:6543/cur_dwh"
    )
    assert meta["type"] == "assets"  # what /api/v1/assets/import/ accepts
    assert appeals["extra"]["certification"]["certified_by"] == "Great Expectations"
    assert "marts.kpi_appeals" in appeals["extra"]["certification"]["details"]
    assert "certification" not in rating["extra"]


def test_no_password_in_the_repository_bundle() -> None:
    text = "".join(p.read_text("utf-8") for p in build.BUNDLE_DIR.rglob("*.yaml"))
    database = yaml.safe_load((build.BUNDLE_DIR / build.DATABASE_FILE).read_text("utf-8"))
    assert ":XXXXXXXXXX@" in database["sqlalchemy_uri"]
    assert "password" not in text.lower()


def test_certification_only_while_the_latest_validation_passed() -> None:
    assert certification_of(None) is None
    assert certification_of(_status("kpi_appeals", False)) is None
    passed = certification_of(_status("kpi_appeals", True))
    assert passed is not None and passed["certified_by"] == "Great Expectations"
    assert "«marts.kpi_appeals»" in passed["details"] and "31.03.2026" in passed["details"]


def test_superset_uri_rejects_other_databases() -> None:
    with pytest.raises(ValueError):
        superset_uri("mysql://u:p@h/db")


def test_every_chart_is_on_exactly_one_dashboard_and_uuids_are_stable() -> None:
    keys = [c.key for b in spec.DASHBOARDS for c in b.charts()]
    assert len(keys) == len(set(keys))
    assert build.stable_uuid("chart", "app_total") == build.stable_uuid("chart", "app_total")
    assert len(list((build.BUNDLE_DIR / "charts").glob("*.yaml"))) == len(keys)


def test_the_read_only_role_sees_the_marts_only(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("create schema if not exists marts")
        conn.execute("create table marts.kpi_example (n int)")
        conn.execute("insert into marts.kpi_example values (1), (2)")
    ro_dsn = db_role.ensure_readonly_role(dsn)
    assert ro_dsn == db_role.ensure_readonly_role(dsn)  # idempotent, same password
    password_file = db_role.launcher.state_dir() / "ro_password"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    # a table dbt creates later (as the same owner) is readable too
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("create table marts.kpi_later as select 3 as n")

    with psycopg.connect(ro_dsn, autocommit=True) as ro:
        assert ro.execute("select sum(n) from marts.kpi_example").fetchone() == (3,)
        assert ro.execute("select n from marts.kpi_later").fetchone() == (3,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            ro.execute("select count(*) from raw.load_batches")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            ro.execute("insert into marts.kpi_example values (4)")
        ro.execute("set default_transaction_read_only = off")  # the default is no protection by itself
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            ro.execute("insert into marts.kpi_example values (4)")


def test_dbt_exposures_name_the_dashboards_and_their_marts() -> None:
    """dbt/models/exposures.yml and the dashboards agree on slugs and on the marts each one reads."""
    exposures = yaml.safe_load((DBT_DIR / "models" / "exposures.yml").read_text("utf-8"))
    by_slug = {}
    for exposure in exposures["exposures"]:
        slug = exposure["url"].rstrip("/").rsplit("/", 1)[1]
        by_slug[slug] = {m.group(1) for d in exposure["depends_on"] if (m := re.search(r"ref\('(\w+)'\)", d))}
    assert set(by_slug) == set(EXPECTED_DASHBOARDS)
    for board in spec.DASHBOARDS:
        marts = {c.mart for c in board.charts()}
        assert by_slug[board.slug] == marts, board.slug


def _pvm(pvm_id: int, permission: str, view: str) -> dict[str, Any]:
    return {"id": pvm_id, "permission_name": permission, "view_menu_name": view}


def test_a_role_is_its_built_in_roles_minus_what_it_must_not_do_plus_named_pairs() -> None:
    builtin = {
        "Gamma": [_pvm(1, "can_read", "Dashboard"), _pvm(2, "can_write", "Dashboard"),
                  _pvm(3, "can_read", "SQLLab"), _pvm(4, "can_explore", "Superset")],
        "Alpha": [_pvm(5, "can_read", "Chart"), _pvm(6, "all_datasource_access", "all_datasource_access"),
                  _pvm(7, "can_write", "Dataset")],
        "sql_lab": [_pvm(8, "can_execute_sql_query", "SQLLab")],
    }  # fmt: skip

    assert roles.role_permissions(roles.LEADERSHIP_ROLE, builtin) == {1, 5, 6}
    assert roles.role_permissions(roles.ANALYST_ROLE, builtin) == {5, 6, 7, 8}


def test_every_sector_lead_has_the_leadership_rights_and_row_filters_on_every_dataset() -> None:
    declared = {role.name: role for role in roles.ROLES}
    users = {user.username: user.role for user in roles.USERS}
    for lead in roles.SECTOR_LEADS:
        assert dataclasses.replace(declared[lead.role], name=roles.LEADERSHIP) == roles.LEADERSHIP_ROLE
        assert users[lead.username] == lead.role
        covered = {mart for rule in roles.ROW_FILTERS if rule.role == lead.role for mart in rule.marts}
        # its sector's rows of every sector dataset, nothing of the region-wide totals (the load,
        # freshness and certification datasets describe the data, not a sector: not filtered)
        regional = {"kpi_appeals_headline", "kpi_municipality_appeals"}
        assert covered == {d.mart for d in spec.DATASETS if d.sector_column} | regional
    assert {"rukovoditel", "analitik"} <= set(users)


def test_no_metric_divides_two_integer_sums() -> None:
    """PostgreSQL divides integers as integers: SUM(int) / SUM(int) would show every share as 0 %."""
    import re

    from superset_assets.dbt_docs import marts_models

    ratio = re.compile(r"SUM\((\w+)\)\s*/\s*NULLIF\(SUM\((\w+)\)")
    integer = {"integer", "bigint", "smallint"}
    wrong = []
    for model in marts_models().values():
        for metric in model.metrics:
            found = ratio.search(metric.expression)
            if not found:
                continue
            types = [(model.columns[c].data_type or "").lower() for c in found.groups()]
            if all(t in integer for t in types):
                wrong.append(f"{model.name}.{metric.name}: {metric.expression}")
    assert wrong == []


def test_no_dashboard_row_is_wider_than_the_grid() -> None:
    """Superset's grid has 12 columns: a wider row pushes its last charts out of the dashboard."""
    wide = [
        (board.slug, [c.key for c in row])
        for board in spec.DASHBOARDS
        for row in board.rows
        if sum(c.width for c in row) > 12
    ]
    assert wide == []
