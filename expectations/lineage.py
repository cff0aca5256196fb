"""Which suites guard the data a mart is built from: read from the dbt graph, never from a list.

A mart is certified only when its own suite passed **and** every suite upstream of it passed: the
raw tables it is built from (dbt sources ``raw.<table>``) and the marts it reads (``marts.<model>``).
A corrupted ПОС file thus withdraws the certification of the appeal marts and of nothing else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ingestion.config import PROJECT_ROOT

DBT_DIR = PROJECT_ROOT / "dbt"
MANIFEST = DBT_DIR / "target" / "manifest.json"


def ensure_manifest(path: Path = MANIFEST) -> Path:
    """The dbt manifest, parsed first (no database needed) when it is missing."""
    if not path.exists():
        subprocess.run(
            [
                str(Path(sys.executable).parent / "dbt"),
                *("parse", "--quiet", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)),
            ],
            check=True,
            cwd=DBT_DIR,
            env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        )
    return path


def load_manifest() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    return result


def project_models(schema: str, manifest: Mapping[str, Any] | None = None) -> set[str]:
    """The names of the dbt models built into ``schema`` (e.g. the marts that exist in the project)."""
    manifest = manifest if manifest is not None else load_manifest()
    return {
        n["name"]
        for n in manifest.get("nodes", {}).values()
        if n.get("resource_type") == "model" and n.get("schema") == schema
    }


def _relation(node: Mapping[str, Any]) -> str:
    """``schema.name`` of a model or source node (a source is named by its table identifier)."""
    name = node.get("identifier") or node.get("alias") or node["name"]
    return f"{node['schema']}.{name}"


def upstream_suites(
    suites: Iterable[str], manifest: Mapping[str, Any] | None = None
) -> dict[str, tuple[str, ...]]:
    """For each suite of a dbt model, the other suites (from ``suites``) of its ancestors.

    Suites whose table is not a dbt model (the raw tables) map to no ancestors. A model not in the
    manifest maps to none either (its own suite still decides).
    """
    known = set(suites)
    if manifest is None:
        manifest = load_manifest()
    nodes: dict[str, Mapping[str, Any]] = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    by_relation = {
        _relation(n): uid
        for uid, n in nodes.items()
        if n.get("resource_type") in ("model", "source") and n.get("schema")
    }

    def ancestors(uid: str) -> set[str]:
        seen: set[str] = set()
        stack = list(nodes.get(uid, {}).get("depends_on", {}).get("nodes", []))
        while stack:
            parent = stack.pop()
            if parent not in seen:
                seen.add(parent)
                stack.extend(nodes.get(parent, {}).get("depends_on", {}).get("nodes", []))
        return seen

    result: dict[str, tuple[str, ...]] = {}
    for suite in known:
        uid = by_relation.get(suite)
        if uid is None:
            result[suite] = ()
            continue
        parents = {_relation(nodes[a]) for a in ancestors(uid) if a in nodes and nodes[a].get("schema")}
        result[suite] = tuple(sorted(p for p in parents if p in known and p != suite))
    return result
