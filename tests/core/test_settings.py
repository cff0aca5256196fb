"""One settings object and one DSN type: what every room reads, defined once."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from core.dsn import Dsn, mask_dsn
from core.paths import PROJECT_ROOT
from core.settings import DEFAULT_TIMEZONE, get_settings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    from core import settings as settings_module

    monkeypatch.setattr(settings_module, "PROJECT_ROOT", tmp_path)  # no .env of the developer's
    for name in ("CUR_SOURCE_TIMEZONE", "CUR_STATE_DIR", "DAGSTER_HOME", "CUR_GX_DOCS_DIR", "SUPERSET_PORT"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_derive_from_the_state_folder(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("CUR_STATE_DIR", str(tmp_path / "state"))
    settings = get_settings()
    assert settings.dagster_home == tmp_path / "state" / "dagster"
    assert settings.gx_docs_dir == tmp_path / "state" / "gx" / "data_docs"
    assert settings.superset_state_dir == tmp_path / "state" / "superset"
    assert settings.landing_dir == PROJECT_ROOT / "data" / "landing"
    assert settings.superset_port == 8088 and settings.uses_embedded


def test_each_source_may_have_its_own_time_zone(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("CUR_SOURCE_TIMEZONE_IM", "Asia/Yekaterinburg")
    settings = get_settings()
    assert settings.timezone_for("im") == "Asia/Yekaterinburg"
    assert settings.timezone_for("pos") == DEFAULT_TIMEZONE == settings.source_timezone


@pytest.mark.parametrize("variable", ["CUR_SOURCE_TIMEZONE", "CUR_SOURCE_TIMEZONE_POS"])
def test_an_unknown_time_zone_is_refused_by_name(clean_env: pytest.MonkeyPatch, variable: str) -> None:
    clean_env.setenv(variable, "Mars/Olympus")
    with pytest.raises(ValidationError, match="Mars/Olympus"):
        get_settings()


def test_the_external_dsn_is_a_secret_in_the_settings(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("CUR_WAREHOUSE_DSN", "postgresql://u:s3cret@db:5432/dwh")
    settings = get_settings()
    assert "s3cret" not in repr(settings) and not settings.uses_embedded
    assert settings.warehouse_dsn is not None and "s3cret" in settings.warehouse_dsn.get_secret_value()


@pytest.mark.parametrize(
    ("given", "libpq"),
    [
        ("postgresql://u:p%40w@127.0.0.1:55432/cur", "postgresql://u:p%40w@127.0.0.1:55432/cur"),
        ("postgres://u@h/db", "postgresql://u@h/db"),
        ("postgresql+psycopg2://u:pw@h:5433/db", "postgresql://u:pw@h:5433/db"),
        ("host=h port=5433 dbname=db user=u password=pw", "postgresql://u:pw@h:5433/db"),
    ],
)
def test_one_dsn_type_reads_every_form(given: str, libpq: str) -> None:
    assert Dsn.parse(given).secret() == libpq


def test_the_dsn_gives_every_shape_without_string_surgery() -> None:
    dsn = Dsn.parse("postgresql://u:p%40w@127.0.0.1:55432/cur")
    assert dsn.with_database("dagster").secret() == "postgresql://u:p%40w@127.0.0.1:55432/dagster"
    assert dsn.sqlalchemy("psycopg2") == "postgresql+psycopg2://u:p%40w@127.0.0.1:55432/cur"
    assert (dsn.user, dsn.password, dsn.host, dsn.port, dsn.database) == (
        "u",
        "p@w",
        "127.0.0.1",
        55432,
        "cur",
    )
    assert str(dsn) == repr(dsn)[5:-2] == "postgresql://u:***@127.0.0.1:55432/cur"
    assert mask_dsn("not a dsn at all") == "not a dsn at all"


def test_ingestion_settings_per_source_and_cabinet(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv(
        "CUR_IM_CABINET_TIMEZONES", "Омская область=Asia/Omsk; Республика Хакасия = Asia/Krasnoyarsk"
    )
    clean_env.setenv("CUR_DATE_ORDER_DELO", "MDY")
    clean_env.setenv("CUR_FUTURE_TOLERANCE_HOURS", "2")
    settings = get_settings()
    assert settings.im_cabinet_timezones["Омская область"] == "Asia/Omsk"
    assert settings.date_order_of("delo") == "mdy" and settings.date_order_of("pos") == "dmy"
    assert settings.future_tolerance.total_seconds() == 7200
    clean_env.setenv("CUR_DATE_ORDER_POS", "ymd")
    with pytest.raises(ValidationError, match="CUR_DATE_ORDER_POS"):
        get_settings()
