"""The rooms import downward only: core ← ingestion, generator ← expectations ← Dagster, Superset ← cli.

A room may import the rooms listed for it and nothing above; ``cli`` (the composition root) may
import every room and no room imports it. Checked on the source, so a cycle fails here first.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.paths import PROJECT_ROOT

ROOMS = (
    "core",
    "ingestion",
    "generator",
    "expectations",
    "superset_assets",
    "briefing",
    "dagster_project",
    "cli",
    "bench",
)
# What each room may import (besides itself and third-party packages).
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "generator": {"core"},
    "ingestion": {"core"},
    "expectations": {"core", "ingestion"},
    "superset_assets": {"core", "expectations"},
    "briefing": {"core"},
    "dagster_project": {"core", "ingestion", "expectations", "superset_assets", "briefing"},
    "bench": {"core", "ingestion", "generator", "expectations", "superset_assets"},  # measures them all
    "cli": set(ROOMS) - {"cli"},
}


def _imported_rooms(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & set(ROOMS)
    return found


@pytest.mark.parametrize("room", ROOMS)
def test_a_room_imports_only_the_rooms_below_it(room: str) -> None:
    wrong = {}
    for path in sorted((PROJECT_ROOT / room).rglob("*.py")):
        upward = _imported_rooms(path) - ALLOWED[room] - {room}
        if upward:
            wrong[str(path.relative_to(PROJECT_ROOT))] = sorted(upward)
    assert wrong == {}


def test_the_time_zone_is_named_once() -> None:
    """The region's time zone has one definition (core/settings.py); everything else reads it.

    dbt unit tests (model YAMLs under dbt/models) may pin it as an input of the case they prove.
    """
    name = "Asia/" + "Krasnoyarsk"
    files = [p for room in ROOMS for p in (PROJECT_ROOT / room).rglob("*.py")]
    files += [p for p in (PROJECT_ROOT / "dbt").rglob("*") if p.suffix in {".sql", ".yml"}]
    found = [
        str(p.relative_to(PROJECT_ROOT))
        for p in files
        if "dbt_packages" not in p.parts
        and "target" not in p.parts
        and not (p.suffix == ".yml" and "models" in p.parts)
        and name in p.read_text(encoding="utf-8")
    ]
    assert found == ["core/settings.py"]


def test_no_tracked_file_names_a_path_outside_the_repository() -> None:
    """The project's notes (domain guide, reference files) live beside the repository, not in it: a
    tracked file names them, never their path (a clone elsewhere would not have it)."""
    import subprocess

    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    outside = ("../" + "shared", "/" + "work/")  # spelled apart: this file does not name them
    found = []
    for name in filter(None, listed):
        path = PROJECT_ROOT / name
        if path.suffix in {".png", ".xlsx", ".zip", ".pdf"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        found += [f"{name}: {marker}" for marker in outside if marker in text]
    assert found == []
