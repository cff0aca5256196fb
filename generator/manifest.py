"""The manifest of a generated landing folder: every file, its source, rows and deliberately bad rows.

Out: ``<out_dir>/_manifest.json`` (outside the source folders, so no reader picks it up). ``rows`` counts
top-level records (JSON lines, CSV data rows, data rows over all sheets), never headers; ``bad_rows``
is how many of them a strict reader must quarantine.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

MANIFEST_NAME = "_manifest.json"


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the landing folder, with forward slashes: ``pos/pos_appeals_2026-01.jsonl``
    source: str  # pos | im | delo | indicators
    rows: int
    bad_rows: int


@dataclass
class Manifest:
    seed: int
    appeals: int
    start: str
    months: int
    bad_rate: float
    files: list[FileEntry] = field(default_factory=list)

    def add(self, path: str, source: str, rows: int, bad_rows: int) -> FileEntry:
        entry = FileEntry(path, source, rows, bad_rows)
        self.files.append(entry)
        return entry

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def bad_rows(self) -> int:
        return sum(f.bad_rows for f in self.files)

    def write(self, out_dir: Path) -> Path:
        path = out_dir / MANIFEST_NAME
        body = asdict(self)
        body["files"] = sorted(body["files"], key=lambda f: f["path"])
        path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def read(cls, out_dir: Path) -> Manifest:
        body = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        files = [FileEntry(**f) for f in body.pop("files")]
        return cls(**body, files=files)
