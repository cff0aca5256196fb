"""What a briefing pack says, read from the certified marts (schema ``marts``) — no KPI is computed here.

In: a DSN, an ISO week, a scope (the region or one sector). Out: :class:`PackData`, plain typed
values the document and the workbook render alike. Sources:

* KPIs of the week against their targets, the previous week and the same week a year earlier:
  ``kpi_appeals_weekly`` (summed over sectors for the region: numerators and denominators, never a
  mean of shares); поручения executed on time: ``kpi_decision_discipline`` (month of the week's end);
  indicators at risk: ``kpi_programme_achievement`` (the week's year);
* top problems: topics whose appeals grew most against the previous week, topics with most appeals
  open past their deadline (``fct_appeals``, ``dim_topic``);
* overdue appeals (``fct_appeals.is_overdue_open``) and overdue поручения (``fct_decisions``, bucket
  ``overdue``) with the responsible body and days overdue — the state the newest export describes;
* conflict signals of the week (``kpi_conflict_signals``); programme indicators at risk
  (``kpi_indicator_progress``: the latest period of the year up to the week whose forecast degree,
  else achievement degree, is below the dbt var ``indicator_at_risk_degree``);
* the certification of every mart used (``kpi_certification_status``): a withdrawn certificate is
  carried as such, a mart never validated as «не проверялась».
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

import psycopg
import yaml
from psycopg.rows import dict_row

from briefing.weeks import Week
from core.paths import DBT_DIR

CERTIFIED_LABEL = "Сертифицировано"
WITHDRAWN_LABEL = "Сертификация отозвана"
UNVALIDATED_LABEL = "Не проверялась"
REGION_NAME = "Республика Хакасия"
SOURCE_NAMES = {"pos": "ПОС", "im": "Инцидент Менеджмент"}
TREND_WEEKS = 8
# Every mart a pack reads (the Dagster asset lists them as its upstream assets).
SOURCE_MARTS = (
    "kpi_appeals_weekly",
    "kpi_decision_discipline",
    "kpi_programme_achievement",
    "kpi_conflict_signals",
    "kpi_indicator_progress",
    "fct_appeals",
    "fct_decisions",
    "kpi_certification_status",
)

Number = int | float | None


@dataclass(frozen=True)
class Certificate:
    """The certification of one mart as the record has it now."""

    mart: str
    state: Literal["certified", "withdrawn", "unvalidated"]
    validated_at: datetime | None = None
    data_as_of: datetime | None = None
    failed: str | None = None

    @property
    def label(self) -> str:
        return {
            "certified": CERTIFIED_LABEL,
            "withdrawn": WITHDRAWN_LABEL,
            "unvalidated": UNVALIDATED_LABEL,
        }[self.state]


@dataclass(frozen=True)
class Kpi:
    """One KPI of the week: value, target and comparisons (shares 0..1, counts as ints)."""

    name: str
    kind: Literal["count", "share"]
    mart: str
    value: Number
    previous: Number
    last_year: Number
    target: Number = None
    higher_is_better: bool = True
    period: str = "неделя"

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target if self.higher_is_better else self.value <= self.target


@dataclass(frozen=True)
class Table:
    """A titled table: the same rows go to the PDF and to a sheet of the workbook."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    marts: tuple[str, ...]
    empty_text: str = "Нет данных"
    note: str = ""


@dataclass(frozen=True)
class TrendPoint:
    week_start: date
    appeals: int
    share_on_time: float | None


@dataclass
class PackData:
    """Everything one document (the region or one sector) shows."""

    week: Week
    scope: str  # "region" or a sector code
    scope_name: str
    as_of: datetime | None
    certificates: dict[str, Certificate]
    kpis: list[Kpi]
    trend: list[TrendPoint]
    tables: dict[str, Table] = field(default_factory=dict)

    def certificate(self, mart: str) -> Certificate:
        return self.certificates.get(mart, Certificate(mart, "unvalidated"))

    @property
    def marts(self) -> list[str]:
        used = {k.mart for k in self.kpis} | {m for t in self.tables.values() for m in t.marts}
        return sorted(used)


def certificate_text(data: PackData, mart: str, zone: ZoneInfo) -> str:
    """«fct_decisions — Сертифицировано, данные на 28.02.2026»."""
    c = data.certificate(mart)
    as_of = f", данные на {c.data_as_of.astimezone(zone):%d.%m.%Y}" if c.data_as_of else ""
    return f"{mart} — {c.label}{as_of}"


