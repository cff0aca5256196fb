"""The Spark engine's configuration, without a cluster: the pinned package set, the settings, the
catalog settings every application shares, and the dbt target chosen by CUR_WAREHOUSE_ENGINE."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from core import spark
from core.dbt import dbt_env
from core.paths import PROJECT_ROOT
from core.settings import Settings

_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)", re.M)


def _pins(path: Path) -> dict[str, str]:
    return {name.lower(): version for name, version in _PIN.findall(path.read_text())}


def test_spark_lock_changes_nothing_of_the_main_lock() -> None:
    main, extra = _pins(PROJECT_ROOT / "requirements.lock"), _pins(spark.SPARK_LOCK)
    assert {name: extra.get(name) for name in main} == main
    added = set(extra) - set(main)
    assert {"pyspark", "snowpark-connect-deps-iceberg", "dbt-spark", "pyhive", "thrift"} <= added


def test_spark_extra_is_what_the_lock_pins() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    wanted = project["project"]["optional-dependencies"]["spark"]
    pins = _pins(spark.SPARK_LOCK)
    for requirement in wanted:
        name, version = re.sub(r"\[.*\]", "", requirement).split("==")
        assert pins[name.lower()] == version, requirement
    assert pins["snowpark-connect-deps-iceberg"] == "1.0.1"  # 1.0.3 strips shaded classes


def test_defaults_fit_two_workers_and_leave_cores_for_another_application(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path)
    assert settings.warehouse_engine == "postgres"
    assert settings.spark_dir == tmp_path / "spark"
    assert settings.spark_workers == 2
    total = settings.spark_workers * settings.spark_worker_cores
    assert settings.spark_thrift_cores < total
    assert settings.spark_thrift_cores // settings.spark_executor_cores >= settings.spark_workers


def test_engine_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUR_WAREHOUSE_ENGINE", "SPARK")
    assert Settings().warehouse_engine == "spark"
    monkeypatch.setenv("CUR_WAREHOUSE_ENGINE", "duckdb")
    with pytest.raises(ValueError, match="warehouse_engine"):
        Settings()


def test_catalog_is_iceberg_over_the_state_folder(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path, spark_master_port=7177)
    jar = tmp_path / "iceberg-spark-runtime-3.5_2.12-1.9.2.jar"
    conf = spark.catalog_conf(settings, jar)
    assert conf["spark.master"] == "spark://127.0.0.1:7177"
    assert conf["spark.sql.catalog.spark_catalog"] == "org.apache.iceberg.spark.SparkSessionCatalog"
    assert conf["spark.sql.catalog.spark_catalog.type"] == "hive"
    assert conf["spark.hadoop.iceberg.engine.hive.lock-enabled"] == "false"
    assert conf["spark.driver.extraClassPath"] == conf["spark.executor.extraClassPath"] == str(jar)
    assert conf["spark.sql.warehouse.dir"] == (tmp_path / "spark" / "warehouse").as_uri()
    assert str(tmp_path / "spark" / "metastore_db") in conf["spark.hadoop.javax.jdo.option.ConnectionURL"]


def test_dbt_target_follows_the_engine(tmp_path: Path) -> None:
    postgres = dbt_env(settings=Settings(state_dir=tmp_path))
    assert "DBT_TARGET" not in postgres
    spark_settings = Settings(state_dir=tmp_path, warehouse_engine="spark", spark_thrift_port=10123)
    on_spark = dbt_env(settings=spark_settings)
    assert on_spark["DBT_TARGET"] == "spark"
    assert on_spark["CUR_DBT_SPARK_PORT"] == "10123"
    profiles = (PROJECT_ROOT / "dbt" / "profiles.yml").read_text()
    assert re.search(r"^    spark:\n      type: spark\n      method: thrift", profiles, re.M)
