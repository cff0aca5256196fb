"""Every suite, by name (``schema.table``).

A new layer's suites are added here, e.g. ``*MART_SUITES`` next to ``*RAW_SUITES``.
"""

from __future__ import annotations

from expectations.spec import SuiteSpec
from expectations.suites.raw import RAW_SUITES

SUITES: dict[str, SuiteSpec] = {s.name: s for s in (*RAW_SUITES,)}

__all__ = ["RAW_SUITES", "SUITES", "SuiteSpec"]
