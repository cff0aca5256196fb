"""Publish the dashboards to a running Superset over its REST API (HTTP only, no Superset import).

    from superset_assets.publish import publish
    summary = publish(dsn_for_superset, "http://127.0.0.1:8088", "admin", password, certification)

1. Zips ``superset_assets/bundle/`` under one top folder (metadata type ``assets``), with the
   database URI rewritten to the host, port and database of ``dsn_for_superset`` (password masked)
   and each dataset's ``extra.certification`` from ``certification`` (mart -> status), and posts it
   once to Superset's own bundle import, ``POST /api/v1/assets/import/``, the password in the
   ``passwords`` field. That import overwrites every object it carries (database, datasets, charts,
   dashboards) in one transaction, matched by uuid: a re-import updates in place, no duplicates.
2. By hand, only the certification: checks each dataset's ``extra.certification`` and corrects it
   where it differs (certified by "Great Expectations" while the latest validation passed, absent
   when it failed or the mart has no record; after the import nothing should differ).
3. Applies the roles, demo users and row-level security declared in :mod:`superset_assets.roles`.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import requests
import yaml

from superset_assets import build, spec

CERTIFIED_BY = "Great Expectations"
ZIP_ROOT = "cur_dwh_dashboards"


class PublishError(RuntimeError):
    """Superset refused a request; the message has the status and Superset's answer.

    ``status`` is the HTTP status; ``reason_in_log`` is true when Superset answered with an HTML
    error page, i.e. the reason is only in its web server log.
    """

    def __init__(self, message: str, status: int | None = None, reason_in_log: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.reason_in_log = reason_in_log


class CertificationLike(Protocol):
    """What :func:`publish` reads of ``expectations.certification.CertificationStatus``."""

    mart: str
    suite: str
    is_certified: bool
    validated_at: datetime
    failed_expectations: Sequence[str] | str | None
    data_as_of: datetime | None


@dataclass
class PublishSummary:
    base_url: str
    counts: dict[str, int]
    dashboards: dict[str, str]  # slug -> URL
    certified: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    unvalidated: list[str] = field(default_factory=list)  # no validation record (no suite)
    datasets_changed: list[str] = field(default_factory=list)
    roles: dict[str, Any] = field(default_factory=dict)
    report: str | None = None  # the weekly report schedule: created, updated, unchanged (deploy only)

    def lines(self) -> list[str]:
        out = [
            f"Superset: {self.base_url}",
            "objects: " + ", ".join(f"{k} {v}" for k, v in self.counts.items()),
            f"certified datasets: {', '.join(self.certified) or '-'}",
            f"not certified: {', '.join(self.withdrawn) or '-'}",
            f"not validated (no suite): {', '.join(self.unvalidated) or '-'}",
        ]
        out += [f"  {slug}: {url}" for slug, url in self.dashboards.items()]
        if self.report is not None:
            out.append(f"weekly report: {self.report}")
        return out


# --- HTTP client ---------------------------------------------------------------------------------


class SupersetClient:
    """A logged-in session: JWT bearer token, CSRF token and the session cookie that goes with it.

    ``session`` carries the transport: tests mount a replaying adapter on it (no Superset needed).
    """

    def __init__(
        self, base_url: str, timeout: float = 120.0, session: requests.Session | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout

    def fresh(self) -> SupersetClient:
        """A client on the same transport with no login, headers or cookies (to log in as someone else)."""
        session = requests.Session()
        for prefix, adapter in self.session.adapters.items():
            session.mount(prefix, adapter)
        return SupersetClient(self.base_url, self.timeout, session)

    def login(self, username: str, password: str) -> SupersetClient:
        payload = self.request(
            "POST",
            "/api/v1/security/login",
            json={"username": username, "password": password, "provider": "db", "refresh": True},
        )
        self.session.headers["Authorization"] = f"Bearer {payload['access_token']}"
        self.session.headers["Referer"] = self.base_url + "/"
        token = self.request("GET", "/api/v1/security/csrf_token/")["result"]
        self.session.headers["X-CSRFToken"] = token
        return self

    def request(self, method: str, path: str, ok: tuple[int, ...] = (200, 201), **kwargs: Any) -> Any:
        response = self.session.request(
            method, self.base_url + path, timeout=self.timeout, allow_redirects=False, **kwargs
        )
        if response.status_code not in ok:
            is_json = "json" in response.headers.get("Content-Type", "")
            raise PublishError(
                f"{method} {path}: HTTP {response.status_code} {_reason(response)}",
                response.status_code,
                reason_in_log=not is_json,
            )
        return response.json() if response.content else None

    def list(self, resource: str, **rison_filters: str) -> list[dict[str, Any]]:
        """Every object of ``/api/v1/<resource>/`` (all pages), optionally filtered by equality."""
        filters = ",".join(f"(col:{col},opr:eq,value:'{val}')" for col, val in rison_filters.items())
        found: list[dict[str, Any]] = []
        page = 0
        while True:
            query = f"(page:{page},page_size:100" + (f",filters:!({filters})" if filters else "") + ")"
            payload = self.request("GET", f"/api/v1/{resource}/", params={"q": query})
            found.extend(payload["result"])
            if len(found) >= payload["count"] or not payload["result"]:
                return found
            page += 1

    def counts(self) -> dict[str, int]:
        counts = {}
        for name in ("database", "dataset", "chart", "dashboard"):
            counts[name] = self.request("GET", f"/api/v1/{name}/", params={"q": "(page_size:1)"})["count"]
        return counts


def _reason(response: requests.Response) -> str:
    """Superset's answer to a refused request: its JSON, or the title of an HTML error page."""
    if "json" in response.headers.get("Content-Type", ""):
        return response.text[:800]
    title = re.search(r"<title>(.*?)</title>", response.text, re.S | re.I)
    return f"«{title.group(1).strip() if title else response.text[:200]}»"


