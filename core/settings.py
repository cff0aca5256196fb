"""One typed settings object for every room, read from the environment and the project's ``.env``.

Every field has an environment variable (documented in ``.env.example``); the environment wins over
``.env``. Settings are read when :func:`get_settings` is called, never at import, so the CLI and the
tests can change the environment first.

The time zone of the sources is defined here once: ``CUR_SOURCE_TIMEZONE`` (default
:data:`DEFAULT_TIMEZONE`), with a per-source override ``CUR_SOURCE_TIMEZONE_<SOURCE>`` (for example
``CUR_SOURCE_TIMEZONE_IM``). The readers take it from :meth:`Settings.timezone_for`; dbt gets the
default through :func:`core.dbt.dbt_env`; Dagster's schedule runs in it.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv
from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.paths import PROJECT_ROOT

# Republic of Khakassia, UTC+7: the local time of the region's bodies and of their exports.
DEFAULT_TIMEZONE = "Asia/Krasnoyarsk"
_TZ_OVERRIDE_PREFIX = "CUR_SOURCE_TIMEZONE_"
_DATE_ORDER_PREFIX = "CUR_DATE_ORDER_"


def _check_date_order(variable: str, value: str) -> str:
    if value.lower().strip() not in {"dmy", "mdy"}:
        raise ValueError(f"{variable}: expected dmy or mdy, got {value!r}")
    return value.lower().strip()


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as {DEFAULT_TIMEZONE})") from exc
    return name


class Settings(BaseSettings):
    """Runtime settings of the warehouse, the sources, Dagster, Great Expectations and Superset."""

    model_config = SettingsConfigDict(env_prefix="CUR_", extra="ignore")

    # ---- warehouse
    state_dir: Path = Field(PROJECT_ROOT / ".state", description="embedded server data, secrets, run storage")
    warehouse_dsn: SecretStr | None = Field(None, description="external PostgreSQL; unset = embedded")
    embedded_port: int = Field(55432, ge=1, le=65535)
    embedded_database: str = "cur_dwh"
    pii_key: SecretStr | None = Field(None, description="key of the personal-data pseudonyms")
    # Which engine builds the warehouse: PostgreSQL (default) or the Spark + Iceberg cluster (issue 16,
    # in progress: core/spark.py; dbt's target follows this setting, core/dbt.py)
    warehouse_engine: Literal["postgres", "spark"] = "postgres"
    # ---- backups (core/backup.py)
    backup_dir: Path | None = Field(
        None, description="where `cur warehouse backup` writes; default state_dir/backups"
    )
    pg_bin_dir: Path | None = Field(
        None, description="bin folder of pg_dump/pg_restore; default the wheel's, then PATH"
    )
    # ---- transient failures (the warehouse unreachable or gone): retried this often, this far apart
    retry_max: int = Field(3, ge=0)
    retry_wait_seconds: float = Field(10.0, ge=0)
    # Days raw personal data is kept: `cur data purge-pii` purges it from batches loaded longer ago
    # (ingestion/retention.py). Unset: kept until purged with an explicit --days.
    raw_pii_retention_days: int | None = Field(None, ge=1, description="retention of raw personal data")
    # Passwords of the warehouse roles (core/roles.py); unset: generated once into
    # $CUR_STATE_DIR/roles/<role>.password (mode 0600). Superset's role: SUPERSET_RO_PASSWORD below.
    role_password_loader: SecretStr | None = None
    role_password_dbt: SecretStr | None = None
    role_password_quality: SecretStr | None = None
    role_password_analyst: SecretStr | None = None

    # ---- Spark + Iceberg cluster (core/spark.py, `cur spark`): master, workers and the Thrift server
    # on spark_host; data, logs and pids in spark_dir (default state_dir/spark). Sized for a 2-core,
    # 24 GB machine next to PostgreSQL: each worker offers spark_worker_cores (virtual) cores, the
    # Thrift server takes at most spark_thrift_cores of them, leaving room for another application.
    spark_dir: Path | None = Field(None, description="Spark's warehouse, metastore, logs, pids")
    spark_host: str = "127.0.0.1"
    spark_master_port: int = Field(7077, ge=1, le=65535)
    spark_master_ui_port: int = Field(8080, ge=1, le=65535)
    spark_worker_ui_port: int = Field(8081, ge=1, le=65535, description="first worker's; then +1 each")
    spark_workers: int = Field(2, ge=1, le=8)
    spark_worker_cores: int = Field(2, ge=1)
    spark_worker_memory: str = Field("2g", pattern=r"^\d+[mg]$")
    spark_executor_cores: int = Field(1, ge=1)
    spark_executor_memory: str = Field("1g", pattern=r"^\d+[mg]$")
    spark_driver_memory: str = Field("1g", pattern=r"^\d+[mg]$")
    spark_daemon_memory: str = Field("512m", pattern=r"^\d+[mg]$")
    spark_thrift_port: int = Field(10000, ge=1, le=65535)
    spark_thrift_ui_port: int = Field(4040, ge=1, le=65535)
    spark_thrift_cores: int = Field(2, ge=1, description="spark.cores.max of the Thrift server")
    spark_shuffle_partitions: int = Field(4, ge=1)
    spark_start_timeout: float = Field(180.0, gt=0)

    # ---- sources
    landing_dir: Path = PROJECT_ROOT / "data" / "landing"
    source_timezone: str = DEFAULT_TIMEZONE
    source_timezones: dict[str, str] = Field(
        default_factory=dict, description="per-source overrides from CUR_SOURCE_TIMEZONE_<SOURCE>"
    )
    # ИМ «Кабинет» -> time zone, "Кабинет=Zone; Кабинет=Zone" (not named CUR_SOURCE_TIMEZONE_…, the
    # prefix of the per-source overrides)
    im_cabinet_timezones: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    # How a source writes NN.NN.ГГГГ when a file's own values cannot tell: dmy or mdy
    # (CUR_DATE_ORDER, per source CUR_DATE_ORDER_<SOURCE>)
    date_order: Literal["dmy", "mdy"] = "dmy"
    date_orders: dict[str, Literal["dmy", "mdy"]] = Field(default_factory=dict)
    # A point in time later than the load by more than this is quarantined
    future_tolerance_hours: float = Field(24.0, ge=0)
    # Rows whose values all have canonical shapes go straight to COPY as text (ingestion.fastpath);
    # false reads every row through the per-value Python converters (same outcomes, slower)
    ingest_fast_path: bool = True

    # ---- Great Expectations
    gx_docs_dir: Path | None = None
    # Validation results (and their Data Docs pages) older than this are removed before each run's
    # Data Docs are built (expectations/docs.py); quality.certifications keeps the whole history
    gx_results_keep_days: int = Field(90, ge=1, description="days of GX validation results kept")

    # ---- briefing pack (briefing/)
    briefing_dir: Path | None = Field(None, description="where the weekly packs are kept")
    briefing_keep: int = Field(12, ge=1, description="weekly packs kept; older ones are removed")
    chromium: Path = Field(Path("/usr/bin/chromium"), description="Debian's Chromium, renders the PDF")

    # ---- Dagster
    dagster_home: Path | None = Field(None, validation_alias=AliasChoices("DAGSTER_HOME"))
    dagster_storage: Literal["sqlite", "postgres"] = "sqlite"
    dagster_database: str = "dagster"

    # ---- Superset (its own process reads the same variables: superset_assets/superset_config.py)
    superset_autostart: bool = True
    superset_host: str = Field("127.0.0.1", validation_alias=AliasChoices("SUPERSET_HOST"))
    superset_port: int = Field(8088, ge=1, le=65535, validation_alias=AliasChoices("SUPERSET_PORT"))
    superset_state_dir: Path | None = Field(None, validation_alias=AliasChoices("SUPERSET_STATE_DIR"))
    superset_venv: Path = Field(
        PROJECT_ROOT / ".venv-superset", validation_alias=AliasChoices("SUPERSET_VENV")
    )
    superset_python: str = Field("python3.11", validation_alias=AliasChoices("SUPERSET_PYTHON"))
    superset_admin_user: str = Field("admin", validation_alias=AliasChoices("SUPERSET_ADMIN_USER"))
    superset_admin_email: str | None = Field(None, validation_alias=AliasChoices("SUPERSET_ADMIN_EMAIL"))
    superset_admin_password: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SUPERSET_ADMIN_PASSWORD")
    )
    superset_secret_key: SecretStr | None = Field(None, validation_alias=AliasChoices("SUPERSET_SECRET_KEY"))
    superset_ro_password: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SUPERSET_RO_PASSWORD")
    )
    superset_workers: int = Field(2, ge=1, validation_alias=AliasChoices("SUPERSET_WORKERS"))
    superset_start_timeout: float = Field(
        180.0, gt=0, validation_alias=AliasChoices("SUPERSET_START_TIMEOUT")
    )
    superset_webserver_timeout: int = Field(
        120, gt=0, validation_alias=AliasChoices("SUPERSET_WEBSERVER_TIMEOUT")
    )
    # Alerts & reports: Superset's Celery worker and beat (started with the web server) on this Redis;
    # the weekly dashboard report goes by SMTP (default: a local sink, never a real mailbox).
    superset_reports: bool = Field(True, description="start the Celery worker and beat with Superset")
    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Celery broker and result backend")
    report_email: str = Field("rukovodstvo@cur.localhost", description="recipient of the weekly report")
    report_crontab: str = Field("0 7 * * 1", description="when the weekly report is sent (cron)")
    report_timezone: str = Field(DEFAULT_TIMEZONE, description="time zone of report_crontab")
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(2525, ge=1, le=65535)
    smtp_mail_from: str = "superset@cur.localhost"
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None

    @field_validator(
        "state_dir",
        "landing_dir",
        "gx_docs_dir",
        "briefing_dir",
        "dagster_home",
        "superset_state_dir",
        "superset_venv",
        "backup_dir",
        "pg_bin_dir",
        "spark_dir",
    )
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return value.expanduser().resolve() if value is not None else None

    @field_validator(
        "warehouse_dsn",
        "pii_key",
        "role_password_loader",
        "role_password_dbt",
        "role_password_quality",
        "role_password_analyst",
        "superset_admin_password",
        "superset_secret_key",
        "superset_ro_password",
        "superset_admin_email",
        "raw_pii_retention_days",
        "smtp_user",
        "smtp_password",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return value or None

    @field_validator("dagster_storage", "warehouse_engine", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("source_timezone", "report_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return _check_timezone(value)

    @field_validator("im_cabinet_timezones", mode="before")
    @classmethod
    def _cabinet_zones(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        zones = {}
        for part in value.split(";"):
            if "=" in part:
                cabinet, _, zone = part.rpartition("=")
                zones[cabinet.strip()] = _check_timezone(zone.strip())
        return zones

    @field_validator("date_order", mode="before")
    @classmethod
    def _lower_order(cls, value: object) -> object:
        return value.lower().strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _derived(self) -> Settings:
        defaults = {
            "gx_docs_dir": self.state_dir / "gx" / "data_docs",
            "briefing_dir": self.state_dir / "briefing",
            "dagster_home": self.state_dir / "dagster",
            "superset_state_dir": self.state_dir / "superset",
            "backup_dir": self.state_dir / "backups",
            "spark_dir": self.state_dir / "spark",
        }
        for name, value in defaults.items():
            if getattr(self, name) is None:
                setattr(self, name, value)
        overrides = {
            key.removeprefix(_TZ_OVERRIDE_PREFIX).lower(): _check_timezone(value)
            for key, value in os.environ.items()
            if key.startswith(_TZ_OVERRIDE_PREFIX) and value
        }
        self.source_timezones = {**overrides, **self.source_timezones}
        orders = {
            key.removeprefix(_DATE_ORDER_PREFIX).lower(): _check_date_order(key, value)
            for key, value in os.environ.items()
            if key.startswith(_DATE_ORDER_PREFIX) and value
        }
        self.date_orders = {**orders, **self.date_orders}
        return self

    @property
    def uses_embedded(self) -> bool:
        return self.warehouse_dsn is None

    def timezone_for(self, source: str) -> str:
        """The time zone of a source's timestamps that carry no offset."""
        return self.source_timezones.get(source.lower(), self.source_timezone)

    def date_order_of(self, source: str) -> str:
        """How the source writes NN.NN.ГГГГ dates when a file's values cannot tell (dmy or mdy)."""
        return self.date_orders.get(source.lower(), self.date_order)

    @property
    def future_tolerance(self) -> timedelta:
        return timedelta(hours=self.future_tolerance_hours)


def get_settings() -> Settings:
    """Read the settings now: the environment, then the project's ``.env`` for what it leaves unset."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    return Settings()
