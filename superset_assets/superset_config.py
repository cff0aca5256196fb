"""Superset 6.1 configuration for the ЦУР warehouse, read entirely from the environment.

Superset loads this file through ``SUPERSET_CONFIG_PATH`` (the launcher sets it); every name defined
here overrides Superset's own default. Nothing secret lives in the repository:

* ``SUPERSET_SECRET_KEY`` — required; the launcher generates it once and keeps it in
  ``$CUR_STATE_DIR/superset/secret_key`` (mode 0600). It encrypts saved database passwords, so it must
  never change for a given metadata database.
* ``SUPERSET_METADATA_URI`` — Superset's own metadata database; default SQLite in
  ``$CUR_STATE_DIR/superset/superset.db`` (``CUR_STATE_DIR`` defaults to ``<repo>/.state``).
* ``SUPERSET_DEFAULT_LOCALE`` — interface language, ``ru`` unless told otherwise.
* ``SUPERSET_WTF_CSRF_ENABLED`` — CSRF protection (default on). API clients fetch a token from
  ``/api/v1/security/csrf_token/`` and send it back as ``X-CSRFToken`` together with the session cookie.

* Alerts & reports (``CUR_SUPERSET_REPORTS``, default on): Celery worker and beat on ``CUR_REDIS_URL``
  (the launcher starts both with the web server), screenshots by Debian's Chromium through Selenium
  (``chromedriver`` of the ``chromium-driver`` package), e-mail by ``CUR_SMTP_*`` (default a local sink
  on 127.0.0.1:2525, never a real mailbox), executed as the admin user. The launcher passes every one
  of these from :mod:`core.settings`.
* ``/cur/briefing/latest.pdf`` and ``/cur/briefing/latest.xlsx``: the newest weekly briefing pack of
  ``CUR_BRIEFING_DIR``, for logged-in users with the leadership or admin role (the leadership
  dashboard links to them).

Caches stay in-process (``SimpleCache``) or in the metadata database; Redis is only Celery's broker.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from celery.schedules import crontab
from flask import Blueprint, abort, send_file
from flask_login import current_user

_REPO_ROOT = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _state_dir() -> Path:
    if os.environ.get("SUPERSET_STATE_DIR"):
        return Path(os.environ["SUPERSET_STATE_DIR"])
    value = os.environ.get("CUR_STATE_DIR")
    path = Path(value) if value else _REPO_ROOT / ".state"
    if not path.is_absolute():
        path = _REPO_ROOT / path
    return path / "superset"


SUPERSET_STATE_DIR = _state_dir()

# --- secrets and the metadata database ------------------------------------------------------------
SECRET_KEY = os.environ.get("SUPERSET_SECRET_KEY", "")
if len(SECRET_KEY) < 32:
    raise RuntimeError(
        "SUPERSET_SECRET_KEY is unset or shorter than 32 characters; "
        "start Superset through `python -m superset_assets.launcher`, which generates and keeps one."
    )

SQLALCHEMY_DATABASE_URI = os.environ.get("SUPERSET_METADATA_URI") or (
    f"sqlite:///{SUPERSET_STATE_DIR / 'superset.db'}?check_same_thread=false"
)

# --- dashboards as code, native filters, templating ------------------------------------------------
# Native filters, versioned (zip/YAML) export/import and row-level security are always on in 6.1 and
# have no flag any more (DASHBOARD_NATIVE_FILTERS, VERSIONED_EXPORT, ROW_LEVEL_SECURITY are gone).
FEATURE_FLAGS = {
    # Dashboards carry their own roles: who may see a certified KPI dashboard.
    "DASHBOARD_RBAC": True,
    # Jinja in virtual datasets and SQL Lab ({{ filter_values(...) }}, {{ current_username() }}).
    "ENABLE_TEMPLATE_PROCESSING": True,
    "DRILL_TO_DETAIL": True,
    "DRILL_BY": True,
    "EMBEDDED_SUPERSET": False,
    # Scheduled e-mail reports of dashboards (Celery worker and beat, see below).
    "ALERT_REPORTS": _flag("CUR_SUPERSET_REPORTS", True),
    "THUMBNAILS": False,
    # Render every chart of a dashboard at once, not only those scrolled into view: screenshots and
    # the browser test see the whole dashboard.
    "DASHBOARD_VIRTUALIZATION": False,
}

# --- security ------------------------------------------------------------------------------------
WTF_CSRF_ENABLED = _flag("SUPERSET_WTF_CSRF_ENABLED", True)
WTF_CSRF_TIME_LIMIT = int(timedelta(hours=12).total_seconds())
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _flag("SUPERSET_SESSION_COOKIE_SECURE", False)
# Row-level security filters are built in (Settings → Row Level Security); applying them to SQL Lab
# as well is still experimental in 6.1, so it stays off.
RLS_IN_SQLLAB = False
PREVENT_UNSAFE_DB_CONNECTIONS = True
# Flask-Limiter (login rate limit): in-process storage, no Redis.
RATELIMIT_STORAGE_URI = "memory://"

# --- language ------------------------------------------------------------------------------------
BABEL_DEFAULT_LOCALE = os.environ.get("SUPERSET_DEFAULT_LOCALE", "ru")
LANGUAGES = {
    "ru": {"flag": "ru", "name": "Русский"},
    "en": {"flag": "us", "name": "English"},
}

# Russian number and date formats in charts (d3-format / d3-time-format locales): 8 764,5 and
# «12 марта 2026», not 8,764.5 and "March 12, 2026".
D3_FORMAT = {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0₽"]}
D3_TIME_FORMAT = {
    "dateTime": "%A, %e %B %Y г. %X",
    "date": "%d.%m.%Y",
    "time": "%H:%M:%S",
    "periods": ["", ""],
    "days": ["воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"],
    "shortDays": ["вс", "пн", "вт", "ср", "чт", "пт", "сб"],
    "months": [
        "января", "февраля", "марта", "апреля", "мая", "июня",
        "июля", "августа", "сентября", "октября", "ноября", "декабря",
    ],
    "shortMonths": ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"],
}  # fmt: skip
CURRENCIES = ["RUB", "USD", "EUR", "CNY"]
# Downloads of chart data open as they should in a Russian Excel: «;» between fields, decimal comma,
# UTF-8 with a byte-order mark (Cyrillic intact).
CSV_EXPORT = {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"}

# --- caches: no Redis -----------------------------------------------------------------------------
CACHE_DEFAULT_TIMEOUT = int(timedelta(hours=1).total_seconds())
CACHE_CONFIG = {
    "CACHE_TYPE": "SimpleCache",
    "CACHE_KEY_PREFIX": "superset_",
    "CACHE_DEFAULT_TIMEOUT": CACHE_DEFAULT_TIMEOUT,
}
DATA_CACHE_CONFIG = {
    "CACHE_TYPE": "SimpleCache",
    "CACHE_KEY_PREFIX": "superset_data_",
    "CACHE_DEFAULT_TIMEOUT": CACHE_DEFAULT_TIMEOUT,
}
# FILTER_STATE_CACHE_CONFIG and EXPLORE_FORM_DATA_CACHE_CONFIG keep Superset's default, the
# metadata-database cache, which already needs no Redis.

# --- web server ---------------------------------------------------------------------------------
SUPERSET_WEBSERVER_TIMEOUT = int(os.environ.get("SUPERSET_WEBSERVER_TIMEOUT", "120"))
ROW_LIMIT = 50000
APP_NAME = os.environ.get("SUPERSET_APP_NAME", "ЦУР — аналитика")

# --- alerts & reports: Celery on Redis, Chromium screenshots, SMTP ------------------------------------
REDIS_URL = os.environ.get("CUR_REDIS_URL") or "redis://127.0.0.1:6379/0"
# Every Superset of this machine may share one Redis database: each state folder gets its own queue,
# so a worker never runs another Superset's reports against the wrong metadata.
_QUEUE = "cur_superset_" + hashlib.sha256(str(SUPERSET_STATE_DIR).encode()).hexdigest()[:12]


CELERY_BEAT_SCHEDULER_EXPIRES = timedelta(weeks=1)


class CeleryConfig:
    broker_url = REDIS_URL
    result_backend = REDIS_URL
    imports = (
        "superset.sql_lab",
        "superset.tasks.scheduler",
        "superset.tasks.thumbnails",
        "superset.tasks.cache",
    )
    task_default_queue = _QUEUE
    worker_prefetch_multiplier = 1
    task_acks_late = False
    broker_connection_retry_on_startup = True
    beat_schedule: ClassVar[dict[str, Any]] = {
        # Superset's own scheduler: every minute it sends the reports whose crontab is due.
        "reports.scheduler": {
            "task": "reports.scheduler",
            "schedule": crontab(minute="*", hour="*"),
            # Superset's scheduler takes "now" as this task's expiry minus CELERY_BEAT_SCHEDULER_EXPIRES.
            "options": {"expires": int(CELERY_BEAT_SCHEDULER_EXPIRES.total_seconds())},
        },
        "reports.prune_log": {"task": "reports.prune_log", "schedule": crontab(minute=0, hour=0)},
    }


CELERY_CONFIG = CeleryConfig


def _report_time_from_celery(app: Any) -> None:
    """Celery hands the report task its ETA as an ISO string; Superset 6.1 stores it as is, which
    PostgreSQL casts but SQLite (our default metadata database) refuses ("SQLite DateTime type only
    accepts Python datetime"): every report failed. Parse it into a naive UTC datetime first."""
    from datetime import UTC, datetime

    from superset.commands.report import execute as report_execute

    command = report_execute.AsyncExecuteReportScheduleCommand
    original = command.__init__
    if getattr(original, "_cur_parses_eta", False):
        return

    def __init__(self: Any, task_id: str, model_id: int, scheduled_dttm: Any) -> None:
        if isinstance(scheduled_dttm, str):
            parsed = datetime.fromisoformat(scheduled_dttm)
            if parsed.tzinfo is not None:
                parsed = parsed.astimezone(UTC).replace(tzinfo=None)
            scheduled_dttm = parsed
        original(self, task_id, model_id, scheduled_dttm)

    __init__._cur_parses_eta = True  # type: ignore[attr-defined]
    command.__init__ = __init__  # type: ignore[method-assign]


FLASK_APP_MUTATOR = _report_time_from_celery

# Reports run as the admin user (it can see every dashboard), whoever created them.
from superset.tasks.types import FixedExecutor  # noqa: E402

ALERT_REPORTS_EXECUTORS = [FixedExecutor(os.environ.get("SUPERSET_ADMIN_USER") or "admin")]
ALERT_REPORTS_NOTIFICATION_DRY_RUN = False
EMAIL_REPORTS_SUBJECT_PREFIX = "[ЦУР]"
EMAIL_REPORTS_CTA = "Открыть в Superset"

_HOST = os.environ.get("SUPERSET_HOST") or "127.0.0.1"
_PORT = os.environ.get("SUPERSET_PORT") or "8088"
WEBDRIVER_BASEURL = f"http://{_HOST}:{_PORT}/"
WEBDRIVER_BASEURL_USER_FRIENDLY = os.environ.get("SUPERSET_PUBLIC_URL") or WEBDRIVER_BASEURL
# Debian's chromium and chromium-driver; no browser download.
WEBDRIVER_TYPE = "chrome"
WEBDRIVER_OPTION_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
]  # fmt: skip
WEBDRIVER_CONFIGURATION = {
    "options": {"capabilities": {}, "preferences": {}},
    "service": {
        "executable_path": os.environ.get("CUR_CHROMEDRIVER") or "/usr/bin/chromedriver",
        "log_output": os.devnull,
        "service_args": [],
        "port": 0,
        "env": {},
    },
}
# Tall enough for the whole leadership dashboard (about 5 000 px at 1 600 wide) in one screenshot.
WEBDRIVER_WINDOW = {"dashboard": (1600, 5600), "slice": (1600, 1200), "pixel_density": 1}
SCREENSHOT_LOCATE_WAIT = 60
SCREENSHOT_LOAD_WAIT = 120

