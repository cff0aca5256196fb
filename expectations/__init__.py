"""Data quality with Great Expectations: suites as code, run against the warehouse, Data Docs on disk.

``validate(dsn)`` runs every suite (``expectations.suites.SUITES``) and returns one
:class:`SuiteResult` per suite; ``cur quality validate`` does the same from a shell.
"""

from __future__ import annotations

from expectations.results import FailedCheck, SuiteResult
from expectations.runner import validate
from expectations.spec import Check, SuiteSpec
from expectations.suites import SUITES

__all__ = ["SUITES", "Check", "FailedCheck", "SuiteResult", "SuiteSpec", "validate"]
