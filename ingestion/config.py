"""Settings from the environment, with documented defaults (see ``.env.example``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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

    @property
    def uses_embedded(self) -> bool:
        return not self.warehouse_dsn


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
    )
