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

No Redis and no Celery: caches are in-process (``SimpleCache``) or in the metadata database.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

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
    "ALERT_REPORTS": False,
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
