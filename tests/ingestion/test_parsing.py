"""Value parsers: the quirks of Russian exports."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from ingestion import parsing
from ingestion.parsing import FieldError

TZ = "Asia/Krasnoyarsk"
PLUS7 = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12,5", Decimal("12.5")),
        ("53,7213", Decimal("53.7213")),
        ("1 234,5", Decimal("1234.5")),
        ("1\u00a0234,50", Decimal("1234.50")),
        ("-0,25", Decimal("-0.25")),
        (7, Decimal("7")),
        (0.5, Decimal("0.5")),
        ("н/д", None),
        ("", None),
        (None, None),
    ],
)
def test_decimal_accepts_decimal_commas_and_spaces(raw: object, expected: Decimal | None) -> None:
    assert parsing.decimal("План", raw) == expected


@pytest.mark.parametrize("raw", ["12,5,3", "53,72,13", "abc", "1.2.3"])
def test_decimal_rejects_garbage_naming_the_field(raw: str) -> None:
    with pytest.raises(FieldError) as err:
        parsing.decimal("План", raw)
    assert err.value.field == "План"
    assert raw in err.value.reason


def test_integer_rejects_words_and_fractions() -> None:
    assert parsing.integer("Оценка", "4") == 4
    assert parsing.integer("Оценка", 4.0) == 4
    assert parsing.integer("Оценка", "4,0") == 4
    for bad in ("пять", "4.5", 4.5):
        with pytest.raises(FieldError):
            parsing.integer("Оценка", bad)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05.01.2026 10:12", datetime(2026, 1, 5, 10, 12, tzinfo=PLUS7)),
        ("05.01.2026 10:12:30", datetime(2026, 1, 5, 10, 12, 30, tzinfo=PLUS7)),
        ("5.1.2026", datetime(2026, 1, 5, tzinfo=PLUS7)),
        ("2026-01-05T10:12:00+07:00", datetime(2026, 1, 5, 10, 12, tzinfo=PLUS7)),
        ("2026-01-05T03:12:00Z", datetime(2026, 1, 5, 10, 12, tzinfo=PLUS7)),
        (datetime(2026, 1, 5, 10, 12), datetime(2026, 1, 5, 10, 12, tzinfo=PLUS7)),
        ("'05.01.2026 10:12", datetime(2026, 1, 5, 10, 12, tzinfo=PLUS7)),
    ],
)
def test_timestamps_in_russian_iso_and_excel_forms_are_local_time(raw: object, expected: datetime) -> None:
    assert parsing.timestamp("Дата создания", raw, TZ) == expected


def test_excel_serial_dates_are_days_since_1899_12_30() -> None:
    assert parsing.timestamp("Дата", 46027.5, TZ) == datetime(2026, 1, 5, 12, 0, tzinfo=PLUS7)


@pytest.mark.parametrize("raw", ["31.02.2026 10:00", "32.13.2026", "вчера", "2026-13-01", "01.01.1899"])
def test_invalid_dates_are_rejected_with_the_value(raw: str) -> None:
    with pytest.raises(FieldError) as err:
        parsing.timestamp("Дата создания", raw, TZ)
    assert err.value.field == "Дата создания"


def test_calendar_dates() -> None:
    assert parsing.calendar_date("PLAN_DATE", "28.02.2026") == date(2026, 2, 28)
    assert parsing.calendar_date("PLAN_DATE", datetime(2026, 2, 28, 13, 0)) == date(2026, 2, 28)
    with pytest.raises(FieldError):
        parsing.calendar_date("PLAN_DATE", "32.13.2026")


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        (0.3541666667, 30600),  # 8 h 30 min as an Excel day fraction
        (1.5, 129600),
        ("0,25", 21600),
        (timedelta(hours=2, minutes=3), 7380),
        (time(1, 2, 3), 3723),
        ("4 days 14:22:16", 4 * 86400 + 14 * 3600 + 22 * 60 + 16),
        ("08:00:00", 28800),
    ],
)
def test_durations_from_excel_day_fractions(raw: object, seconds: int) -> None:
    assert parsing.duration_seconds("Время", raw) == Decimal(seconds)


def test_negative_duration_is_rejected() -> None:
    with pytest.raises(FieldError):
        parsing.duration_seconds("Время", -0.1)


def test_leading_apostrophe_of_excel_text_is_dropped() -> None:
    assert parsing.text("'Здравствуйте") == "Здравствуйте"
    assert parsing.text("  обычный текст ") == "обычный текст"
    assert parsing.text("'") is None
    assert parsing.text("Дом 'у реки'") == "Дом 'у реки'"


@pytest.mark.parametrize(
    ("kind", "label", "start", "end"),
    [
        ("Год", "2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("Квартал", "I квартал 2026", date(2026, 1, 1), date(2026, 3, 31)),
        ("Квартал", "IV квартал 2026", date(2026, 10, 1), date(2026, 12, 31)),
        ("Квартал", "2 квартал 2026", date(2026, 4, 1), date(2026, 6, 30)),
        ("Квартал", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("Месяц", "февраль 2024", date(2024, 2, 1), date(2024, 2, 29)),
        ("Месяц", "12.2025", date(2025, 12, 1), date(2025, 12, 31)),
        ("Месяц", "2026-03", date(2026, 3, 1), date(2026, 3, 31)),
    ],
)
def test_reporting_periods(kind: str, label: str, start: date, end: date) -> None:
    assert parsing.period("Период", kind, label) == (start, end)


@pytest.mark.parametrize(
    ("kind", "label"), [("Квартал", "V квартал 2026"), ("Месяц", "13.2026"), ("Год", "двадцать шестой")]
)
def test_invalid_periods_are_rejected(kind: str, label: str) -> None:
    with pytest.raises(FieldError) as err:
        parsing.period("Период", kind, label)
    assert err.value.field == "Период"


def test_unknown_period_type_names_the_type_column() -> None:
    with pytest.raises(FieldError) as err:
        parsing.period("Период", "Неделя", "1 неделя 2026")
    assert err.value.field == "Тип периода"
