"""Roles, demo users and row-level security as data, applied idempotently over Superset's REST API.

=====================================  ============================================================
role                                    what it may do
=====================================  ============================================================
``Руководство`` (leadership)            view dashboards and download the data behind a chart (CSV,
                                        XLSX); no chart editor, no datasets, no SQL Lab
``Аналитик`` (analyst)                  Superset's Alpha and sql_lab: datasets, charts, SQL Lab
``Отраслевой руководитель: <sector>``   as leadership, and row-level security: only the rows of its
                                        sector (``sector_code = '<code>'``); region-wide totals
                                        (datasets without a sector) show nothing
=====================================  ============================================================

Everything is declared below (``ROLES``, ``ROW_FILTERS``, ``USERS``) and :func:`apply_roles` makes
Superset match it: a role gets exactly its permissions, a rule exactly its clause, datasets and role,
a user exactly its role; nothing is written when it already matches. The permission sets are
derived from Superset's built-in roles (Gamma, Alpha, sql_lab), so they follow Superset's own
permission names release after release. Passwords of the demo users are generated once and kept in
``$CUR_STATE_DIR/superset/password_<user>`` (mode 0600). Add a sector lead to ``SECTOR_LEADS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from core.secrets import new_token
from superset_assets import launcher, spec
from superset_assets.publish import PublishError, SupersetClient

# --- the declaration -----------------------------------------------------------------------------

BUILTIN_ROLES = ("Gamma", "Alpha", "sql_lab")


@dataclass(frozen=True)
class Role:
    """A role: the permissions of built-in ``from_roles``, minus those on ``without_views`` or named
    in ``without_permissions``, plus the (permission, view) pairs of ``plus`` (found in any built-in
    role)."""

    name: str
    from_roles: tuple[str, ...]
    without_views: frozenset[str] = frozenset()
    without_permissions: frozenset[str] = frozenset()
    plus: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class RowFilter:
    """A row-level security rule (Superset's "Regular" filter): ``clause`` on ``marts`` for ``role``."""

    name: str
    role: str
    clause: str
    marts: tuple[str, ...]
    description: str
    group_key: str = "sector"


@dataclass(frozen=True)
class User:
    username: str
    role: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class SectorLead:
    sector_code: str
    sector_name: str
    username: str

    @property
    def role(self) -> str:
        return f"Отраслевой руководитель: {self.sector_name}"


LEADERSHIP = "Руководство"
ANALYST = "Аналитик"

LEADERSHIP_ROLE = Role(
    LEADERSHIP,
    from_roles=("Gamma",),
    # What a dashboards-only role does not get: building charts, SQL, datasets, uploads, exports of
    # definitions. It keeps can_csv: leadership downloads the data behind a chart (CSV and XLSX).
    without_views=frozenset({"SQL Lab", "SQLLab", "Dataset", "Datasource", "Chart", "Charts", "Datasets"}),
    without_permissions=frozenset({"can_explore", "can_export", "can_share_chart", "can_write"}),
    # Chart data on the dashboards needs read access to the charts and the data itself; drill to
    # detail (a headline -> the rows behind it, e.g. the overdue appeals) needs the dataset's samples
    # and drill info.
    plus=frozenset(
        {
            ("can_read", "Chart"),
            ("all_datasource_access", "all_datasource_access"),
            ("can_samples", "Datasource"),
            ("can_get_drill_info", "Dataset"),
        }
    ),
)
ANALYST_ROLE = Role(ANALYST, from_roles=("Alpha", "sql_lab"))

SECTOR_LEADS: tuple[SectorLead, ...] = (SectorLead("zhkh", "ЖКХ", "otrasl_zhkh"),)

# Datasets whose rows belong to one sector, and region-wide totals that belong to none.
SECTOR_MARTS = tuple(d.mart for d in spec.DATASETS if d.sector_column)
REGIONAL_MARTS = ("kpi_appeals_headline", "kpi_municipality_appeals")

ROLES: tuple[Role, ...] = (
    LEADERSHIP_ROLE,
    ANALYST_ROLE,
    *(replace(LEADERSHIP_ROLE, name=lead.role) for lead in SECTOR_LEADS),
)
ROW_FILTERS: tuple[RowFilter, ...] = tuple(
    rule
    for lead in SECTOR_LEADS
    for rule in (
        RowFilter(f"Отрасль {lead.sector_name}: только своя отрасль", lead.role,
                  f"sector_code = '{lead.sector_code}'", SECTOR_MARTS,
                  f"{lead.role} видит только строки отрасли {lead.sector_code}"),
        RowFilter(f"Отрасль {lead.sector_name}: без итогов по региону", lead.role, "1 = 0",
                  REGIONAL_MARTS, "Итоги по региону не относятся к одной отрасли"),
    )
)  # fmt: skip
USERS: tuple[User, ...] = (
    User("rukovoditel", LEADERSHIP, "Руководитель", "ЦУР"),
    User("analitik", ANALYST, "Аналитик", "ЦУР"),
    *(User(lead.username, lead.role, "Руководитель отрасли", lead.sector_name) for lead in SECTOR_LEADS),
)


def demo_password(username: str) -> str:
    return launcher._kept_secret(launcher.state_dir() / f"password_{username}", lambda: new_token(15))


# --- applying it ---------------------------------------------------------------------------------


def role_permissions(role: Role, builtin: Mapping[str, list[dict[str, Any]]]) -> set[int]:
    """The permission-view ids of ``role``, given the permissions of the built-in roles by name."""
    keep = {
        p["id"]
        for name in role.from_roles
        for p in builtin[name]
        if p["view_menu_name"] not in role.without_views
        and p["permission_name"] not in role.without_permissions
    }
    everything = [p for permissions in builtin.values() for p in permissions]
    keep |= {p["id"] for p in everything if (p["permission_name"], p["view_menu_name"]) in role.plus}
    return keep


def _role_ids(client: SupersetClient) -> dict[str, int]:
    return {r["name"]: int(r["id"]) for r in client.list("security/roles")}


def _permissions_of(client: SupersetClient, role_id: int) -> list[dict[str, Any]]:
    return client.request("GET", f"/api/v1/security/roles/{role_id}/permissions/")["result"]


def _ensure_role(client: SupersetClient, roles: dict[str, int], name: str, pvm_ids: set[int]) -> bool:
    """Create the role if missing and give it exactly ``pvm_ids``; True when something changed."""
    changed = False
    if name not in roles:
        roles[name] = int(client.request("POST", "/api/v1/security/roles/", json={"name": name})["id"])
        changed = True
    wanted = sorted(pvm_ids)
    current = sorted(p["id"] for p in _permissions_of(client, roles[name]))
    if current != wanted:
        path = f"/api/v1/security/roles/{roles[name]}/permissions"
        client.request("POST", path, json={"permission_view_menu_ids": wanted})
        changed = True
    return changed


def _ensure_rls(client: SupersetClient, rule: RowFilter, role_id: int, table_ids: list[int]) -> bool:
    body = {"name": rule.name, "description": rule.description, "filter_type": "Regular",
            "tables": sorted(table_ids), "roles": [role_id], "group_key": rule.group_key,
            "clause": rule.clause}  # fmt: skip
    found = client.list("rowlevelsecurity", name=rule.name)
    if not found:
        client.request("POST", "/api/v1/rowlevelsecurity/", json=body)
        return True
    rule_id = found[0]["id"]
    current = client.request("GET", f"/api/v1/rowlevelsecurity/{rule_id}")["result"]
    same = (
        current.get("clause") == rule.clause
        and sorted(t["id"] for t in current.get("tables", [])) == sorted(table_ids)
        and [r["id"] for r in current.get("roles", [])] == [role_id]
    )
    if not same:
        client.request("PUT", f"/api/v1/rowlevelsecurity/{rule_id}", json=body)
        return True
    return False


def _ensure_user(client: SupersetClient, role_ids: dict[str, int], user: User) -> bool:
    password = demo_password(user.username)
    found = client.list("security/users", username=user.username)
    body = {"first_name": user.first_name, "last_name": user.last_name, "username": user.username,
            "email": f"{user.username}@cur.local", "active": True,
            "roles": [role_ids[user.role]]}  # fmt: skip
    if not found:
        client.request("POST", "/api/v1/security/users/", json={**body, "password": password})
        return True
    current = found[0]
    has_roles = sorted(r["id"] for r in current.get("roles", []))
    if has_roles != [role_ids[user.role]] or not _can_log_in(client, user.username, password):
        client.request("PUT", f"/api/v1/security/users/{current['id']}", json={**body, "password": password})
        return True
    return False


def _can_log_in(client: SupersetClient, username: str, password: str) -> bool:
    try:
        client.fresh().login(username, password)
    except PublishError:
        return False
    return True


def apply_roles(client: SupersetClient, datasets: Mapping[str, int]) -> dict[str, Any]:
    """Make Superset's roles, row-level security and demo users match ``ROLES``, ``ROW_FILTERS`` and
    ``USERS``; ``datasets`` maps each mart to its dataset id. Returns what exists and what changed."""
    role_ids = _role_ids(client)
    builtin = {name: _permissions_of(client, role_ids[name]) for name in BUILTIN_ROLES}
    changed: list[str] = []
    for role in ROLES:
        if _ensure_role(client, role_ids, role.name, role_permissions(role, builtin)):
            changed.append(role.name)
    for rule in ROW_FILTERS:
        tables = [datasets[mart] for mart in rule.marts if mart in datasets]
        if tables and _ensure_rls(client, rule, role_ids[rule.role], tables):
            changed.append(f"rls {rule.name}")
    for user in USERS:
        if _ensure_user(client, role_ids, user):
            changed.append(f"user {user.username}")
    return {
        "roles": [role.name for role in ROLES],
        "users": sorted(u.username for u in USERS),
        "changed": changed,
    }
