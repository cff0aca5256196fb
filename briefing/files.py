"""Where packs are kept and for how long.

A pack is one folder per ISO week under the packs folder (``CUR_BRIEFING_DIR``, default
``$CUR_STATE_DIR/briefing``): ``2026-W08/2026-W08_region.pdf``, ``2026-W08_region.xlsx``,
``2026-W08_<sector>.pdf`` … A pack is written into a temporary folder next to it and moved into place
when complete, so a reader never sees half a pack and rebuilding a week replaces it. Retention keeps
the newest ``CUR_BRIEFING_KEEP`` weeks and removes the older week folders; nothing else in the
folder is touched.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from briefing.weeks import Week

_WEEK_FOLDER = re.compile(r"^\d{4}-W\d{2}$")


def pack_folder(root: Path, week: Week) -> Path:
    return root / week.key


def document_name(week: Week, scope: str, suffix: str) -> str:
    """``2026-W08_region.pdf``, ``2026-W08_zhkh.xlsx``."""
    return f"{week.key}_{scope}{suffix}"


def staging_folder(root: Path, week: Week) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{week.key}-", dir=root))


def publish(staging: Path, root: Path, week: Week) -> Path:
    """Move a complete pack into place, replacing an earlier build of the same week."""
    target = pack_folder(root, week)
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return target


def week_folders(root: Path) -> list[Path]:
    """The packs kept, oldest first."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and _WEEK_FOLDER.match(p.name))


def apply_retention(root: Path, keep: int) -> list[Path]:
    """Remove the week folders beyond the newest ``keep``; return what was removed."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    old = week_folders(root)[:-keep]
    for folder in old:
        shutil.rmtree(folder)
    return old
