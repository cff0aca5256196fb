"""One reader for the ``;``-separated CSV files that load one raw table and check each built row.

Written appeals, the participation platform, response-survey ratings, poll answers and the official
pages all have this shape: the column contract (:class:`~ingestion.sources.base.FieldMap`) builds the
row, then one source rule (:meth:`CheckedCsvReader.problem`) either lets it load or names the field and
the reason it goes to quarantine with. A subclass declares ``source``, ``tables`` (one table),
``fields`` and the rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from ingestion.schemas import Table
from ingestion.sources.base import (
    FieldMap,
    Note,
    ReadContext,
    Record,
    Rejected,
    RowBuilder,
    csv_date_order,
    iter_csv,
    join_raw,
    tabular_records,
)

Problem = tuple[str, str] | None


class CheckedCsvReader:
    """A CSV file of one raw table whose built rows pass a source rule or go to quarantine."""

    source: ClassVar[str] = ""
    tables: ClassVar[tuple[Table, ...]] = ()
    fields: ClassVar[tuple[FieldMap, ...]] = ()
    # (later column, earlier column) pairs the row builder checks, e.g. an answer not before creation
    not_before: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __init__(self) -> None:
        (table,) = self.tables
        self._table = table
        self._builders = {table.name: RowBuilder(table, self.fields, not_before=self.not_before)}

    def problem(self, values: tuple[object, ...]) -> Problem:
        """The (source field, reason) a built row breaks the source's rule with; None when it loads."""
        raise NotImplementedError

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Rejected | Note]:
        order, how = csv_date_order(path, ctx.declared_date_order)
        yield Note("date_order", how)
        rows = tabular_records(
            path, iter_csv(path), self.fields, self._builders, replace(ctx, date_order=order), fast=False
        )
        for item in rows:
            if not isinstance(item, Record):
                yield item
                continue
            values = item.tables[self._table.name][0]
            broken = self.problem(values)
            if broken is None:
                yield item
            else:
                yield Rejected(item.row, broken[0], broken[1], join_raw(values))
