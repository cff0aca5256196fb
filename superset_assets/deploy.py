"""One call for the pipeline: start Superset if needed, import the dashboards, sync certification.

    from superset_assets.deploy import deploy
    summary = deploy(warehouse_dsn)          # warehouse_dsn: a role that owns the marts
    print("\\n".join(summary.lines()))

or ``cur superset deploy`` (the warehouse from ``CUR_WAREHOUSE_DSN`` or the embedded one).

Steps: the read-only role ``cur_superset_ro`` (:mod:`superset_assets.db_role`); the Superset web
server (:mod:`superset_assets.launcher`: installs and initialises on first use, no-op when it is
already running); the certification record (``expectations.certification.current_certification``
unless given); then :func:`superset_assets.publish.publish` (bundle, certification, roles); then,
with alerts & reports on (``CUR_SUPERSET_REPORTS``), the weekly e-mail report of the leadership
dashboard (:func:`superset_assets.reports.ensure_weekly_report`).
"""

from __future__ import annotations

from collections.abc import Mapping

from core.settings import get_settings
from superset_assets import db_role, launcher
from superset_assets.publish import CertificationLike, PublishSummary, SupersetClient, publish
from superset_assets.reports import ensure_weekly_report


def deploy(
    warehouse_dsn: str,
    certification: Mapping[str, CertificationLike] | None = None,
    *,
    start: bool = True,
) -> PublishSummary:
    """Make Superset show the current bundle on the warehouse of ``warehouse_dsn``; idempotent."""
    ro_dsn = db_role.ensure_readonly_role(warehouse_dsn)
    if start:
        launcher.start()
    if certification is None:
        from expectations.certification import current_certification

        certification = current_certification(warehouse_dsn)
    summary = publish(
        ro_dsn, launcher.base_url(), launcher.admin_user(), launcher.admin_password(), certification
    )
    if get_settings().superset_reports:
        client = SupersetClient(launcher.base_url()).login(launcher.admin_user(), launcher.admin_password())
        summary.report = ensure_weekly_report(client)
    return summary