SMTP_HOST = os.environ.get("CUR_SMTP_HOST") or "127.0.0.1"
SMTP_PORT = int(os.environ.get("CUR_SMTP_PORT") or "2525")
SMTP_STARTTLS = _flag("CUR_SMTP_STARTTLS", False)
SMTP_SSL = _flag("CUR_SMTP_SSL", False)
SMTP_USER = os.environ.get("CUR_SMTP_USER") or None
SMTP_PASSWORD = os.environ.get("CUR_SMTP_PASSWORD") or None
SMTP_MAIL_FROM = os.environ.get("CUR_SMTP_MAIL_FROM") or "superset@cur.localhost"

# --- the weekly briefing pack, served to leadership -------------------------------------------------
BRIEFING_DIR = Path(os.environ.get("CUR_BRIEFING_DIR") or SUPERSET_STATE_DIR.parent / "briefing")
BRIEFING_ROLES = {"Admin", "Руководство"}
_WEEK = re.compile(r"^\d{4}-W\d{2}$")

briefing_blueprint = Blueprint("cur_briefing", __name__, url_prefix="/cur/briefing")


@briefing_blueprint.route("/latest.<any(pdf, xlsx):kind>")
def latest_briefing(kind: str):  # type: ignore[no-untyped-def]
    """The region's pack of the newest week (``2026-W08/2026-W08_region.pdf``) as a download."""
    user = current_user
    if not getattr(user, "is_authenticated", False):
        abort(401)
    if not BRIEFING_ROLES & {role.name for role in getattr(user, "roles", [])}:
        abort(403)
    weeks = (
        sorted(p for p in BRIEFING_DIR.iterdir() if p.is_dir() and _WEEK.match(p.name))
        if (BRIEFING_DIR.is_dir())
        else []
    )
    for week in reversed(weeks):
        document = week / f"{week.name}_region.{kind}"
        if document.is_file():
            return send_file(document, as_attachment=True, download_name=document.name)
    abort(404)


BLUEPRINTS = [briefing_blueprint]
