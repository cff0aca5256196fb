"""Resources: their defaults are read from the settings at run time, never when the code loads.

A test or a deployment may pass values explicitly (``WarehouseResource(dsn=...)``); left unset, each
resource asks :func:`core.settings.get_settings` when a run uses it.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from core.settings import get_settings
from core.warehouse import resolve_dsn


class WarehouseResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The warehouse: ``CUR_WAREHOUSE_DSN`` if set, else the embedded server (started on demand)."""

    dsn: str | None = None

    def get_dsn(self) -> str:
        return self.dsn or resolve_dsn(start=True)


class LandingResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The landing folder (``CUR_LANDING_DIR``)."""

    path: str | None = None

    def get_path(self) -> Path:
        return Path(self.path) if self.path else get_settings().landing_dir


class SupersetResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Superset, as ``superset_assets.launcher`` runs it (``SUPERSET_*`` settings, see .env.example).

    ``start``: start the local Superset (installing and initialising it on first use) when it is not
    running; off, the publication expects a Superset already listening at ``SUPERSET_PORT``. Unset:
    ``CUR_SUPERSET_AUTOSTART``.
    """

    start: bool | None = None

    def should_start(self) -> bool:
        return get_settings().superset_autostart if self.start is None else self.start
