"""Data Docs: built once per validation run, over a bounded history of results.

GX's ``UpdateDataDocsAction`` rebuilds the site once per validated suite, and every rebuild of the
index reads every validation result ever stored: a run of 43 suites read the whole store 43 times,
and the store grows by 43 results a day. Measured on a 100,000-appeal warehouse after three runs:
80 of 137 s of ``certify`` went to Data Docs. Here the site is built once after the checkpoint (the
run's pages, its suites' pages and the index), and results older than ``CUR_GX_RESULTS_KEEP_DAYS``
are removed first with their pages, so the cost of a run stays flat as the months pass. The
certification record in the warehouse (``quality.certifications``) keeps the whole history.

Layout (GX's tuple stores): ``<results>/<schema>/<table>/<run name>/<run time>/<batch>.json`` and
``<docs>/validations/<schema>/<table>/<run name>/<run time>/<batch>.html``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

RUN_TIME_FORMAT = "%Y%m%dT%H%M%S.%fZ"


def _run_time(folder: Path) -> datetime | None:
    try:
        return datetime.strptime(folder.name, RUN_TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _old_runs(root: Path, cutoff: datetime) -> Iterable[Path]:
    """Run-time folders (``<schema>/<table>/<run name>/<run time>``) under ``root`` older than cutoff."""
    for folder in root.glob("*/*/*/*"):
        when = _run_time(folder)
        if folder.is_dir() and when is not None and when < cutoff:
            yield folder


def _remove_empty_parents(folder: Path, root: Path) -> None:
    parent = folder.parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def prune_results(results_dir: Path, docs_dir: Path, keep_days: int, now: datetime | None = None) -> int:
    """Remove the validation results older than ``keep_days`` and their Data Docs pages; return how
    many results (run folders of one suite) were removed."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    removed = 0
    for root in (results_dir, docs_dir / "validations"):
        if not root.is_dir():
            continue
        for folder in list(_old_runs(root, cutoff)):
            shutil.rmtree(folder)
            _remove_empty_parents(folder, root)
            removed += root == results_dir
    return removed


def build_run_docs(context: Any, site_name: str, outcome: Any) -> None:
    """Build the Data Docs of one checkpoint run: its validation pages, its suites' pages and the
    index, once (``outcome``: the ``CheckpointResult``)."""
    identifiers: list[Any] = list(outcome.run_results)
    identifiers += [ExpectationSuiteIdentifier(name=r.suite_name) for r in outcome.run_results.values()]
    context.build_data_docs(site_names=[site_name], resource_identifiers=identifiers, build_index=True)
