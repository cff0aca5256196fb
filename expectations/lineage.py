"""Which suites guard the data a mart is built from: read from the dbt graph, never from a list.

A mart is certified only when its own suite passed **and** every suite upstream of it passed: the
raw tables it is built from (dbt sources ``raw.<table>``) and the marts it reads (``marts.<model>``).
A corrupted ПОС file thus withdraws the certification of the appeal marts and of nothing else.
The graph comes from :class:`core.dbt.Manifest`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.dbt import Manifest


def _manifest(manifest: Mapping[str, Any] | Manifest | None) -> Manifest:
    if isinstance(manifest, Manifest):
        return manifest
    return Manifest.load() if manifest is None else Manifest(manifest)


def project_models(schema: str, manifest: Mapping[str, Any] | Manifest | None = None) -> set[str]:
    """The names of the dbt models built into ``schema`` (e.g. the marts that exist in the project)."""
    return set(_manifest(manifest).models(schema))


def upstream_suites(
    suites: Iterable[str], manifest: Mapping[str, Any] | Manifest | None = None
) -> dict[str, tuple[str, ...]]:
    """For each suite of a dbt model, the other suites (from ``suites``) of its ancestors.

    Suites whose table is not a dbt model (the raw tables) map to no ancestors. A model not in the
    manifest maps to none either (its own suite still decides).
    """
    return _manifest(manifest).upstream_relations(suites)