# --- the bundle ----------------------------------------------------------------------------------


def superset_uri(dsn: str) -> tuple[str, str]:
    """``postgresql://user:pw@host:port/db`` -> (Superset URI with the masked password, the password)."""
    parts = urlsplit(dsn)
    if parts.scheme not in {"postgresql", "postgres", "postgresql+psycopg2"}:
        raise ValueError(f"not a PostgreSQL DSN: {parts.scheme}://…")
    user = unquote(parts.username or "")
    password = unquote(parts.password or "")
    host = parts.hostname or "127.0.0.1"
    port = f":{parts.port}" if parts.port else ""
    mask = f":{build.PASSWORD_MASK}" if password else ""
    return f"postgresql+psycopg2://{user}{mask}@{host}{port}{parts.path}", password


ASSETS_METADATA = {"version": "1.0.0", "type": "assets"}


def bundle_zip(
    dsn_for_superset: str,
    certification: Mapping[str, CertificationLike] | None = None,
    bundle_dir: Path = build.BUNDLE_DIR,
) -> tuple[bytes, dict[str, str]]:
    """The bundle as a zip for ``/api/v1/assets/import/`` (one top folder, metadata type ``assets``)
    and the ``passwords`` form field for it.

    The database URI gets the host, port and database of ``dsn_for_superset`` (password masked);
    each dataset gets its ``extra.certification`` from ``certification``.
    """
    uri, password = superset_uri(dsn_for_superset)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(bundle_dir.rglob("*.yaml")):
            relative = path.relative_to(bundle_dir).as_posix()
            text = path.read_text(encoding="utf-8")
            data = None
            if relative == "metadata.yaml":
                data = {**yaml.safe_load(text), **ASSETS_METADATA}
            elif relative.startswith("databases/"):
                data = {**yaml.safe_load(text), "sqlalchemy_uri": uri}
            elif relative.startswith("datasets/"):
                data = yaml.safe_load(text)
                wanted = certification_of((certification or {}).get(data["table_name"]))
                data["extra"] = {**(data.get("extra") or {}), **({"certification": wanted} if wanted else {})}
            if data is not None:
                text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
            archive.writestr(f"{ZIP_ROOT}/{relative}", text)
    passwords = {build.DATABASE_FILE: password} if password else {}
    return buffer.getvalue(), passwords


def import_bundle(
    client: SupersetClient,
    dsn_for_superset: str,
    certification: Mapping[str, CertificationLike] | None = None,
) -> None:
    """Import the whole bundle through Superset's own bundle import, overwriting by uuid."""
    content, passwords = bundle_zip(dsn_for_superset, certification)
    try:
        client.request(
            "POST",
            "/api/v1/assets/import/",
            # The assets import always overwrites; Superset 6.1 ignores this field, sent to state the intent.
            data={"overwrite": "true", "passwords": json.dumps(passwords)},
            files={"bundle": ("bundle.zip", content, "application/zip")},
        )
    except PublishError as error:
        if not error.reason_in_log:
            raise
        # Superset 6.1 turns every refusal of the bundle (e.g. a new database without its password)
        # into HTTP 500 with an HTML page; the reason is logged by the web server.
        raise PublishError(
            f"{error}; the reason is in webserver.log in Superset's state folder (launcher.state_dir()); "
            "a database new to Superset needs the password in the DSN",
            error.status,
            reason_in_log=True,
        ) from error


def database_id(client: SupersetClient) -> int:
    found = client.list("database", database_name=build.DATABASE_NAME)
    if not found:
        raise PublishError(f"database {build.DATABASE_NAME!r} not found after the import")
    return int(found[0]["id"])


