"""Every suite, by name (``schema.table``): the raw layer's, then the marts'."""

from __future__ import annotations

from expectations.spec import SuiteSpec
from expectations.suites.marts import DATA_AS_OF, MART_SUITES, MARTS_SCHEMA
from expectations.suites.raw import RAW_SUITES

SUITES: dict[str, SuiteSpec] = {s.name: s for s in (*RAW_SUITES, *MART_SUITES)}

__all__ = ["DATA_AS_OF", "MARTS_SCHEMA", "MART_SUITES", "RAW_SUITES", "SUITES", "SuiteSpec"]
