"""Regional participation platform («Активный горожанин»-style): ``platform/platform_messages_<YYYY-MM>.csv``.

In: a ``;``-separated CSV (UTF-8 with BOM, or cp1251) with the header of :data:`HEADER` (the project's
template, docs/sources.md), one message or initiative per row in its state at the export. Out: rows of
``raw.platform_messages``. Beyond the checks every reader makes, a row is quarantined with its field
when its «Тип» is not Сообщение / Инициатива, its «Статус» is not one the platform uses for that type,
or its answer or forwarding time is before its creation.
"""

from __future__ import annotations

from ingestion.schemas import PLATFORM_MESSAGES
from ingestion.sources.base import FieldMap
from ingestion.sources.checked_csv import CheckedCsvReader, Problem

_F = FieldMap

FIELDS = (
    _F("ID", "item_id", "int"),
    _F("Номер", "item_number"),
    _F("Тип", "item_kind"),
    _F("Дата создания", "created_at", "ts"),
    _F("Статус", "status"),
    _F("Категория", "category"),
    _F("Муниципалитет", "municipality"),
    _F("Адрес", "address"),
    _F("Текст", "item_text"),
    _F("Автор", "author_name"),
    _F("Email автора", "author_email"),
    _F("Телефон автора", "author_phone"),
    _F("Номер ПОС", "pos_number"),
    _F("Дата передачи в ПОС", "forwarded_at", "ts"),
    _F("Дата ответа", "answered_at", "ts"),
    _F("Голосов", "votes", "int"),
)
HEADER = tuple(f.source for f in FIELDS)
MESSAGE = "Сообщение"
INITIATIVE = "Инициатива"
STATUSES: dict[str, tuple[str, ...]] = {
    MESSAGE: ("На модерации", "В работе", "Передано в ПОС", "Ответ дан", "Отклонено"),
    INITIATIVE: ("На модерации", "На голосовании", "Поддержана", "Реализована", "Отклонена"),
}

_COLUMNS = PLATFORM_MESSAGES.column_names
_KIND = _COLUMNS.index("item_kind")
_STATUS = _COLUMNS.index("status")


class PlatformCsvReader(CheckedCsvReader):
    """``platform/*.csv``: one platform message or initiative per row."""

    source = "platform"
    tables = (PLATFORM_MESSAGES,)
    fields = FIELDS
    not_before = (("forwarded_at", "created_at"), ("answered_at", "created_at"))

    def problem(self, values: tuple[object, ...]) -> Problem:
        kind, status = values[_KIND], values[_STATUS]
        if kind not in STATUSES:
            return "Тип", f"expected {MESSAGE} or {INITIATIVE}, got {kind!r}"
        if status not in STATUSES[str(kind)]:
            return "Статус", f"expected one of {', '.join(STATUSES[str(kind)])} for {kind}, got {status!r}"
        return None
