"""Test fixture for the Superset tests: KPI marts with the agreed columns and a few rows.

SQL in tests, not in the product: until the dbt KPI marts are built in the test database, these
tables stand in for them, with exactly the columns of coord/INTERFACE.md (superset_assets.marts_interface).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import psycopg
from psycopg import sql

from superset_assets.marts_interface import INTERFACE_COLUMNS, guess_type

SECTORS = [("zhkh", "ЖКХ"), ("health", "Здравоохранение"), ("roads", "Дороги")]
MUNICIPALITIES = [("95701000", "г. Абакан"), ("95705000", "г. Саяногорск"), ("95612000", "Бейский район")]
ORGANISATIONS = [
    ("minstroy", "Министерство строительства и ЖКХ", "ОИВ"),
    ("minzdrav", "Министерство здравоохранения", "ОИВ"),
    ("omsu_95701000", "Администрация г. Абакана", "ОМСУ"),
]
SOURCES = [("pos", "ПОС"), ("im", "Инцидент Менеджмент")]
MONTHS = [date(2026, m, 1) for m in (1, 2, 3)]


def _value(column: str, i: int, rnd: random.Random) -> object:
    sector = SECTORS[i % len(SECTORS)]
    muni = MUNICIPALITIES[(i // 3) % len(MUNICIPALITIES)]
    org = ORGANISATIONS[(i // 2) % len(ORGANISATIONS)]
    source = SOURCES[i % 2]
    month = MONTHS[(i // 6) % len(MONTHS)]
    fixed: dict[str, object] = {
        "sector_code": sector[0], "sector_name": sector[1],
        "municipality_key": muni[0], "municipality_name": muni[1],
        "organisation_key": org[0], "organisation_name": org[1], "organisation_kind": org[2],
        "appeal_source": source[0], "appeal_source_name": source[1],
        "source": ("pos", "im", "delo", "indicators")[i % 4],
        "source_name": ("ПОС", "Инцидент Менеджмент", "Дело", "Показатели")[i % 4],
        "channel_key": f"ch{i % 2}", "channel_name": ("Портал Госуслуг", "Соцсети")[i % 2],
        "topic_key": f"t{i % 4}", "topic_name": f"Тема {i % 4 + 1}",
        "month_start": month, "week_start": month + timedelta(days=7 * (i % 4)),
        "period_start": month, "period_end": month + timedelta(days=27), "year": 2026,
        "data_as_of": date(2026, 3, 31), "ministry": org[1],
        "programme_key": f"gp{i % 2}", "programme_name": ("Развитие ЖКХ", "Развитие здравоохранения")[i % 2],
        "indicator_code": f"ind{i}", "indicator_name": f"Показатель {i + 1}", "okei_name": "процент",
        "direction": "increasing", "period_type": "month",
        "achievement_band": ("high", "medium", "low")[i % 3],
        "status": ("loaded", "loaded", "rejected")[i % 3], "file_name": f"file_{i}.csv",
        "mart": sorted(INTERFACE_COLUMNS)[i % len(INTERFACE_COLUMNS)], "suite": "marts_suite",
        "failed_expectations": "", "run_id": "run-1", "batch_id": i + 1, "rank_in_kind": i % 3 + 1,
    }  # fmt: skip
    if column in fixed:
        return fixed[column]
    kind = guess_type(column)
    if kind in {"INTEGER", "BIGINT"}:
        return rnd.randint(1, 200)
    if kind == "BOOLEAN":
        return i % 4 != 3
    if kind.startswith("TIMESTAMP"):
        return datetime(2026, 3, 31, 12, tzinfo=UTC) - timedelta(hours=i)
    if kind == "NUMERIC":
        return (
            round(rnd.uniform(0.4, 1.0), 4)
            if column.startswith("share_") or "degree" in column
            else (round(rnd.uniform(1, 100), 2))
        )
    return f"{column}_{i}"


def create_kpi_marts(dsn: str, rows: int = 18, seed: int = 7) -> None:
    """Create marts.kpi_* (tables with the interface's columns) and fill them."""
    rnd = random.Random(seed)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("create schema if not exists marts")
        for mart, columns in INTERFACE_COLUMNS.items():
            table = sql.Identifier("marts", mart)
            conn.execute(sql.SQL("drop table if exists {} cascade").format(table))
            conn.execute(
                sql.SQL("create table {} ({})").format(
                    table,
                    sql.SQL(", ").join(
                        sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(guess_type(c))) for c in columns
                    ),
                )
            )
            n = len(INTERFACE_COLUMNS) if mart == "kpi_certification_status" else rows
            with conn.cursor() as cur:
                cur.executemany(
                    sql.SQL("insert into {} values ({})").format(
                        table, sql.SQL(", ").join(sql.Placeholder() * len(columns))
                    ),
                    [[_value(c, i, rnd) for c in columns] for i in range(n)],
                )
