"""Settings from the environment, with documented defaults (see ``.env.example``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def load_dotenv(path: Path | None = None) -> None:
    """Read ``KEY=VALUE`` lines of the project's ``.env`` into the environment; the environment wins."""
    path = path or PROJECT_ROOT / ".env"
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.removeprefix("export ").strip()
        os.environ.setdefault(key, value.strip().strip("'\""))


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Runtime settings; every field has an environment variable."""

    state_dir: Path
    landing_dir: Path
    warehouse_dsn: str | None
    embedded_port: int
    embedded_database: str
    source_timezone: str
    superset_autostart: bool
    # per-source overrides of source_timezone: CUR_SOURCE_TIMEZONE_<SOURCE> (e.g. _IM, _POS)
    source_timezones: dict[str, str] = field(default_factory=dict)
    # ИМ «Кабинет» -> time zone (CUR_IM_CABINET_TIMEZONES="Омская область=Asia/Omsk; …"); not named
    # CUR_SOURCE_TIMEZONE_…, which is the prefix of the per-source overrides
    cabinet_timezones: dict[str, str] = field(default_factory=dict)
    # how a source writes NN.NN.ГГГГ when a file's own values cannot tell (CUR_DATE_ORDER[_<SOURCE>])
    date_orders: dict[str, str] = field(default_factory=dict)
    # points in time later than the load by more than this are refused (CUR_FUTURE_TOLERANCE_HOURS)
    future_tolerance: timedelta = timedelta(hours=24)

    @property
    def uses_embedded(self) -> bool:
        return not self.warehouse_dsn

    def timezone_of(self, source: str) -> str:
        """The time zone of a landing source's local times (its override, else the default)."""
        return self.source_timezones.get(source.lower(), self.source_timezone)

    def date_order_of(self, source: str) -> str:
        return self.date_orders.get(source.lower(), self.date_orders.get("", "dmy"))


def get_settings() -> Settings:
    """Read the settings now (not at import), so tests and the CLI can change the environment."""
    load_dotenv()
    state_dir = _path("CUR_STATE_DIR", PROJECT_ROOT / ".state")
    return Settings(
        state_dir=state_dir,
        landing_dir=_path("CUR_LANDING_DIR", PROJECT_ROOT / "data" / "landing"),
        warehouse_dsn=os.environ.get("CUR_WAREHOUSE_DSN") or None,
        embedded_port=int(os.environ.get("CUR_EMBEDDED_PORT", "55432")),
        embedded_database=os.environ.get("CUR_EMBEDDED_DATABASE", "cur_dwh"),
        source_timezone=os.environ.get("CUR_SOURCE_TIMEZONE", "Asia/Krasnoyarsk"),
        superset_autostart=os.environ.get("CUR_SUPERSET_AUTOSTART", "1").lower() not in {"0", "false", "no"},
        source_timezones=_per_source("CUR_SOURCE_TIMEZONE_", _check_zone),
        cabinet_timezones=_cabinet_zones(os.environ.get("CUR_IM_CABINET_TIMEZONES", "")),
        date_orders=_date_orders(),
        future_tolerance=timedelta(hours=float(os.environ.get("CUR_FUTURE_TOLERANCE_HOURS", "24"))),
    )


_SOURCES = ("pos", "im", "delo", "indicators", "surveys")


def _check_zone(name: str, value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{name}: not a time zone: {value!r}") from exc
    return value


def _per_source(prefix: str, check: Callable[[str, str], str]) -> dict[str, str]:
    found = {}
    for source in _SOURCES:
        value = os.environ.get(prefix + source.upper())
        if value:
            found[source] = check(prefix + source.upper(), value.strip())
    return found


def _cabinet_zones(spec: str) -> dict[str, str]:
    """``Кабинет=Zone; Кабинет=Zone`` -> {normalised cabinet: zone} (matched like header names)."""
    from ingestion.sources.base import header_key

    zones = {}
    for part in spec.split(";"):
        if "=" in part:
            cabinet, _, zone = part.rpartition("=")
            zones[header_key(cabinet)] = _check_zone("CUR_IM_CABINET_TIMEZONES", zone.strip())
    return zones


def _date_orders() -> dict[str, str]:
    def check(name: str, value: str) -> str:
        if value.lower() not in {"dmy", "mdy"}:
            raise ValueError(f"{name}: expected dmy or mdy, got {value!r}")
        return value.lower()

    orders = _per_source("CUR_DATE_ORDER_", check)
    default = os.environ.get("CUR_DATE_ORDER")
    if default:
        orders[""] = check("CUR_DATE_ORDER", default)
    return orders
