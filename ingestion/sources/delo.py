"""EDMS «Дело» exports: DOC_RC, RESOLUTION, REPLY and DEPARTMENT as ``;``-separated CSV snapshots."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from ingestion.parsing import FieldError, timestamp
from ingestion.schemas import DELO_DEPARTMENT, DELO_DOC_RC, DELO_REPLY, DELO_RESOLUTION, Table
from ingestion.sources.base import (
    FieldMap,
    FileRejected,
    Note,
    ReadContext,
    Record,
    Rejected,
    RowBuilder,
    csv_date_order,
    iter_csv,
    tabular_records,
)

_F = FieldMap

FIELDS: dict[str, tuple[Table, tuple[FieldMap, ...]]] = {
    "doc_rc": (
        DELO_DOC_RC,
        (
            _F("ISN_DOC", "isn_doc", "int"),
            _F("FREE_NUM", "free_num"),
            _F("DOC_DATE", "doc_date", "date"),
            _F("DOCGROUP_NAME", "docgroup_name"),
            _F("ANNOTAT", "annotat"),
        ),
    ),
    "resolution": (
        DELO_RESOLUTION,
        (
            _F("ISN_RESOLUTION", "isn_resolution", "int"),
            _F("ISN_REF_DOC", "isn_ref_doc", "int"),
            _F("ISN_PARENT_RESOLUTION", "isn_parent_resolution", "int"),
            _F("DUE", "author_due"),
            _F("RESOLUTION_TEXT", "resolution_text"),
            _F("RESOLUTION_DATE", "resolution_date", "date"),
            _F("PLAN_DATE", "plan_date", "date"),
            _F("INTERIM_DATE", "interim_date", "date"),
            _F("FACT_DATE", "fact_date", "date"),
            _F("CONTROL_STATE", "control_state", "int"),
            _F("DUE_CONTROLLER", "controller_due"),
            _F("SUMMARY", "summary"),
            _F("RESUME", "resume"),
        ),
    ),
    "reply": (
        DELO_REPLY,
        (
            _F("ISN_REPLY", "isn_reply", "int"),
            _F("ISN_RESOLUTION", "isn_resolution", "int"),
            _F("DUE", "executor_due"),
            _F("MAIN_FLAG", "main_flag", "int"),
            _F("REPLY_TEXT", "reply_text"),
            _F("REPLY_DATE", "reply_date", "date"),
            _F("UPD_DATE", "upd_date", "ts"),
        ),
    ),
    "department": (
        DELO_DEPARTMENT,
        (
            _F("DUE", "due"),
            _F("ISN_NODE", "isn_node", "int"),
            _F("CLASSIF_NAME", "classif_name"),
            _F("IS_NODE", "is_node", "int"),
            _F("DELETED", "deleted", "int"),
        ),
    ),
}

FILE_NAME = re.compile(r"delo_(\d{8}T\d{4})_(doc_rc|resolution|reply|department)\.csv", re.IGNORECASE)


def parse_file_name(path: Path, tz: str) -> tuple[str, datetime]:
    """The export's table and timestamp from ``delo_<YYYYMMDDTHHMM>_<table>.csv``."""
    m = FILE_NAME.fullmatch(path.name)
    if not m:
        raise FileRejected(
            path,
            "a «Дело» export must be named delo_<YYYYMMDDTHHMM>_<doc_rc|resolution|reply|department>.csv",
        )
    stamp, table = m.group(1), m.group(2).lower()
    try:
        exported = timestamp("file name", datetime.strptime(stamp.upper(), "%Y%m%dT%H%M"), tz)
    except (ValueError, FieldError) as exc:
        raise FileRejected(path, f"the export timestamp in the file name is not valid: {stamp}") from exc
    assert exported is not None
    return table, exported


class DeloCsvReader:
    """``delo/delo_<stamp>_<table>.csv``: one of the four EDMS tables of one export."""

    source = "delo"
    tables = tuple(t for t, _ in FIELDS.values())

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Rejected | Note]:
        table_key, exported_at = parse_file_name(path, ctx.timezone)
        table, fields = FIELDS[table_key]
        builders = {table.name: RowBuilder(table, fields)}
        order, how = csv_date_order(path, ctx.declared_date_order)
        yield Note("date_order", how)
        yield from tabular_records(
            path,
            iter_csv(path),
            fields,
            builders,
            replace(ctx, date_order=order),
            {"exported_at": exported_at},
        )
