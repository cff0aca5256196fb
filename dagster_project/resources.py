"""Resources: their defaults are read from the settings at run time, never when the code loads.

A test or a deployment may pass values explicitly (``WarehouseResource(dsn=...)``); left unset, each
resource asks :func:`core.settings.get_settings` when a run uses it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import dagster as dg

from core.dsn import Dsn
from core.roles import RoleKey, ensure_roles, role_dsn
from core.settings import get_settings
from core.warehouse import warehouse_dsn
from ingestion.schemas import warehouse_ddl


@cache
def _roles_ready(admin: str) -> None:
    """The roles of ``core.roles`` on the warehouse of ``admin``, set up once per process."""
    ensure_roles(admin, ddl=(warehouse_ddl(),))


class WarehouseResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The warehouse: ``CUR_WAREHOUSE_DSN`` if set, else the embedded server (started on demand).

    Each step connects as its role (``core.roles``): the loader as ``cur_loader``, dbt as
    ``cur_dbt``, the checks and the certification as ``cur_quality``; the roles are set up
    (idempotently, ``cur warehouse roles``) on the first use in a process.

    ``dsn``: the administrator's address (a test passes its own database's); unset: the settings.
    ``roles``: connect as the roles; unset: on, unless ``dsn`` is given (a test's single account).
    """

    dsn: str | None = None
    roles: bool | None = None

    def get_dsn(self, role: RoleKey | None = None) -> str:
        """The address of ``role`` (the administrator's when None or when roles are off)."""
        admin = Dsn.parse(self.dsn) if self.dsn else warehouse_dsn(start=True)
        use_roles = self.dsn is None if self.roles is None else self.roles
        if role is None or not use_roles:
            return admin.secret()
        _roles_ready(admin.secret())
        return role_dsn(role, server=admin).secret()


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
