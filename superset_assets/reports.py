"""The weekly e-mail report of the leadership dashboard, as code, through Superset's REST API.

    from superset_assets.reports import ensure_weekly_report
    outcome = ensure_weekly_report(client)   # "created", "updated" or "unchanged"

One report schedule (``/api/v1/report/``), found by its name: a screenshot (PNG) of the dashboard
``leadership_overview`` sent by Superset's Celery worker to ``CUR_REPORT_EMAIL`` on
``CUR_REPORT_CRONTAB`` (default Monday 07:00) in ``CUR_REPORT_TIMEZONE`` (default the region's,
``core.settings.DEFAULT_TIMEZONE``). Created when missing, corrected when it differs, left alone otherwise, so
``cur superset deploy`` can run it every time. Needs the ``ALERT_REPORTS`` feature flag
(``CUR_SUPERSET_REPORTS``, :mod:`superset_assets.superset_config`).
"""

from __future__ import annotations

import json
from typing import Any

from core.settings import get_settings
from superset_assets import spec
from superset_assets.publish import PublishError, SupersetClient

REPORT_NAME = "Еженедельный обзор для руководства"
REPORT_DASHBOARD = spec.LEADERSHIP.slug
REPORT_FORMAT = "PNG"


def report_body(dashboard_id: int, email: str, crontab: str, timezone: str) -> dict[str, Any]:
    """What ``POST``/``PUT /api/v1/report/`` gets for the weekly report."""
    return {
        "type": "Report",
        "name": REPORT_NAME,
        "description": f"Снимок дашборда «{spec.LEADERSHIP.title}» каждую неделю на {email}",
        "crontab": crontab,
        "timezone": timezone,
        "dashboard": dashboard_id,
        "report_format": REPORT_FORMAT,
        "active": True,
        "creation_method": "alerts_reports",
        "recipients": [{"type": "Email", "recipient_config_json": {"target": email}}],
        "working_timeout": 600,
        "log_retention": 90,
    }


def _dashboard_id(client: SupersetClient, slug: str) -> int:
    found = [d for d in client.list("dashboard") if d.get("slug") == slug]
    if not found:
        raise PublishError(f"dashboard {slug!r} not found; publish the bundle first")
    return int(found[0]["id"])


def _differs(current: dict[str, Any], wanted: dict[str, Any]) -> bool:
    targets = sorted(
        json.loads(r.get("recipient_config_json") or "{}").get("target", "")
        for r in current.get("recipients") or []
    )
    return (
        any(current.get(k) != wanted[k] for k in ("crontab", "timezone", "report_format", "active", "type"))
        or (current.get("dashboard") or {}).get("id") != wanted["dashboard"]
        or targets != [wanted["recipients"][0]["recipient_config_json"]["target"]]
    )


def ensure_weekly_report(
    client: SupersetClient,
    *,
    email: str | None = None,
    crontab: str | None = None,
    timezone: str | None = None,
) -> str:
    """Make the weekly report exist as configured; return "created", "updated" or "unchanged"."""
    settings = get_settings()
    wanted = report_body(
        _dashboard_id(client, REPORT_DASHBOARD),
        email or settings.report_email,
        crontab or settings.report_crontab,
        timezone or settings.report_timezone,
    )
    found = client.list("report", name=REPORT_NAME)
    if not found:
        client.request("POST", "/api/v1/report/", json=wanted)
        return "created"
    report_id = int(found[0]["id"])
    current = client.request("GET", f"/api/v1/report/{report_id}")["result"]
    if not _differs(current, wanted):
        return "unchanged"
    client.request("PUT", f"/api/v1/report/{report_id}", json=wanted)
    return "updated"
