"""Byte-reproducible XLSX writing with openpyxl's write-only workbooks.

In: a path and rows. Out: a workbook whose bytes depend only on its content: the document properties
(created, modified) are fixed and every zip entry carries a fixed timestamp (openpyxl would stamp
the current time into both).
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from generator.common import FIXED_DOC_TIME

_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile that stamps every entry with the same time and permissions."""

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        info = self._info(str(arcname or filename))
        with open(filename, "rb") as src, self.open(info, "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def new_workbook() -> Workbook:
    wb = Workbook(write_only=True)
    wb.properties.created = FIXED_DOC_TIME
    wb.properties.modified = FIXED_DOC_TIME
    wb.properties.creator = "cur-generate"
    return wb


def save(wb: Workbook, path: Path) -> None:
    """Save ``wb`` to ``path`` reproducibly (written to ``<path>.part`` first, then renamed)."""
    tmp = path.with_name(path.name + ".part")
    wb.properties.created = FIXED_DOC_TIME
    wb.properties.modified = FIXED_DOC_TIME
    archive = _FixedTimeZip(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()
    tmp.replace(path)


def append_rows(ws: Any, rows: Iterable[Iterable[object]]) -> None:
    for row in rows:
        ws.append(list(row))
