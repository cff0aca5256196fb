"""Roles, demo users and row-level security, created idempotently over Superset's REST API.

=====================================  ============================================================
role                                    what it may do
=====================================  ============================================================
``Руководство`` (leadership)            view dashboards; no chart editor, no datasets, no SQL Lab
``Аналитик`` (analyst)                  Superset's Alpha and sql_lab: datasets, charts, SQL Lab
``Отраслевой руководитель: <sector>``   as leadership, and row-level security: only the rows of its
                                        sector (``sector_code = '<code>'``); region-wide totals
                                        (datasets without a sector) show nothing
=====================================  ============================================================

The permission sets are derived from Superset's built-in roles (Gamma, Alpha, sql_lab), so they
follow Superset's own permission names release after release. One demo user per role; passwords
are generated once and kept in ``$CUR_STATE_DIR/superset/password_<user>`` (mode 0600).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from superset_assets import launcher, spec
from superset_assets.publish import PublishError, SupersetClient

LEADERSHIP = "Руководство"
ANALYST = "Аналитик"
# Gamma permissions a dashboards-only role does not get: building charts, SQL, datasets, uploads.
_NOT_FOR_LEADERSHIP_VIEWS = {"SQL Lab", "SQLLab", "Dataset", "Datasource", "Chart", "Charts", "Datasets"}
_NOT_FOR_LEADERSHIP_PERMS = {"can_explore", "can_csv", "can_export", "can_share_chart", "can_write"}


@dataclass(frozen=True)
class SectorLead:
    sector_code: str
    sector_name: str
    username: str

    @property
    def role(self) -> str:
        return f"Отраслевой руководитель: {self.sector_name}"


SECTOR_LEADS: tuple[SectorLead, ...] = (SectorLead("zhkh", "ЖКХ", "otrasl_zhkh"),)
DEMO_USERS: dict[str, tuple[str, str, str]] = {  # username -> (role, first name, last name)
    "rukovoditel": (LEADERSHIP, "Руководитель", "ЦУР"),
    "analitik": (ANALYST, "Аналитик", "ЦУР"),
    **{lead.username: (lead.role, "Руководитель отрасли", lead.sector_name) for lead in SECTOR_LEADS},
}


def demo_password(username: str) -> str:
    return launcher._kept_secret(
        launcher.state_dir() / f"password_{username}", lambda: secrets.token_urlsafe(15)
    )


def _role_ids(client: SupersetClient) -> dict[str, int]:
    return {r["name"]: int(r["id"]) for r in client.list("security/roles")}


def _role_permissions(client: SupersetClient, role_id: int) -> list[dict[str, Any]]:
    return client.request("GET", f"/api/v1/security/roles/{role_id}/permissions/")["result"]


def _ensure_role(client: SupersetClient, roles: dict[str, int], name: str, pvm_ids: Iterable[int]) -> bool:
    """Create the role if missing and give it exactly ``pvm_ids``; True when something changed."""
    changed = False
    if name not in roles:
        roles[name] = int(client.request("POST", "/api/v1/security/roles/", json={"name": name})["id"])
        changed = True
    wanted = sorted(set(pvm_ids))
    current = sorted(p["id"] for p in _role_permissions(client, roles[name]))
    if current != wanted:
        path = f"/api/v1/security/roles/{roles[name]}/permissions"
        client.request("POST", path, json={"permission_view_menu_ids": wanted})
        changed = True
    return changed


def leadership_permissions(gamma: list[dict[str, Any]], alpha: list[dict[str, Any]]) -> set[int]:
    keep = {
        p["id"]
        for p in gamma
        if p["view_menu_name"] not in _NOT_FOR_LEADERSHIP_VIEWS
        and p["permission_name"] not in _NOT_FOR_LEADERSHIP_PERMS
    }
    # Chart data on the dashboards needs read access to the charts and the data itself.
    needed = {
        ("can_read", "Chart"),
        ("all_datasource_access", "all_datasource_access"),
    }
    keep |= {p["id"] for p in gamma + alpha if (p["permission_name"], p["view_menu_name"]) in needed}
    return keep


def _ensure_user(client: SupersetClient, role_ids: dict[str, int], username: str) -> bool:
    role, first, last = DEMO_USERS[username]
    password = demo_password(username)
    found = client.list("security/users", username=username)
    body = {"first_name": first, "last_name": last, "username": username, "email": f"{username}@cur.local",
            "active": True, "roles": [role_ids[role]]}  # fmt: skip
    if not found:
        client.request("POST", "/api/v1/security/users/", json={**body, "password": password})
        return True
    user = found[0]
    has_roles = sorted(r["id"] for r in user.get("roles", []))
    if has_roles != [role_ids[role]] or not _can_log_in(client.base_url, username, password):
        client.request("PUT", f"/api/v1/security/users/{user['id']}", json={**body, "password": password})
        return True
    return False


def _can_log_in(base_url: str, username: str, password: str) -> bool:
    try:
        SupersetClient(base_url).login(username, password)
    except PublishError:
        return False
    return True


def _ensure_rls(
    client: SupersetClient, name: str, clause: str, role_id: int, table_ids: list[int], description: str
) -> bool:
    body = {"name": name, "description": description, "filter_type": "Regular", "tables": sorted(table_ids),
            "roles": [role_id], "group_key": "sector", "clause": clause}  # fmt: skip
    found = client.list("rowlevelsecurity", name=name)
    if not found:
        client.request("POST", "/api/v1/rowlevelsecurity/", json=body)
        return True
    rule_id = found[0]["id"]
    current = client.request("GET", f"/api/v1/rowlevelsecurity/{rule_id}")["result"]
    same = (
        current.get("clause") == clause
        and sorted(t["id"] for t in current.get("tables", [])) == sorted(table_ids)
        and [r["id"] for r in current.get("roles", [])] == [role_id]
    )
    if not same:
        client.request("PUT", f"/api/v1/rowlevelsecurity/{rule_id}", json=body)
        return True
    return False


def ensure_roles(client: SupersetClient, datasets: Mapping[str, int]) -> dict[str, Any]:
    """Roles, demo users and RLS rules; returns what exists and what changed."""
    roles = _role_ids(client)
    gamma = _role_permissions(client, roles["Gamma"])
    alpha = _role_permissions(client, roles["Alpha"])
    sql_lab = _role_permissions(client, roles["sql_lab"])
    changed: list[str] = []
    leadership = leadership_permissions(gamma, alpha)
    if _ensure_role(client, roles, LEADERSHIP, leadership):
        changed.append(LEADERSHIP)
    if _ensure_role(client, roles, ANALYST, {p["id"] for p in alpha + sql_lab}):
        changed.append(ANALYST)
    sector_tables = [datasets[d.mart] for d in spec.DATASETS if d.sector_column and d.mart in datasets]
    # Region-wide totals are not a sector's data: a sector lead sees no rows of them.
    regional = [datasets[m] for m in ("kpi_appeals_headline",) if m in datasets]
    for lead in SECTOR_LEADS:
        if _ensure_role(client, roles, lead.role, leadership):
            changed.append(lead.role)
        if _ensure_rls(client, f"Отрасль {lead.sector_name}: только своя отрасль",
                       f"sector_code = '{lead.sector_code}'", roles[lead.role], sector_tables,
                       f"{lead.role} видит только строки отрасли {lead.sector_code}"):  # fmt: skip
            changed.append(f"rls {lead.sector_code}")
        if regional and _ensure_rls(client, f"Отрасль {lead.sector_name}: без итогов по региону", "1 = 0",
                                    roles[lead.role], regional,
                                    "Итоги по региону не относятся к одной отрасли"):  # fmt: skip
            changed.append(f"rls {lead.sector_code} regional")
    for username in DEMO_USERS:
        if _ensure_user(client, roles, username):
            changed.append(f"user {username}")
    return {"roles": [LEADERSHIP, ANALYST, *(lead.role for lead in SECTOR_LEADS)],
            "users": sorted(DEMO_USERS), "changed": changed}  # fmt: skip
