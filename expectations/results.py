"""Structured results of a validation run: what a ``certification`` record needs, without GX objects."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

# What a suite's row checks read when nothing narrows them (expectations.increments)
EVERY_ROW = "every row"
_OBSERVED_KEYS = ("observed_value", "unexpected_count", "partial_unexpected_list", "details")
_MAX_OBSERVED = 300


@dataclass(frozen=True)
class FailedCheck:
    """A failed expectation: the check's name (see ``expectations.spec``) and what was observed."""

    name: str
    expectation_type: str
    severity: str
    column: str | None = None
    observed: str = ""

    def describe(self) -> str:
        where = f" [{self.column}]" if self.column else ""
        return f"{self.name}{where}: {self.observed}" if self.observed else f"{self.name}{where}"


@dataclass(frozen=True)
class SuiteResult:
    """The outcome of one suite on one run.

    ``success`` is False when a ``critical`` check failed (or the table could not be validated);
    failed ``warning`` checks are listed in ``failures`` but do not fail the suite. ``seconds`` is the
    wall time of the checkpoint run that produced it (all selected suites run in one checkpoint).
    """

    suite: str
    success: bool
    evaluated: int
    failed: int
    failures: tuple[FailedCheck, ...]
    run_time: datetime
    seconds: float = 0.0
    error: str | None = None
    checks: tuple[str, ...] = field(default=(), repr=False)
    scope: str = EVERY_ROW  # what the row checks read (expectations.increments)

    @property
    def failed_names(self) -> set[str]:
        return {f.name for f in self.failures}

    @property
    def critical_failures(self) -> tuple[FailedCheck, ...]:
        return tuple(f for f in self.failures if f.severity == "critical")

    def as_record(self) -> dict[str, Any]:
        """A JSON-ready dict (for a certification row or a log line)."""
        record = asdict(self)
        record["run_time"] = self.run_time.isoformat()
        record.pop("checks")
        return record


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _MAX_OBSERVED else text[: _MAX_OBSERVED - 1] + "…"


def _exception_message(info: Any) -> str | None:
    """The error of a result's ``exception_info``: flat, or keyed by metric (SQL metric failures)."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "exception")
    for value in info.values():
        message = _exception_message(value)
        if message:
            return message
    return None


def failed_check(result: Any) -> FailedCheck:
    """A :class:`FailedCheck` from a GX ``ExpectationValidationResult``."""
    config = result.expectation_config
    meta = config.meta or {}
    kwargs = config.kwargs or {}
    error = _exception_message(result.exception_info)
    if error:
        observed = f"error: {_short(error)}"
    else:
        got = {k: v for k, v in (result.result or {}).items() if k in _OBSERVED_KEYS and v not in (None, [])}
        observed = _short(got) if got else ""
    severity = getattr(config, "severity", None) or "critical"
    return FailedCheck(
        name=str(meta.get("check") or config.description or config.type),
        expectation_type=config.type,
        severity=str(getattr(severity, "value", severity)),
        column=kwargs.get("column")
        or (", ".join(kwargs["column_list"]) if "column_list" in kwargs else None),
        observed=observed,
    )


def suite_result(
    suite: str, gx_result: Any, run_time: datetime, seconds: float, checks: tuple[str, ...] = ()
) -> SuiteResult:
    """A :class:`SuiteResult` from a GX ``ExpectationSuiteValidationResult``."""
    failures = tuple(failed_check(r) for r in gx_result.results if not r.success)
    stats = gx_result.statistics
    return SuiteResult(
        suite=suite,
        success=not any(f.severity == "critical" for f in failures),
        evaluated=int(stats.get("evaluated_expectations", len(gx_result.results))),
        failed=len(failures),
        failures=failures,
        run_time=run_time,
        seconds=seconds,
        checks=checks,
    )


def merged_result(suite: str, parts: list[SuiteResult], scope: str, checks: tuple[str, ...]) -> SuiteResult:
    """One suite's result from the results of its parts (whole-table checks, row checks)."""
    failures = tuple(f for part in parts for f in part.failures)
    errors = [part.error for part in parts if part.error]
    return SuiteResult(
        suite=suite,
        success=all(part.success for part in parts),
        evaluated=sum(part.evaluated for part in parts),
        failed=len(failures),
        failures=failures,
        run_time=parts[0].run_time,
        seconds=parts[0].seconds,
        error="; ".join(errors) or None,
        checks=checks,
        scope=scope,
    )


def error_result(suite: str, error: str, run_time: datetime, checks: tuple[str, ...] = ()) -> SuiteResult:
    """The result of a suite that could not run at all (e.g. its table is missing)."""
    return SuiteResult(suite, False, 0, 0, (), run_time, 0.0, error, checks)