def _num(value: Any) -> Number:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value  # type: ignore[no-any-return]


def _ratio(numerator: Any, denominator: Any) -> float | None:
    return float(numerator) / float(denominator) if denominator else None


def at_risk_degree() -> float:
    """The dbt var ``indicator_at_risk_degree`` (dbt_project.yml): the one home of the threshold."""
    project = yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return float(project["vars"]["indicator_at_risk_degree"])


def _rows(conn: psycopg.Connection[Any], sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(sql, params)  # type: ignore[arg-type]
        return list(cur.fetchall())


def certificates(conn: psycopg.Connection[Any]) -> dict[str, Certificate]:
    """The certification record (``marts.kpi_certification_status``), by mart; empty when absent."""
    exists = conn.execute("select to_regclass('marts.kpi_certification_status') is not null").fetchone()
    if not exists or not exists[0]:
        return {}
    rows = _rows(
        conn,
        "select mart, is_certified, failed_expectations, validated_at, data_as_of"
        " from marts.kpi_certification_status",
        {},
    )
    return {
        r["mart"]: Certificate(
            r["mart"],
            "certified" if r["is_certified"] else "withdrawn",
            r["validated_at"],
            r["data_as_of"],
            r["failed_expectations"],
        )
        for r in rows
    }


def appeals_as_of(conn: psycopg.Connection[Any]) -> datetime | None:
    """The moment the newest appeal export describes (the as-of time of the appeal marts)."""
    row = conn.execute("select max(source_updated_at) from marts.fct_appeals").fetchone()
    return row[0] if row else None


def sectors(conn: psycopg.Connection[Any]) -> list[tuple[str, str]]:
    """(code, Russian name) of every sector, «не определено» included, in the dimension's order."""
    rows = conn.execute(
        "select sector_code, sector_name from marts.dim_sector order by sort_order, sector_code"
    )
    return [(r[0], r[1]) for r in rows.fetchall()]


_SCOPE = "(cast(%(sector)s as text) is null or {col} = %(sector)s)"


def _scope(col: str = "sector_code") -> str:
    return _SCOPE.format(col=col)


def _weekly(conn: psycopg.Connection[Any], weeks: Sequence[date], sector: str | None) -> dict[date, dict]:
    rows = _rows(
        conn,
        "select week_start, sum(appeals_count) as appeals, sum(answered_on_time_count) as on_time,"
        " sum(due_count) as due, sum(rated_4_5_count) as rated_4_5, sum(rated_count) as rated,"
        " sum(repeat_count) as repeats, sum(open_overdue_count) as overdue,"
        " max(on_time_target_share) as on_time_target, max(rating_target_share) as rating_target"
        f" from marts.kpi_appeals_weekly where week_start = any(%(weeks)s) and {_scope()}"
        " group by week_start",
        {"weeks": list(weeks), "sector": sector},
    )
    return {r["week_start"]: r for r in rows}


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _decisions_on_time(conn: psycopg.Connection[Any], months: Sequence[date], sector: str | None) -> dict:
    rows = _rows(
        conn,
        "select month_start, sum(executed_on_time_count) as on_time,"
        " sum(executed_on_time_count + executed_late_count + overdue_count) as due"
        f" from marts.kpi_decision_discipline where month_start = any(%(months)s) and {_scope()}"
        " group by month_start",
        {"months": list(months), "sector": sector},
    )
    return {r["month_start"]: _ratio(r["on_time"], r["due"]) for r in rows}


def _at_risk_count(conn: psycopg.Connection[Any], year: int, sector: str | None) -> int | None:
    row = conn.execute(
        "select sum(indicators_at_risk_count) from marts.kpi_programme_achievement"  # type: ignore[arg-type]
        f" where year = %(year)s and {_scope()}",
        {"year": year, "sector": sector},
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def kpis(conn: psycopg.Connection[Any], week: Week, sector: str | None) -> list[Kpi]:
    """The KPI table: the week against its targets, the previous week and the same week a year ago."""
    current, previous, last_year = week.start, week.previous().start, week.a_year_earlier().start
    weekly = _weekly(conn, [current, previous, last_year], sector)

    def pick(key: str, fn: Any = None) -> tuple[Number, Number, Number]:
        out = []
        for day in (current, previous, last_year):
            row = weekly.get(day)
            out.append(None if row is None else (fn(row) if fn else _num(row[key])))
        return out[0], out[1], out[2]

    targets = weekly.get(current) or next(iter(weekly.values()), {})
    on_time = pick("", lambda r: _ratio(r["on_time"], r["due"]))
    rating = pick("", lambda r: _ratio(r["rated_4_5"], r["rated"]))
    repeats = pick("", lambda r: _ratio(r["repeats"], r["appeals"]))
    month = _month_start(week.end)
    prev_month = _month_start(month - timedelta(days=1))
    month_ly = month.replace(year=month.year - 1)
    decisions = _decisions_on_time(conn, [month, prev_month, month_ly], sector)
    return [
        Kpi("Поступило обращений", "count", "kpi_appeals_weekly", *pick("appeals")),
        Kpi(
            "Доля ответов в срок",
            "share",
            "kpi_appeals_weekly",
            *on_time,
            target=_num(targets.get("on_time_target")),
        ),
        Kpi(
            "Доля оценок «4» и «5»",
            "share",
            "kpi_appeals_weekly",
            *rating,
            target=_num(targets.get("rating_target")),
        ),
        Kpi("Доля повторных обращений", "share", "kpi_appeals_weekly", *repeats, higher_is_better=False),
        Kpi(
            "Просрочено (открыты после срока)",
            "count",
            "kpi_appeals_weekly",
            *pick("overdue"),
            higher_is_better=False,
        ),
        Kpi(
            "Поручения исполнены в срок",
            "share",
            "kpi_decision_discipline",
            decisions.get(month),
            decisions.get(prev_month),
            decisions.get(month_ly),
            target=1.0,
            period="месяц",
        ),
        Kpi(
            "Показатели под риском",
            "count",
            "kpi_programme_achievement",
            _at_risk_count(conn, week.year, sector),
            None,
            _at_risk_count(conn, week.year - 1, sector),
            higher_is_better=False,
            period="год",
        ),
    ]


def trend(conn: psycopg.Connection[Any], week: Week, sector: str | None) -> list[TrendPoint]:
    """Appeals and the on-time share of the last :data:`TREND_WEEKS` weeks up to ``week``."""
    weeks = [week.previous(n).start for n in range(TREND_WEEKS - 1, -1, -1)]
    weekly = _weekly(conn, weeks, sector)
    return [
        TrendPoint(
            day,
            int(weekly[day]["appeals"]) if day in weekly else 0,
            _ratio(weekly[day]["on_time"], weekly[day]["due"]) if day in weekly else None,
        )
        for day in weeks
    ]


def growing_topics(conn: psycopg.Connection[Any], week: Week, sector: str | None, limit: int = 10) -> Table:
    rows = _rows(
        conn,
        "with counted as ("
        " select a.topic_key,"
        "  count(*) filter (where a.created_date between %(start)s and %(end)s) as current_count,"
        "  count(*) filter (where a.created_date between %(prev_start)s and %(prev_end)s) as previous_count"
        " from marts.fct_appeals a"
        f" where a.created_date between %(prev_start)s and %(end)s and {_scope('a.sector_code')}"
        " group by a.topic_key)"
        " select t.topic_name, s.sector_name, c.current_count, c.previous_count,"
        "  c.current_count - c.previous_count as growth"
        " from counted c join marts.dim_topic t on t.topic_key = c.topic_key"
        " left join marts.dim_sector s on s.sector_code = t.sector_code"
        " where c.current_count > c.previous_count"
        " order by growth desc, c.current_count desc, t.topic_name limit %(limit)s",
        {
            "start": week.start,
            "end": week.end,
            "prev_start": week.previous().start,
            "prev_end": week.previous().end,
            "sector": sector,
            "limit": limit,
        },
    )
    return Table(
        "growing_topics",
        "Темы с наибольшим ростом обращений к прошлой неделе",
        ("Тема", "Отрасль", "За неделю", "Прошлая неделя", "Прирост"),
        [
            (r["topic_name"], r["sector_name"], r["current_count"], r["previous_count"], r["growth"])
            for r in rows
        ],
        ("fct_appeals",),
        "Роста обращений по темам нет",
    )


def overdue_topics(conn: psycopg.Connection[Any], sector: str | None, limit: int = 10) -> Table:
    rows = _rows(
        conn,
        "select t.topic_name, s.sector_name, count(*) as overdue"
        " from marts.fct_appeals a join marts.dim_topic t on t.topic_key = a.topic_key"
        " left join marts.dim_sector s on s.sector_code = t.sector_code"
        f" where a.is_overdue_open and {_scope('a.sector_code')}"
        " group by t.topic_name, s.sector_name order by overdue desc, t.topic_name limit %(limit)s",
        {"sector": sector, "limit": limit},
    )
    return Table(
        "overdue_topics",
        "Темы с наибольшим числом просроченных обращений",
        ("Тема", "Отрасль", "Просрочено"),
        [(r["topic_name"], r["sector_name"], r["overdue"]) for r in rows],
        ("fct_appeals",),
        "Просроченных обращений нет",
    )


def overdue_appeals(conn: psycopg.Connection[Any], sector: str | None) -> Table:
    """Appeals open past their deadline, most overdue first: the mart ``kpi_overdue_appeals`` (the same
    list the leadership dashboard shows)."""
    rows = _rows(
        conn,
        "select appeal_number, appeal_source, topic_name, organisation_name, municipality_name,"
        " created_date, deadline_date, days_overdue from marts.kpi_overdue_appeals"
        f" where {_scope('sector_code')}"
        " order by days_overdue desc, appeal_source, source_appeal_id",
        {"sector": sector},
    )
    return Table(
        "overdue_appeals",
        "Просроченные обращения (открыты после срока ответа)",
        (
            "№ обращения",
            "Система",
            "Тема",
            "Ответственный орган",
            "Муниципалитет",
            "Поступило",
            "Срок",
            "Дней просрочки",
        ),
        [
            (
                r["appeal_number"],
                SOURCE_NAMES.get(r["appeal_source"], r["appeal_source"]),
                r["topic_name"],
                r["organisation_name"],
                r["municipality_name"],
                r["created_date"],
                r["deadline_date"],
                r["days_overdue"],
            )
            for r in rows
        ],
        ("kpi_overdue_appeals",),
        "Просроченных обращений нет",
    )


def overdue_decisions(conn: psycopg.Connection[Any], sector: str | None) -> Table:
    """Поручения on control past their deadline with no execution mark: the mart ``kpi_overdue_decisions``."""
    rows = _rows(
        conn,
        "select registration_number, document_kind, organisation_name, executor_name,"
        " resolution_date, effective_due_date, days_overdue as days_late from marts.kpi_overdue_decisions"
        f" where {_scope('sector_code')}"
        " order by days_overdue desc, effective_due_date, resolution_id",
        {"sector": sector},
    )
    return Table(
        "overdue_decisions",
        "Просроченные поручения (на контроле, срок истёк, отметки об исполнении нет)",
        (
            "Рег. №",
            "Документ",
            "Ответственный орган",
            "Исполнитель",
            "Дата поручения",
            "Срок",
            "Дней просрочки",
        ),
        [
            (
                r["registration_number"],
                r["document_kind"],
                r["organisation_name"],
                r["executor_name"],
                r["resolution_date"],
                r["effective_due_date"],
                r["days_late"],
            )
            for r in rows
        ],
        ("kpi_overdue_decisions",),
        "Просроченных поручений нет",
    )


def conflict_signals(conn: psycopg.Connection[Any], week: Week, sector: str | None, limit: int = 15) -> Table:
    """The week's sector × municipality pairs with a baseline, spikes first, then by z-score."""
    rows = _rows(
        conn,
        "select sector_name, municipality_name, appeals_count, baseline_mean, z_score, is_spike"
        " from marts.kpi_conflict_signals"
        f" where week_start = %(week)s and z_score is not null and z_score > 0 and {_scope()}"
        " order by is_spike desc, z_score desc, sector_code, municipality_key limit %(limit)s",
        {"week": week.start, "sector": sector, "limit": limit},
    )
    return Table(
        "conflict_signals",
        "Сигналы конфликтности: рост обращений против обычного уровня (z-оценка)",
        ("Отрасль", "Муниципалитет", "Обращений за неделю", "Обычный уровень", "z-оценка", "Всплеск"),
        [
            (
                r["sector_name"],
                r["municipality_name"],
                r["appeals_count"],
                _num(r["baseline_mean"]),
                _num(r["z_score"]),
                "Да" if r["is_spike"] else "Нет",
            )
            for r in rows
        ],
        ("kpi_conflict_signals",),
        "Нет пар «отрасль × муниципалитет» с числом обращений выше обычного уровня "
        "(или истории ещё мало для оценки)",
    )


def programmes_at_risk(conn: psycopg.Connection[Any], week: Week, sector: str | None) -> Table:
    """Programmes of the week's year with indicators whose year-end forecast is at risk (the mart's rule)."""
    rows = _rows(
        conn,
        "select programme_name, ministry, indicators_count, indicators_at_risk_count, forecast_degree_mean,"
        "  forecast_method"
        f" from marts.kpi_programme_achievement where year = %(year)s and {_scope()}"
        "  and indicators_at_risk_count > 0"
        " order by indicators_at_risk_count desc, forecast_degree_mean, programme_key, ministry",
        {"year": week.year, "sector": sector},
    )
    methods = {
        "annual_fact": "годовой факт",
        "ministry": "прогноз министерства",
        "linear_trend": "линейный тренд",
        "latest_fact": "последний факт",
        "mixed": "смешанный",
    }
    return Table(
        "programmes_at_risk",
        "Программы с показателями под риском (прогноз на конец года)",
        ("Программа", "Министерство", "Показателей", "Под риском", "Средний прогноз", "Метод прогноза"),
        [
            (
                r["programme_name"],
                r["ministry"],
                r["indicators_count"],
                r["indicators_at_risk_count"],
                _num(r["forecast_degree_mean"]),
                methods.get(r["forecast_method"], r["forecast_method"]),
            )
            for r in rows
        ],
        ("kpi_programme_achievement",),
        "Программ с показателями под риском нет",
    )


def indicators_at_risk(conn: psycopg.Connection[Any], week: Week, sector: str | None) -> Table:
    """Indicators of the week's year whose latest period up to the week is below the at-risk degree."""
    threshold = at_risk_degree()
    rows = _rows(
        conn,
        "with latest as ("
        " select distinct on (indicator_code) *"
        " from marts.kpi_indicator_progress"
        f" where year = %(year)s and period_start <= %(end)s and {_scope()}"
        "  and coalesce(forecast_degree, achievement_degree) is not null"
        " order by indicator_code, period_end desc, period_start desc)"
        " select indicator_name, programme_name, ministry, period_type, period_start, period_end,"
        "  plan_value, fact_value, achievement_degree, forecast_degree"
        " from latest where coalesce(forecast_degree, achievement_degree) < %(threshold)s"
        " order by coalesce(forecast_degree, achievement_degree), indicator_code",
        {"year": week.year, "end": week.end, "sector": sector, "threshold": threshold},
    )
    return Table(
        "indicators_at_risk",
        f"Показатели с достижением или прогнозом ниже {threshold:.0%} в последнем отчётном периоде",
        ("Показатель", "Программа", "Министерство", "Период", "План", "Факт", "Достижение", "Прогноз"),
        [
            (
                r["indicator_name"],
                r["programme_name"],
                r["ministry"],
                f"{r['period_start']:%d.%m.%Y}–{r['period_end']:%d.%m.%Y}",
                _num(r["plan_value"]),
                _num(r["fact_value"]),
                _num(r["achievement_degree"]),
                _num(r["forecast_degree"]),
            )
            for r in rows
        ],
        ("kpi_indicator_progress",),
        "Показателей под риском нет",
    )


def load_pack(dsn: str, week: Week, sector: str | None) -> PackData:
    """The data of one document: the region (``sector`` None) or one sector."""
    with psycopg.connect(dsn) as conn:
        names = dict(sectors(conn))
        if sector is not None and sector not in names:
            raise ValueError(f"unknown sector {sector!r}; known: {', '.join(sorted(names))}")
        tables = [
            growing_topics(conn, week, sector),
            overdue_topics(conn, sector),
            overdue_appeals(conn, sector),
            overdue_decisions(conn, sector),
            conflict_signals(conn, week, sector),
            programmes_at_risk(conn, week, sector),
            indicators_at_risk(conn, week, sector),
        ]
        return PackData(
            week=week,
            scope="region" if sector is None else sector,
            scope_name=REGION_NAME if sector is None else names[sector],
            as_of=appeals_as_of(conn),
            certificates=certificates(conn),
            kpis=kpis(conn, week, sector),
            trend=trend(conn, week, sector),
            tables={t.key: t for t in tables},
        )