def bundle_datasets(client: SupersetClient) -> dict[str, int]:
    """mart -> dataset id of the bundle's datasets (schema marts of the bundle's database)."""
    db_id = database_id(client)
    ids = {}
    for item in client.list("dataset", schema="marts"):
        if item.get("database", {}).get("id") == db_id and item["table_name"] in spec.DATASET_BY_MART:
            ids[item["table_name"]] = int(item["id"])
    return ids


# --- certification -------------------------------------------------------------------------------


def certification_of(status: CertificationLike | None) -> dict[str, str] | None:
    """The dataset's ``extra.certification`` for a status: None when not certified."""
    if status is None or not status.is_certified:
        return None
    when = status.validated_at.astimezone().strftime("%d.%m.%Y %H:%M %Z").strip()
    details = f"Набор проверок «{status.suite}» пройден {when}"
    if status.data_as_of is not None:
        details += f"; данные на {status.data_as_of:%d.%m.%Y}"
    return {"certified_by": CERTIFIED_BY, "details": details}


def sync_certification(
    client: SupersetClient,
    datasets: Mapping[str, int],
    certification: Mapping[str, CertificationLike] | None,
) -> tuple[list[str], list[str], list[str]]:
    """Set or remove ``extra.certification`` per dataset; return (certified, withdrawn, changed)."""
    certified, withdrawn, changed = [], [], []
    for mart, dataset_id in sorted(datasets.items()):
        wanted = certification_of((certification or {}).get(mart))
        current = client.request("GET", f"/api/v1/dataset/{dataset_id}")["result"]
        extra = json.loads(current.get("extra") or "{}") or {}
        (certified if wanted else withdrawn).append(mart)
        if extra.get("certification") == wanted or (wanted is None and "certification" not in extra):
            continue
        if wanted is None:
            extra.pop("certification", None)
        else:
            extra["certification"] = wanted
        client.request("PUT", f"/api/v1/dataset/{dataset_id}", json={"extra": json.dumps(extra)})
        changed.append(mart)
    return certified, withdrawn, changed


# --- the whole step ------------------------------------------------------------------------------


def export_dashboards(client: SupersetClient) -> dict[str, str]:
    """Superset's own export of the bundle's dashboards (with their charts, datasets, database):
    path inside the zip (without the top folder) -> text; ``metadata.yaml`` (a timestamp) left out."""
    slugs = {board.slug for board in spec.DASHBOARDS}
    ids = ",".join(str(d["id"]) for d in client.list("dashboard") if d.get("slug") in slugs)
    response = client.session.get(
        f"{client.base_url}/api/v1/dashboard/export/", params={"q": f"!({ids})"}, timeout=client.timeout
    )
    if response.status_code != 200:
        raise PublishError(f"export: HTTP {response.status_code} {response.text[:300]}")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {
            name.split("/", 1)[1]: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if not name.endswith("metadata.yaml")
        }


def dashboard_urls(client: SupersetClient) -> dict[str, str]:
    slugs = {board.slug for board in spec.DASHBOARDS}
    return {
        d["slug"]: f"{client.base_url}/superset/dashboard/{d['slug']}/"
        for d in client.list("dashboard")
        if d.get("slug") in slugs
    }


def publish(
    dsn_for_superset: str,
    base_url: str,
    admin_user: str,
    admin_password: str,
    certification: Mapping[str, CertificationLike] | None,
    *,
    with_roles: bool = True,
    session: requests.Session | None = None,
) -> PublishSummary:
    """Import the bundle idempotently, sync certification from ``certification``, apply the roles.

    ``session``: the HTTP session to use (a test mounts a replaying transport on it)."""
    client = SupersetClient(base_url, session=session).login(admin_user, admin_password)
    import_bundle(client, dsn_for_superset, certification)
    datasets = bundle_datasets(client)
    missing = sorted(set(spec.DATASET_BY_MART) - set(datasets))
    if missing:
        raise PublishError(f"datasets missing after the import: {', '.join(missing)}")
    certified, withdrawn, changed = sync_certification(client, datasets, certification)
    unvalidated = [m for m in withdrawn if m not in (certification or {})]
    withdrawn = [m for m in withdrawn if m not in unvalidated]
    roles: dict[str, Any] = {}
    if with_roles:
        from superset_assets import roles as roles_module

        roles = roles_module.apply_roles(client, datasets)
    return PublishSummary(
        base_url=client.base_url,
        counts=client.counts(),
        dashboards=dashboard_urls(client),
        certified=certified,
        withdrawn=withdrawn,
        unvalidated=unvalidated,
        datasets_changed=changed,
        roles=roles,
    )
