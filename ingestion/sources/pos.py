"""ПОС appeals: the nested JSON-lines export (with status history) and the cp1251 CSV registry report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import orjson

from ingestion import fastpath
from ingestion.parsing import FieldError
from ingestion.schemas import POS_APPEAL_EVENTS, POS_APPEALS
from ingestion.sources.base import (
    Encoded,
    FieldMap,
    KeyGuard,
    Note,
    ReadContext,
    Record,
    Rejected,
    RowBuilder,
    csv_date_order,
    decoded_lines,
    detect_encoding,
    iter_csv,
    jsonb_text,
    tabular_records,
)

_F = FieldMap

JSON_APPEAL_FIELDS = (
    _F("Id", "appeal_id", "int"),
    _F("PosId", "pos_id"),
    _F("Applicant.EpguId", "applicant_epgu_id"),
    _F("Applicant.Surname", "applicant_surname"),
    _F("Applicant.Name", "applicant_name"),
    _F("Applicant.Patronymic", "applicant_patronymic"),
    _F("Applicant.Email", "applicant_email"),
    _F("Applicant.Phone", "applicant_phone"),
    _F("Description", "description"),
    _F("SubjectId", "subject_id", "int"),
    _F("SubjectName", "subject_name"),
    _F("SubsubjectId", "subsubject_id", "int"),
    _F("SubsubjectName", "subsubject_name"),
    _F("Location.Address", "location_address"),
    _F("Location.Latitude", "location_latitude", "dec"),
    _F("Location.Longitude", "location_longitude", "dec"),
    _F("OrganizationInfo.Name", "org_name"),
    _F("OrganizationInfo.Address", "org_address"),
    _F("OrganizationInfo.Inn", "org_inn"),
    _F("OrganizationInfo.Kpp", "org_kpp"),
    _F("OrganizationInfo.Ogrn", "org_ogrn"),
    _F("OrganizationInfo.Oktmo", "org_oktmo"),
    _F("CreatedAt", "created_at", "ts"),
    _F("Status", "status"),
    _F("StatusText", "status_text"),
    _F("AnswerAt", "answer_at", "ts"),
    _F("Rating", "rating", "int"),
    _F("AppealKind", "appeal_kind"),
)

JSON_EVENT_FIELDS = (
    _F("Status", "status"),
    _F("StatusText", "status_text"),
    _F("CreatedAt", "created_at", "ts"),
    _F("CreatedBy", "created_by"),
    _F("Answer.AnswerType", "answer_type"),
    _F("Answer.Comment", "answer_comment"),
    _F("Answer.RejectReason.Name", "reject_reason"),
)

CSV_FIELDS = (
    _F("ID", "appeal_id", "int"),
    _F("Номер ПОС", "pos_id"),
    _F("Дата создания", "created_at", "ts"),
    _F("Категория (код)", "subject_id", "int"),
    _F("Категория", "subject_name"),
    _F("Подкатегория (код)", "subsubject_id", "int"),
    _F("Подкатегория", "subsubject_name"),
    _F("Текст обращения", "description"),
    _F("Адрес", "location_address"),
    _F("Широта", "location_latitude", "dec"),
    _F("Долгота", "location_longitude", "dec"),
    _F("Организация", "org_name"),
    _F("ИНН", "org_inn"),
    _F("КПП", "org_kpp"),
    _F("ОГРН", "org_ogrn"),
    _F("ОКТМО", "org_oktmo"),
    _F("Адрес организации", "org_address"),
    _F("Статус", "status"),
    _F("Статус (текст)", "status_text"),
    _F("Дата ответа", "answer_at", "ts"),
    _F("Оценка", "rating", "int"),
    _F("Вид обращения", "appeal_kind"),
    _F("ЕПГУ ID заявителя", "applicant_epgu_id"),
    _F("Фамилия", "applicant_surname"),
    _F("Имя", "applicant_name"),
    _F("Отчество", "applicant_patronymic"),
    _F("Email", "applicant_email"),
    _F("Телефон", "applicant_phone"),
)


_Fast = tuple[fastpath.FastRow, fastpath.FastRow, fastpath.Ctx, fastpath.ZoneOffsets]
_JSONL_FIXED = fastpath.fixed_values({"source_format": "jsonl"})

# The top-level keys of a JSON appeal the reader knows; any other key is kept in ``extras``.
JSON_KNOWN_KEYS = frozenset({f.source.split(".")[0] for f in JSON_APPEAL_FIELDS} | {"History"})
ANSWER_AFTER_CREATION = (("answer_at", "created_at"),)


def _dig(obj: object, path: str) -> object:
    for key in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


class PosJsonLinesReader:
    """``pos/*.jsonl``: one appeal per line, with its ``History`` of status events."""

    source = "pos"
    tables = (POS_APPEALS, POS_APPEAL_EVENTS)
    streamed_table = POS_APPEAL_EVENTS.name  # about five events an appeal

    def __init__(self) -> None:
        self._appeal = RowBuilder(POS_APPEALS, JSON_APPEAL_FIELDS, not_before=ANSWER_AFTER_CREATION)
        self._event = RowBuilder(POS_APPEAL_EVENTS, JSON_EVENT_FIELDS)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Encoded | Rejected | Note]:
        encoding = "utf-8-sig" if detect_encoding(path) == "utf-8-sig" else "utf-8"
        guard = KeyGuard(POS_APPEALS)
        unknown: dict[str, None] = {}
        names = {"appeal_id": "Id"}
        seen = 0
        fast = self._fast(ctx) if ctx.fast_path else None
        for line_no, line in enumerate(decoded_lines(path, encoding), start=1):
            if not line.strip():
                continue
            seen += 1
            if fast is not None:
                encoded = self._fast_record(fast, line_no, line, unknown, guard)
                if encoded is not None:
                    yield encoded
                    continue
            try:
                record = self._record(line_no, line, ctx, unknown)
                guard.check(line_no, record.tables[POS_APPEALS.name][0], names)
                yield record
            except FieldError as err:
                yield Rejected(line_no, err.field, err.reason, line.rstrip("\r\n"))
        if unknown:
            yield Note("unknown_columns", list(unknown))
        if not seen:
            yield Note("warning", "the file is empty: no appeals")

    def _fast(
        self, ctx: ReadContext
    ) -> tuple[fastpath.FastRow, fastpath.FastRow, fastpath.Ctx, fastpath.ZoneOffsets]:
        fast_ctx = fastpath.ctx_for(ctx.latest_allowed, ctx.max_field_chars, ctx.date_order)
        assert fast_ctx is not None  # a JSON file has no NN.NN.ГГГГ order of its own
        appeal = fastpath.FastRow(
            POS_APPEALS,
            JSON_APPEAL_FIELDS,
            fixed=("source_format",),
            not_before=ANSWER_AFTER_CREATION,
            access=fastpath.json_access(),
        )
        event = fastpath.FastRow(
            POS_APPEAL_EVENTS,
            JSON_EVENT_FIELDS,
            fixed=("appeal_id", "event_seq"),
            access=fastpath.json_access(),
        )
        return appeal, event, fast_ctx, fastpath.zone_offsets(ctx.timezone)

    def _fast_record(
        self,
        fast: _Fast,
        line_no: int,
        line: str,
        unknown: dict[str, None],
        guard: KeyGuard,
    ) -> Encoded | None:
        """The line as COPY text when it is a JSON object whose every value is canonical, else None
        (the line then takes the slow path, which names what is wrong)."""
        appeal_row, event_row, c, zone = fast
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            return None
        if type(obj) is not dict:
            return None
        extra = [k for k in obj if k not in JSON_KNOWN_KEYS]
        extras = None
        if extra:
            for k in extra:
                unknown.setdefault(k, None)
            extras = fastpath.copy_text(jsonb_text({k: obj[k] for k in extra}))
        history = obj.get("History") or []
        if type(history) is not list:
            return None
        clean = "\\" not in line  # no JSON escape: no value holds a tab, line end or backslash
        built = appeal_row.build(obj, _JSONL_FIXED, extras, zone, c, clean)
        if built is None:
            return None
        appeal, key = built
        appeal_id = str(key[0])
        events = []
        for seq, event in enumerate(history, start=1):
            if type(event) is not dict:
                return None
            built_event = event_row.build(
                event, {"appeal_id": appeal_id, "event_seq": str(seq)}, None, zone, c, clean
            )
            if built_event is None:
                return None
            events.append(built_event[0])
        if not guard.fresh(line_no, key):
            return None
        return Encoded(line_no, {POS_APPEALS.name: [appeal], POS_APPEAL_EVENTS.name: events})

    def _record(self, line_no: int, line: str, ctx: ReadContext, unknown: dict[str, None]) -> Record:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FieldError("(line)", f"not valid JSON: {exc.msg} at column {exc.colno}") from exc
        except RecursionError as exc:
            raise FieldError("(line)", "JSON nested too deeply") from exc
        if not isinstance(obj, dict):
            raise FieldError("(line)", "expected a JSON object")
        extra = {k: v for k, v in obj.items() if k not in JSON_KNOWN_KEYS}
        for k in extra:
            unknown.setdefault(k, None)
        extras = jsonb_text(extra) if extra else None
        appeal = self._appeal.build(lambda fm: _dig(obj, fm.source), ctx, {"source_format": "jsonl"}, extras)
        history = obj.get("History") or []
        if not isinstance(history, list):
            raise FieldError("History", "expected a list of events")
        events = []
        for seq, event in enumerate(history, start=1):
            try:
                events.append(
                    self._event.build(
                        lambda fm, e=event: _dig(e, fm.source),
                        ctx,
                        {"appeal_id": appeal[0], "event_seq": seq},
                    )
                )
            except FieldError as err:
                raise FieldError(f"History[{seq}].{err.field}", err.reason) from err
        return Record(line_no, {POS_APPEALS.name: [appeal], POS_APPEAL_EVENTS.name: events})


class PosCsvReader:
    """``pos/*.csv``: the registry report, cp1251, ``;``, ``ДД.ММ.ГГГГ ЧЧ:ММ``, decimal commas."""

    source = "pos"
    tables = (POS_APPEALS,)

    def __init__(self) -> None:
        self._builders = {
            POS_APPEALS.name: RowBuilder(POS_APPEALS, CSV_FIELDS, not_before=ANSWER_AFTER_CREATION)
        }

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Rejected | Note]:
        order, how = csv_date_order(path, ctx.declared_date_order)
        yield Note("date_order", how)
        yield from tabular_records(
            path,
            iter_csv(path),
            CSV_FIELDS,
            self._builders,
            replace(ctx, date_order=order),
            {"source_format": "csv"},
        )
