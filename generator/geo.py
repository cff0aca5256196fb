"""Places in the Republic of Khakassia: settlements, streets and coordinates of each municipality.

In: a municipality (from the catalog) and a random stream. Out: an :class:`Address` with a plausible
street address and coordinates near the settlement (latitude 51.5–55.5, longitude 88.5–92.0), and the
platforms' own spellings of a municipality (:func:`platform_name`: «Абакан г.о.», «г. Абакан», «Абакан
г.», «городской округ город Абакан», «Аскизский р-н» …) and of an address (:func:`spelled_text`), so
that the warehouse must normalise them against the OKTMO reference. :data:`UNPLACED` is the bucket a
real export uses for a place outside every municipality.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from generator.catalog import Municipality

# OKTMO -> [(settlement, latitude, longitude), ...]; the first one is the administrative centre.
SETTLEMENTS: dict[str, list[tuple[str, float, float]]] = {
    "95701000": [("г. Абакан", 53.7213, 91.4424)],
    "95702000": [("г. Абаза", 52.6517, 90.0886)],
    "95708000": [
        ("г. Саяногорск", 53.1000, 91.4125),
        ("рп Майна", 52.9850, 91.4706),
        ("рп Черёмушки", 52.8700, 91.4100),
    ],
    "95709000": [("г. Сорск", 54.0003, 90.2508)],
    "95715000": [("г. Черногорск", 53.8236, 91.2842), ("с. Енисейское", 53.8300, 91.2000)],
    "95605000": [
        ("с. Белый Яр", 53.6036, 91.3878),
        ("с. Подсинее", 53.6500, 91.5200),
        ("с. Очуры", 53.5000, 91.0300),
    ],
    "95608000": [
        ("с. Аскиз", 53.1336, 90.5278),
        ("рп Вершина Тёи", 53.0200, 89.7300),
        ("с. Бельтирское", 53.0400, 90.4000),
        ("с. Балыкса", 52.6100, 89.4500),
    ],
    "95612000": [
        ("с. Бея", 53.0503, 90.9217),
        ("с. Табат", 53.0900, 91.1000),
        ("с. Новоенисейка", 53.2000, 91.0800),
    ],
    "95615000": [("с. Боград", 54.2333, 90.8333), ("с. Сарагаш", 54.3000, 91.0300)],
    "95620000": [("п. Копьёво", 54.9917, 89.8694), ("с. Устинкино", 54.8700, 89.9000)],
    "95625000": [("с. Таштып", 52.7911, 89.8908), ("с. Арбаты", 52.6100, 89.7200)],
    "95630000": [
        ("рп Усть-Абакан", 53.8336, 91.4297),
        ("с. Калинино", 53.7400, 91.5100),
        ("с. Зелёное", 53.7900, 91.3700),
        ("рп Вершино-Биджа", 53.9800, 91.2500),
    ],
    "95635000": [
        ("с. Шира", 54.4914, 89.9631),
        ("п. Жемчужный", 54.5200, 90.0100),
        ("с. Туим", 54.3300, 89.9500),
    ],
}
STREETS = [
    "ул. Ленина",
    "ул. Советская",
    "ул. Мира",
    "ул. Пушкина",
    "ул. Кирова",
    "ул. Щетинкина",
    "ул. Вяткина",
    "ул. Чертыгашева",
    "ул. Крылова",
    "ул. Пирятинская",
    "ул. Некрасова",
    "ул. Гагарина",
    "ул. Комарова",
    "ул. Октябрьская",
    "ул. Садовая",
    "ул. Школьная",
    "ул. Молодёжная",
    "ул. Набережная",
    "ул. Лесная",
    "ул. Торговая",
    "ул. Аскизская",
    "ул. Катанова",
    "ул. Хакасская",
    "ул. Тельмана",
    "ул. Маршала Жукова",
    "пр-т Ленина",
    "пр-т Дружбы Народов",
    "ул. Кравченко",
    "ул. Согринская",
    "ул. Игарская",
    "ул. Заводская",
    "ул. Полярная",
    "ул. Космонавтов",
    "ул. Степная",
    "ул. Трудовая",
    "пер. Северный",
]


@dataclass(frozen=True)
class Address:
    settlement: str
    street: str
    house: str
    municipality: Municipality
    latitude: float
    longitude: float

    @property
    def text(self) -> str:
        prefix = "" if self.municipality.is_city else f"{self.municipality.short_name} район, "
        return f"{prefix}{self.settlement}, {self.street}, д. {self.house}"


def address(rng: random.Random, muni: Municipality) -> Address:
    places = SETTLEMENTS[muni.oktmo]
    settlement, lat, lon = places[0] if rng.random() < 0.6 else places[rng.randrange(len(places))]
    house = str(rng.randrange(1, 120))
    if rng.random() < 0.1:
        house += rng.choice("абв")
    return Address(
        settlement,
        STREETS[rng.randrange(len(STREETS))],
        house,
        muni,
        round(lat + rng.uniform(-0.025, 0.025), 6),
        round(lon + rng.uniform(-0.04, 0.04), 6),
    )


# What an Инцидент Менеджмент export writes in «Муниципалитет» for a place it could not put in a
# municipality (a real export has «Омская область, другое»): the warehouse cannot place it either.
UNPLACED = "Республика Хакасия, другое"


def platform_name(rng: random.Random, muni: Municipality) -> str:
    """One of the spellings platforms use for the municipality, the OKTMO name included."""
    if muni.is_city:
        forms = [
            muni.name,
            muni.short_name,
            f"{muni.short_name} г.о.",
            f"г. {muni.short_name}",
            f"{muni.short_name} г.",
            f"городской округ {muni.name}",
        ]
    else:
        forms = [muni.name, muni.short_name, f"{muni.short_name} р-н", f"{muni.short_name} район"]
    return forms[rng.randrange(len(forms))]


def spelled_text(rng: random.Random, addr: Address) -> str:
    """The address with its municipality in a platform spelling first («Аскизский р-н, с. Аскиз, …»)."""
    settlement = "" if addr.settlement == f"г. {addr.municipality.short_name}" else f"{addr.settlement}, "
    return f"{platform_name(rng, addr.municipality)}, {settlement}{addr.street}, д. {addr.house}"


def street_only(addr: Address) -> str:
    """The address without any settlement or municipality (only the coordinates can place it)."""
    return f"{addr.street}, д. {addr.house}"
