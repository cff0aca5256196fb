"""Every suite, by name (``schema.table``): the raw layer's, then the marts'."""

from __future__ import annotations

from expectations.spec import SuiteSpec
from expectations.suites.channels import CHANNEL_DATA_AS_OF, CHANNEL_MART_SUITES, CHANNEL_RAW_SUITES
from expectations.suites.marts import DATA_AS_OF as _MART_DATA_AS_OF
from expectations.suites.marts import MART_SUITES as _MART_SUITES
from expectations.suites.marts import MARTS_SCHEMA
from expectations.suites.raw import RAW_SUITES as _RAW_SUITES

# the written appeals and the participation platform have a module of their own (suites/channels.py)
RAW_SUITES: tuple[SuiteSpec, ...] = (*_RAW_SUITES, *CHANNEL_RAW_SUITES)
MART_SUITES: tuple[SuiteSpec, ...] = (*_MART_SUITES, *CHANNEL_MART_SUITES)
DATA_AS_OF: dict[str, str] = {**_MART_DATA_AS_OF, **CHANNEL_DATA_AS_OF}

SUITES: dict[str, SuiteSpec] = {s.name: s for s in (*RAW_SUITES, *MART_SUITES)}

__all__ = ["DATA_AS_OF", "MARTS_SCHEMA", "MART_SUITES", "RAW_SUITES", "SUITES", "SuiteSpec"]
