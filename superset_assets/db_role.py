"""The read-only database role Superset connects with: ``cur_superset_ro``, SELECT on schema marts only.

The role is one of the warehouse's roles (``core.roles``, key ``superset``), set up with the others by
``cur warehouse roles``; this module keeps the publication's own entry point. Its password is
generated once and kept in ``$CUR_STATE_DIR/superset/ro_password`` (mode 0600), or taken from
``SUPERSET_RO_PASSWORD``. Every call is idempotent.
"""

from __future__ import annotations

from core.dsn import Dsn
from core.roles import ROLES, ensure_roles, renamed, role_password
from core.secrets import SecretFileError
from superset_assets import launcher

ROLE = ROLES["superset"].name
SCHEMA = "marts"


def ro_password() -> str:
    try:
        return role_password("superset")
    except SecretFileError as exc:
        raise launcher.LauncherError(str(exc)) from exc


def ensure_readonly_role(owner_dsn: str, role: str = ROLE) -> str:
    """Create or update the read-only role in the database of ``owner_dsn``; return Superset's DSN.

    ``owner_dsn`` must be the administrator (a role that may create roles, see ``core.roles``). The
    returned DSN is the same server and database, logged in as ``role``.
    """
    password = ro_password()
    ensure_roles(owner_dsn, roles=[renamed("superset", role)])
    return dsn_for_role(owner_dsn, role, password)


def dsn_for_role(dsn: str, role: str, password: str) -> str:
    """The same server and database, logged in as ``role``."""
    return Dsn.parse(dsn).as_user(role, password).secret()
