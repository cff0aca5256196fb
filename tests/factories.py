"""Small hand-made source files for tests, written independently of the sample generator."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from ingestion.sources import im, indicators, pos


def pos_record(appeal_id: int | None = 1, **overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "Id": appeal_id,
        "PosId": f"ПОС-{appeal_id}",
        "Applicant": {
            "EpguId": "100",
            "Surname": "Иванова",
            "Name": "Мария",
            "Patronymic": "Петровна",
            "Email": "m@example.ru",
            "Phone": "+79131234567",
        },
        "Description": "Холодно в квартире",
        "SubjectId": 101,
        "SubjectName": "Отопление",
        "SubsubjectId": 10101,
        "SubsubjectName": "Температура",
        "Location": {"Address": "г. Абакан, ул. Ленина, 1", "Latitude": 53.7213, "Longitude": 91.4424},
        "OrganizationInfo": {"Name": "Администрация города Абакана", "Oktmo": "95701000"},
        "CreatedAt": "2026-01-05T10:00:00+07:00",
        "Status": "SEND_RESPONSE",
        "StatusText": "Ответ направлен",
        "AnswerAt": "2026-01-07T10:00:00+07:00",
        "Rating": 5,
        "AppealKind": "обращение",
        "History": [
            {"Status": "MODERATION_NEW", "CreatedAt": "2026-01-05T10:00:00+07:00", "CreatedBy": "Система"},
            {
                "Status": "SEND_RESPONSE",
                "CreatedAt": "2026-01-07T10:00:00+07:00",
                "CreatedBy": "Исполнитель",
                "Answer": {
                    "AnswerType": "Разъяснение",
                    "Comment": "Отопление восстановлено",
                    "RejectReason": None,
                },
            },
        ],
    }
    record.update(overrides)
    return record


def write_jsonl(path: Path, records: Sequence[dict[str, object] | str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n")
    return path


def pos_csv_row(appeal_id: str = "1", **overrides: str) -> dict[str, str]:
    row = {f.source: "" for f in pos.CSV_FIELDS}
    row.update(
        {
            "ID": appeal_id,
            "Номер ПОС": f"ПОС-{appeal_id}",
            "Дата создания": "05.01.2026 10:00",
            "Широта": "53,7213",
            "Долгота": "91,4424",
            "Статус": "TAKE_TO_WORK",
            "Оценка": "4",
            "Текст обращения": "Яма на дороге; глубокая",
            "Фамилия": "Петров",
        }
    )
    row.update(overrides)
    return row


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[dict[str, str]],
    *,
    encoding: str = "cp1251",
    delimiter: str = ";",
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header])
    return path


def im_row(incident_id: object = 1, **overrides: object) -> dict[str, object]:
    row: dict[str, object] = {h: None for h in im.HEADER}
    row.update(
        {
            "ID": incident_id,
            "Номер инцидента": f"INC-{incident_id}",
            "Отдел": "Минтранс",
            "Дата создания": datetime(2026, 1, 5, 9, 0),
            "Дата окончания": "06.01.2026 17:30",
            "Время с даты создания инцидента до времени первого ответа": 0.3541666667,
            "Тема": "Уборка дорог от снега и наледи",
            "Текст инцидента": "'Здравствуйте! Не чистят снег",
            "Аудитория": 1200,
        }
    )
    row.update(overrides)
    return row


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append([r.get(h) for h in header])
    wb.save(path)
    return path


def indicator_row(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "Код показателя": "ZDR-01",
        "Наименование показателя": "Младенческая смертность",
        "Государственная программа": "Развитие здравоохранения",
        "Код ОКЕИ": "744",
        "Единица измерения": "Процент",
        "Направленность": "Убывающий",
        "Тип периода": "Квартал",
        "Период": "I квартал 2026",
        "План": "4,5",
        "Факт": 4.1,
        "Прогноз": "4,3",
    }
    row.update(overrides)
    return row


def write_indicators(
    path: Path,
    sheets: dict[str, tuple[dict[str, object], list[dict[str, object]]]],
    header: Sequence[str] = indicators.HEADER,
) -> Path:
    """sheets: title -> (metadata by label, rows)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    for title, (meta, rows) in sheets.items():
        ws = wb.create_sheet(title)
        for label in indicators.META:
            ws.append([label, meta.get(label)])
        ws.append([])
        ws.append(list(header))
        for r in rows:
            ws.append([r.get(h) for h in header])
    wb.save(path)
    return path


def indicator_meta(
    number: str = "МИНЗДРАВ-2026-01", submitted: object = "10.04.2026 12:00"
) -> dict[str, object]:
    return {
        "Министерство": "Министерство здравоохранения Республики Хакасия",
        "Дата представления": submitted,
        "Номер представления": number,
        "Версия шаблона": "1.0",
    }


# ---- written appeals (59-ФЗ, EDMS) and the participation platform: one good row each ------------


def written_row(isn: str = "5000001", **overrides: str) -> dict[str, str]:
    row = {
        "ISN_DOC": isn,
        "FREE_NUM": f"О-26/{isn[-5:]}",
        "DOC_DATE": "02.03.2026",
        "DELIVERY": "Почта",
        "CITIZEN_SURNAME": "Чебодаева",
        "CITIZEN_NAME": "Анна",
        "CITIZEN_PATRONYMIC": "Ивановна",
        "CITIZEN_EMAIL": "a.cheb@mail.ru",
        "CITIZEN_PHONE": "+79131112233",
        "MUNICIPALITY": "Абакан г.",
        "ADDRESS": "г. Абакан, ул. Ленина, д. 1",
        "RUBRIC_CODE": "0005.0005.0056.1153",
        "ANNOTAT": "О ремонте кровли",
        "EXECUTOR": "Государственная жилищная инспекция Республики Хакасия",
        "PROLONG_DATE": "",
        "FORWARD_TO": "",
        "FORWARD_DATE": "",
        "RESULT": "разъяснено",
        "REPLY_DATE": "27.03.2026",
        "UPD_DATE": "27.03.2026 17:10",
    }
    row.update(overrides)
    return row


def platform_row(item: str = "7000001", **overrides: str) -> dict[str, str]:
    row = {
        "ID": item,
        "Номер": f"АГ-26-{item[-6:]}",
        "Тип": "Сообщение",
        "Дата создания": "03.03.2026 09:15",
        "Статус": "Передано в ПОС",
        "Категория": "Дороги и тротуары",
        "Муниципалитет": "Аскизский р-н",
        "Адрес": "Аскизский район, с. Аскиз, ул. Степная, д. 2",
        "Текст": "Яма на дороге",
        "Автор": "Тарасов Андрей Васильевич",
        "Email автора": "a.tarasov@yandex.ru",
        "Телефон автора": "",
        "Номер ПОС": "ПОС-2026-0000042",
        "Дата передачи в ПОС": "03.03.2026 12:00",
        "Дата ответа": "",
        "Голосов": "",
    }
    row.update(overrides)
    return row
