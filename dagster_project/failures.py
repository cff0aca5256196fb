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


def retry_settings() -> tuple[int, float]:
    """How often a transient failure is retried and how far apart: ``CUR_RETRY_MAX`` (3),
    ``CUR_RETRY_WAIT_SECONDS`` (10)."""
    settings = get_settings()
    return settings.retry_max, settings.retry_wait_seconds


def is_transient(messages: Iterable[str | None]) -> bool:
    """True when at least one message is given and every one of them is a transient error."""
    found = [m for m in messages if m]
    return bool(found) and all(_TRANSIENT.search(m) for m in found)


def retry_if_transient(
    messages: Iterable[str | None], cause: Exception | None = None, *, attempt: int = 0
) -> None:
    """Ask Dagster for another try when the failure was transient; after the last try, fail clearly.

    ``attempt`` is the step's ``context.retry_number`` (0 on the first try).
    """
    found = [m for m in messages if m]
    if not is_transient(found):
        return
    max_retries, wait = retry_settings()
    if attempt >= max_retries:
        raise dg.Failure(
            description=(
                f"The warehouse server could not be reached or went away ({attempt + 1} tries, "
                f"CUR_RETRY_MAX={max_retries}): {found[0].strip()}. Check that it runs "
                "(`cur warehouse status`) and run again: the interrupted work was rolled back "
                "(each file loads, and each dbt model is written, in one transaction)."
            ),
            metadata={"last_error": dg.MetadataValue.text("\n".join(found)[:4000])},
        ) from cause
    raise dg.RetryRequested(max_retries=max_retries, seconds_to_wait=wait) from cause


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
