"""Transient failures are retried; every other failure is reported clearly and not retried.

A dropped connection or a server restart is worth another try; a failing data test, a bad file or a
SQL error is not (retrying would only repeat it, and hide the real message behind a second run).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import dagster as dg

from core.settings import get_settings

# Messages of psycopg / PostgreSQL / dbt-postgres that mean "the server could not be reached or
# went away", not "the data or the SQL is wrong".
_TRANSIENT = re.compile(
    r"could not connect|connection refused|connection timed out|server closed the connection"
    r"|terminating connection due to administrator command|the database system is (starting up|shutting down)"
    r"|could not receive data from server|connection to server .* failed|SSL SYSCALL error|deadlock detected",
    re.IGNORECASE,
)

MAX_RETRIES = 3
RETRY_WAIT_SECONDS = 10


def is_transient(messages: Iterable[str | None]) -> bool:
    """True when at least one message is given and every one of them is a transient error."""
    found = [m for m in messages if m]
    return bool(found) and all(_TRANSIENT.search(m) for m in found)


def retry_if_transient(messages: Iterable[str | None], cause: Exception | None = None) -> None:
    """Ask Dagster for another try (up to ``MAX_RETRIES``) when the failure was transient."""
    if is_transient(messages):
        raise dg.RetryRequested(max_retries=MAX_RETRIES, seconds_to_wait=RETRY_WAIT_SECONDS) from cause


@dg.run_failure_sensor(
    name="run_failure_report",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Writes a one-line report of every failed run to $CUR_STATE_DIR/run_failures.log.",
)
def run_failure_report(context: dg.RunFailureSensorContext) -> None:
    """Report a failed run in one place: which job, which steps, and the first error of each."""
    steps = []
    for event in context.get_step_failure_events():
        error = event.step_failure_data.error
        steps.append(f"{event.step_key}: {(error.message if error else '?').strip()}")
    line = f"run {context.dagster_run.run_id} of job {context.dagster_run.job_name} failed: " + (
        "; ".join(steps) or context.failure_event.message or "no step failed (run-level error)"
    )
    context.log.error(line)
    log = Path(get_settings().state_dir) / "run_failures.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as out:
        out.write(line.replace("\n", " ") + "\n")
