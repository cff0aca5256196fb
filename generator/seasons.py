"""How demand varies: the share of each sector, its seasonality, and when in the day appeals arrive.

In: the catalog and a calendar month. Out: weights and pickers used by the ПОС and Инцидент
Менеджмент generators (heating peaks October–March, potholes March–May, snow December–February,
waste collection in summer).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from generator.catalog import Catalog, ImTopic, PosSubject
from generator.common import Month, Picker, apportion, rng_for

SECTOR_SHARE = {
    "zhkh": 0.26,
    "roads": 0.15,
    "tko": 0.09,
    "health": 0.10,
    "energy": 0.06,
    "education": 0.07,
    "transport": 0.06,
    "social": 0.07,
    "construction": 0.06,
    "undefined": 0.08,
}
# Multiplier by calendar month (January first).
SECTOR_SEASON = {
    "zhkh": [1.6, 1.5, 1.3, 1.0, 0.8, 0.6, 0.6, 0.7, 0.9, 1.4, 1.6, 1.7],
    "roads": [1.4, 1.3, 1.5, 1.8, 1.6, 1.0, 0.8, 0.8, 0.8, 0.9, 1.1, 1.4],
    "tko": [0.8, 0.8, 0.9, 1.1, 1.3, 1.6, 1.7, 1.6, 1.2, 1.0, 0.9, 0.9],
    "energy": [1.3, 1.2, 1.0, 0.9, 0.9, 1.0, 1.1, 1.0, 0.9, 1.0, 1.2, 1.3],
    "education": [1.0, 1.0, 1.0, 1.0, 1.1, 0.7, 0.6, 1.3, 1.5, 1.0, 1.0, 1.0],
    "health": [1.2, 1.2, 1.1, 1.0, 0.9, 0.9, 0.9, 0.9, 1.0, 1.1, 1.2, 1.2],
    "transport": [1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.9, 1.0, 1.2, 1.0, 1.0, 1.0],
    "social": [1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1],
    "construction": [0.8, 0.8, 0.9, 1.0, 1.1, 1.2, 1.2, 1.2, 1.1, 1.0, 0.9, 0.8],
    "undefined": [0.8, 0.8, 0.9, 1.1, 1.3, 1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.8],
}
# Subcategories with their own season on top of the sector's.
SUBSUBJECT_SEASON = {
    10101: [2.0, 1.8, 1.3, 0.8, 0.3, 0.1, 0.05, 0.05, 0.4, 1.8, 2.0, 2.2],
    10102: [2.0, 1.8, 1.3, 0.8, 0.3, 0.1, 0.05, 0.05, 0.4, 1.8, 2.0, 2.2],
    10103: [0.3, 0.2, 0.3, 0.8, 1.0, 0.2, 0.1, 0.2, 1.5, 2.0, 0.5, 0.3],
    60101: [0.5, 0.5, 1.5, 2.5, 2.2, 1.2, 0.8, 0.8, 0.7, 0.6, 0.4, 0.4],
    60102: [2.5, 2.2, 1.2, 0.3, 0.02, 0.01, 0.01, 0.01, 0.02, 0.3, 1.5, 2.5],
    20101: [0.8, 0.8, 0.9, 1.1, 1.3, 1.7, 1.8, 1.7, 1.2, 1.0, 0.9, 0.9],
}
# Topic words with a season in Инцидент Менеджмент.
TOPIC_SEASON_WORDS = {
    "отоплен": SUBSUBJECT_SEASON[10101],
    "снег": SUBSUBJECT_SEASON[60102],
    "ямы": SUBSUBJECT_SEASON[60101],
    "асфальт": SUBSUBJECT_SEASON[60101],
    "паводк": [0.1, 0.1, 0.5, 2.5, 2.0, 0.8, 0.6, 0.4, 0.2, 0.1, 0.1, 0.1],
    "клещ": [0.0, 0.0, 0.2, 1.5, 3.0, 2.5, 1.5, 0.8, 0.3, 0.0, 0.0, 0.0],
}
HOUR_WEIGHTS = [
    0.3,
    0.2,
    0.1,
    0.1,
    0.1,
    0.2,
    0.5,
    1.2,
    2.2,
    3.0,
    3.2,
    3.0,
    2.6,
    2.6,
    2.8,
    2.7,
    2.5,
    2.3,
    2.2,
    2.4,
    2.5,
    2.2,
    1.5,
    0.8,
]
_HOURS = Picker(list(range(24)), HOUR_WEIGHTS)


def subject_weight(s: PosSubject, month_num: int) -> float:
    subs = SECTOR_SHARE.get(s.sector_code, 0.05)
    season = SECTOR_SEASON.get(s.sector_code, [1.0] * 12)[month_num - 1]
    own = SUBSUBJECT_SEASON.get(s.subsubject_id, [1.0] * 12)[month_num - 1]
    return subs * season * own


def pos_subject_picker(catalog: Catalog, month_num: int) -> Picker[PosSubject]:
    per_sector: dict[str, int] = {}
    for s in catalog.pos_subjects:
        per_sector[s.sector_code] = per_sector.get(s.sector_code, 0) + 1
    weights = [subject_weight(s, month_num) / per_sector[s.sector_code] for s in catalog.pos_subjects]
    return Picker(catalog.pos_subjects, weights)


def month_volume_weight(catalog: Catalog, month: Month) -> float:
    """Relative number of appeals in a month (its days times the seasonal demand)."""
    picker_weights = pos_subject_picker(catalog, month.start.month)._total
    return month.days * picker_weights


def topic_base_weight(seed: int, t: ImTopic) -> float:
    """A fixed popularity of a topic: a few frequent topics, a long tail of rare ones."""
    r = rng_for(seed, "topic-weight", t.topic).random()
    base = 0.05 + 6.0 * r**6
    if t.topic_group:
        base *= 4.0  # the topics seen in a real export are the frequent ones
    if t.sector_code != "undefined":
        base *= 1.5
    return base


def im_topic_picker(seed: int, catalog: Catalog, month_num: int) -> Picker[ImTopic]:
    weights = []
    for t in catalog.im_topics:
        w = topic_base_weight(seed, t) * SECTOR_SEASON.get(t.sector_code, [1.0] * 12)[month_num - 1]
        low = t.topic.lower()
        for word, season in TOPIC_SEASON_WORDS.items():
            if word in low:
                w *= season[month_num - 1]
        weights.append(w)
    return Picker(catalog.im_topics, weights)


def daily_counts(catalog: Catalog, month: Month, total: int) -> list[int]:
    """Split a month's count over its days: fewer on weekends and holidays."""
    weights = []
    for i in range(month.days):
        d = (month.start + timedelta(days=i)).date()
        off = d in catalog.days_off or (d.weekday() >= 5 and d not in catalog.working_weekends)
        weights.append(0.55 if off else 1.0)
    return apportion(total, weights)


def times_of_day(rng: random.Random, day: datetime, count: int) -> list[datetime]:
    """``count`` sorted moments within ``day``, most of them in the daytime."""
    secs = sorted(_HOURS.pick(rng) * 3600 + rng.randrange(3600) for _ in range(count))
    return [day + timedelta(seconds=s) for s in secs]
