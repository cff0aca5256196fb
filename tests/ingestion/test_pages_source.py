"""The official pages source (госпаблики): the register and the weekly activity readers on hand-made
files, their rules, and the load into raw.page_register and raw.page_activity."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest

from ingestion.load import load_landing
from ingestion.schemas import PAGE_ACTIVITY, PAGE_REGISTER
from ingestion.sources import FileRejected, ReadContext, Record, Rejected, reader_for, tables_of
from ingestion.sources.pages import (
    ACTIVITY_HEADER,
    REGISTER_HEADER,
    PagesActivityReader,
    PagesRegisterReader,
    url_problem,
)
from tests import factories as f

REGISTER = "pages_register_2026-03-31.csv"
ACTIVITY = "pages_activity_2026-03.csv"


def page(url: str = "https://vk.com/minstroy19", **overrides: str) -> dict[str, str]:
    row = {
        "Орган": "Министерство строительства и ЖКХ Республики Хакасия",
        "ИНН": "1901000001",
        "Соцсеть": "ВКонтакте",
        "Ссылка": url,
        "Название страницы": "Минстрой Хакасии",
        "Отметка о верификации": "Да",
        "Дата включения": "01.12.2022",
    }
    row.update(overrides)
    return row


def week(
    url: str = "https://vk.com/minstroy19", start: str = "02.03.2026", **overrides: str
) -> dict[str, str]:
    row = {
        "Ссылка": url,
        "Неделя с": start,
        "Подписчики": "5 400",
        "Публикации": "7",
        "Просмотры": "12000",
        "Реакции": "340",
        "Комментарии": "12",
        "Комментарии с ответом": "9",
        "Последняя публикация": "06.03.2026",
    }
    row.update(overrides)
    return row


def read_all(path: Path) -> list[Record | Rejected]:
    items = reader_for("pages", path).read(path, ReadContext())
    return [i for i in items if isinstance(i, Record | Rejected)]


def test_register_and_activity_files_get_their_own_readers(tmp_path: Path) -> None:
    assert isinstance(reader_for("pages", tmp_path / REGISTER), PagesRegisterReader)
    assert isinstance(reader_for("pages", tmp_path / ACTIVITY), PagesActivityReader)
    assert {t.name for t in tables_of("pages")} == {"page_register", "page_activity"}


def test_a_page_address_must_be_on_its_networks_own_site() -> None:
    assert url_problem("https://vk.com/minstroy19", ("vk.com", "vk.ru")) is None
    assert url_problem("https://www.vk.com/club1", ("vk.com",)) is None
    assert "ok.ru" in str(url_problem("https://ok.ru/group/1", ("vk.com",)))
    assert "https" in str(url_problem("vk.com/minstroy19", ("vk.com",)))
    assert "no page" in str(url_problem("https://vk.com/", ("vk.com",)))
    assert url_problem("https://vk.com.evil.example/x", ("vk.com",)) is not None


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1251"])
def test_a_register_row_becomes_one_page(tmp_path: Path, encoding: str) -> None:
    path = f.write_csv(tmp_path / "pages" / REGISTER, REGISTER_HEADER, [page()], encoding=encoding)
    [item] = read_all(path)
    assert isinstance(item, Record)
    values = dict(zip(PAGE_REGISTER.column_names, item.tables["page_register"][0], strict=True))
    assert (values["org_inn"], values["network"], values["verified_mark"]) == (
        "1901000001",
        "ВКонтакте",
        "Да",
    )
    assert values["registered_on"] == date(2022, 12, 1)


def test_bad_register_rows_are_quarantined_naming_row_and_field(tmp_path: Path) -> None:
    path = f.write_csv(
        tmp_path / "pages" / REGISTER,
        REGISTER_HEADER,
        [
            page(),
            page("https://ok.ru/group/1"),  # a ВКонтакте page on ok.ru
            page("https://ok.ru/group/2", **{"Соцсеть": "Одноклассники", "ИНН": "19010"}),
            page("https://t.me/minstroy", **{"Соцсеть": "Телеграм"}),
            page("vk.com/gzhi19"),
            page("https://vk.com/gzhi19", **{"Отметка о верификации": "есть"}),
            page(),
        ],
    )
    items = read_all(path)
    rejected = [(i.row, i.field) for i in items if isinstance(i, Rejected)]
    assert rejected == [(3, "Ссылка"), (4, "ИНН"), (5, "Соцсеть"), (6, "Ссылка"),
                        (7, "Отметка о верификации"), (8, "Ссылка")]  # fmt: skip
    assert "duplicate" in items[-1].reason  # type: ignore[union-attr]


def test_a_week_of_activity_becomes_one_row_with_its_counts(tmp_path: Path) -> None:
    path = f.write_csv(tmp_path / "pages" / ACTIVITY, ACTIVITY_HEADER, [week(), week(start="09.03.2026")])
    first, second = read_all(path)
    assert isinstance(first, Record) and isinstance(second, Record)
    values = dict(zip(PAGE_ACTIVITY.column_names, first.tables["page_activity"][0], strict=True))
    assert values["week_start"] == date(2026, 3, 2) and values["followers"] == 5400
    assert (values["comments"], values["comments_answered"]) == (12, 9)
    assert values["last_post_on"] == date(2026, 3, 6)


def test_bad_activity_rows_are_quarantined_naming_row_and_field(tmp_path: Path) -> None:
    path = f.write_csv(
        tmp_path / "pages" / ACTIVITY,
        ACTIVITY_HEADER,
        [
            week(),
            week(start="04.03.2026"),
            week(start="09.03.2026", **{"Комментарии": "3", "Комментарии с ответом": "4"}),
            week(start="16.03.2026", **{"Подписчики": "-10"}),
            week("https://example.com/page", start="16.03.2026"),
            week(start="02.03.2026"),
            week(start="23.03.2026", **{"Комментарии": "0", "Комментарии с ответом": "0"}),
        ],
    )
    items = read_all(path)
    rejected = [(i.row, i.field) for i in items if isinstance(i, Rejected)]
    assert rejected == [(3, "Неделя с"), (4, "Комментарии с ответом"), (5, "Подписчики"), (6, "Ссылка"),
                        (7, "Ссылка")]  # fmt: skip
    assert isinstance(items[-1], Record)  # a week without comments is fine: its share is undefined


def test_a_register_without_a_required_column_is_rejected_naming_it(tmp_path: Path) -> None:
    header = [h for h in REGISTER_HEADER if h != "Соцсеть"]
    path = f.write_csv(tmp_path / "pages" / REGISTER, header, [])
    with pytest.raises(FileRejected) as err:
        read_all(path)
    assert err.value.missing == ["Соцсеть"]


def test_page_files_load_as_batches_once_with_their_quarantine(tmp_path: Path, dsn: str) -> None:
    f.write_csv(tmp_path / "pages" / ACTIVITY, ACTIVITY_HEADER, [week(), week(start="03.03.2026")])
    f.write_csv(tmp_path / "pages" / REGISTER, REGISTER_HEADER, [page(), page("https://vk.com/gzhi19")])
    first = load_landing(dsn, tmp_path, ("pages",))
    again = load_landing(dsn, tmp_path, ("pages",))
    assert [(b.file_name, b.rows_loaded, b.rows_quarantined) for b in first] == [
        (ACTIVITY, 1, 1),
        (REGISTER, 2, 0),
    ]
    assert {b.status for b in again} == {"skipped"}
    with psycopg.connect(dsn) as conn:
        pages = conn.execute("select page_url from raw.page_register order by source_row").fetchall()
        weeks = conn.execute("select week_start, source_row from raw.page_activity").fetchall()
        quarantined = conn.execute("select source_row, field from raw.quarantine").fetchall()
    assert pages == [("https://vk.com/minstroy19",), ("https://vk.com/gzhi19",)]
    assert weeks == [(date(2026, 3, 2), 2)]
    assert quarantined == [(3, "Неделя с")]
