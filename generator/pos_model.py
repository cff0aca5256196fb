"""One ПОС appeal from creation to the applicant's rating, and its state as of a moment.

In: a random stream, the appeal's number and creation time, its subject and place. Out: the *full*
appeal (a JSON-ready dict with every future status event, plus private keys starting with ``_``)
and, by :func:`project`, the record an export taken at a given moment shows (events up to then).
Status flow: MODERATION_NEW → MODERATION_ACCEPT (or MODERATION_DECLINE with a reject reason, ~5 %)
→ [FORWARD_TO_*] → TAKE_TO_WORK → SET_EXECUTOR → [POSTPONE] → SEND_RESPONSE [→ SEND_RESPONSE];
timestamps never go back. The hard cases the warehouse must get right are all here:

* two kinds (``AppealKind``): a ПОС сообщение (~75 %), answered in a lognormal time with a long tail
  (~85–90 % within its 8 days), and a 59-ФЗ обращение (~25 %) with 30 days, extendable once by 30
  (a POSTPONE before the deadline; a few are postponed only after it, which extends nothing);
* appeals never answered (~2 %: open past their deadline in every later export);
* appeals answered twice (~3 %: ``AnswerAt`` is the latest answer, the first SEND_RESPONSE counts);
* ratings only in the response survey (``_ratings``: (rating, when) given after the answer, ~45 %
  of answered appeals, ~8 % of them rated again later); the export carries no rating.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from generator import texts
from generator.catalog import Municipality, PosSubject
from generator.common import iso
from generator.geo import SETTLEMENTS, Address, address, spelled_text, street_only
from generator.orgs import OrgChooser
from generator.people import Person, person

STATUS_TEXT = {
    "MODERATION_NEW": "Новое обращение, на модерации",
    "MODERATION_ACCEPT": "Принято модератором",
    "MODERATION_DECLINE": "Отклонено модератором",
    "FORWARD_TO_PARENT": "Перенаправлено в вышестоящую организацию",
    "FORWARD_TO_SUBORDINATE": "Перенаправлено в подведомственную организацию",
    "TAKE_TO_WORK": "Взято в работу",
    "SET_EXECUTOR": "Назначен исполнитель",
    "POSTPONE": "Срок рассмотрения продлён",
    "SEND_RESPONSE": "Ответ направлен",
}
RATING_WEIGHTS = (0.12, 0.08, 0.15, 0.25, 0.40)  # 1..5: 65 % are 4 or 5
APPEAL_59FZ_SHARE = 0.25  # share of 59-ФЗ обращения among ПОС items (the rest are сообщения)
NEVER_ANSWERED_SHARE = 0.02
ANSWERED_TWICE_SHARE = 0.03
RERATED_SHARE = 0.08
REPEAT_SHARE = 0.08
REPEAT_WINDOW = timedelta(days=30)
# Where regional bodies (ministries, utilities without a municipality of their own) sit: the capital.
# OrganizationInfo.Oktmo is the answering body's place, not the appeal's (the domain guide: a ministry sits in
# the capital), so an appeal from Бея answered by a ministry carries Абакан's OKTMO.
CAPITAL_OKTMO = "95701000"
# Shares of the ПОС Location forms: a platform spelling of the municipality («Аскизский р-н, …», «Абакан
# г., …»), an address without any settlement (only the coordinates place it) and no location at all
# (the answering body is the only clue). The rest is the plain address.
LOCATION_SPELLED, LOCATION_STREET_ONLY, LOCATION_NONE = 0.25, 0.04, 0.02
MODERATORS = [
    "Модератор ЦУР Иванова А. С.",
    "Модератор ЦУР Петров Д. В.",
    "Модератор ЦУР Чебодаева Е. Н.",
    "Модератор ЦУР Кузнецов И. А.",
]


@dataclass(frozen=True)
class Applicant:
    epgu_id: str
    person: Person
    subject: PosSubject
    place: Address
    created: datetime


class RecentApplicants:
    """A bounded ring of recent applicants, from which repeat appeals are drawn."""

    def __init__(self, size: int = 4096) -> None:
        self._ring: deque[Applicant] = deque(maxlen=size)

    def add(self, a: Applicant) -> None:
        self._ring.append(a)

    def repeat_of(self, rng: random.Random, now: datetime) -> Applicant | None:
        if not self._ring or rng.random() >= REPEAT_SHARE:
            return None
        for _ in range(4):
            i = len(self._ring) - 1 - int(rng.random() ** 2 * len(self._ring))
            a = self._ring[i]
            if timedelta(0) <= now - a.created <= REPEAT_WINDOW:
                return a
        return None


def _event(status: str, at: datetime, by: str, answer: dict[str, object] | None = None) -> dict[str, object]:
    return {
        "Status": status,
        "StatusText": STATUS_TEXT[status],
        "CreatedAt": iso(at),
        "CreatedBy": by,
        "Answer": answer,
    }


def _hours(rng: random.Random, median: float, sigma: float, cap: float) -> timedelta:
    return timedelta(hours=min(cap, median * rng.lognormvariate(0.0, sigma)))


def _office_hours(rng: random.Random, t: datetime) -> datetime:
    """Answers go out in the daytime: a night-time moment moves to the next morning."""
    t = t.replace(microsecond=0)
    if 8 <= t.hour < 20:
        return t
    day = t.date() if t.hour < 8 else t.date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, 8) + timedelta(seconds=rng.randrange(10 * 3600))


def simulate(
    rng: random.Random,
    seq: int,
    created: datetime,
    subject: PosSubject,
    muni: Municipality,
    orgs: OrgChooser,
    recent: RecentApplicants,
) -> dict[str, object]:
    """The full appeal number ``seq`` (0-based) created at ``created``; a repeat appeal (~8 %) takes
    the applicant, subject and address of a recent one."""
    prior = recent.repeat_of(rng, created)
    if prior is not None:
        who, epgu, subject, place = prior.person, prior.epgu_id, prior.subject, prior.place
    else:
        who, epgu, place = person(rng), f"10{rng.randrange(10**8):08d}", address(rng, muni)
    recent.add(Applicant(epgu, who, subject, place, created))
    org = orgs.choose(rng, subject.sector_code, place.municipality.oktmo)
    moderator = MODERATORS[rng.randrange(len(MODERATORS))]
    history = [_event("MODERATION_NEW", created, "Система")]
    t = created
    answer_at: datetime | None = None
    ratings: list[tuple[int, datetime]] = []
    is_59fz = rng.random() < APPEAL_59FZ_SHARE
    if rng.random() < 0.05:
        t += _hours(rng, 3.0, 1.0, 72)
        reason = texts.REJECT_REASONS[rng.randrange(len(texts.REJECT_REASONS))]
        history.append(
            _event(
                "MODERATION_DECLINE",
                t,
                moderator,
                {"AnswerType": "Отклонено", "Comment": reason, "RejectReason": {"Name": reason}},
            )
        )
    else:
        if is_59fz:
            # 30 days; a postponed one is answered within the extended 60 (mostly), and ~1 in 5
            # postponements is recorded only after the 30 days have run out
            answer_days = min(120.0, 12.0 * rng.lognormvariate(0.0, 0.55))
            postponed = rng.random() < 0.15
            if postponed:
                answer_days = max(answer_days, 31.0 + rng.random() * 30)
            postpone_day = 32.0 if rng.random() < 0.2 else 10.0 + rng.random() * 18
        else:
            answer_days = min(120.0, 3.0 * rng.lognormvariate(0.0, 0.72))
            postponed = rng.random() < 0.06
            if postponed:
                answer_days = max(answer_days * 2.5, 9.0 + rng.random() * 10)
            postpone_day = answer_days * 0.4
        never_answered = rng.random() < NEVER_ANSWERED_SHARE
        deadline = created + timedelta(days=answer_days)
        t += _hours(rng, 2.0, 1.0, 36)
        history.append(_event("MODERATION_ACCEPT", t, moderator))
        if rng.random() < 0.12:
            t += _hours(rng, 4.0, 1.0, 48)
            kind = "FORWARD_TO_PARENT" if rng.random() < 0.5 else "FORWARD_TO_SUBORDINATE"
            history.append(_event(kind, t, org.name))
        t += _hours(rng, 3.0, 1.0, 48)
        history.append(_event("TAKE_TO_WORK", t, org.name))
        t += _hours(rng, 2.0, 1.0, 24)
        executor = person(rng)
        history.append(_event("SET_EXECUTOR", t, executor.short))
        if postponed:
            t = max(t, created + timedelta(days=min(postpone_day, answer_days - 0.5))) + timedelta(
                minutes=rng.randrange(1, 600)
            )
            history.append(
                _event(
                    "POSTPONE",
                    t,
                    executor.short,
                    {
                        "AnswerType": "Продление срока",
                        "Comment": rng.choice(texts.POSTPONE_COMMENTS),
                        "RejectReason": None,
                    },
                )
            )
        if not never_answered:
            answer_at = _office_hours(rng, max(deadline, t + timedelta(minutes=rng.randrange(30, 600))))
            answers = [answer_at]
            if rng.random() < ANSWERED_TWICE_SHARE:
                answers.append(_office_hours(rng, answer_at + _hours(rng, 72.0, 0.8, 24 * 30)))
            for at in answers:
                history.append(
                    _event(
                        "SEND_RESPONSE",
                        at,
                        executor.short,
                        {
                            "AnswerType": rng.choice(texts.ANSWER_TYPES),
                            "Comment": rng.choice(texts.ANSWER_COMMENTS),
                            "RejectReason": None,
                        },
                    )
                )
            answer_at = answers[-1]
            if rng.random() < 0.45:
                rated_at = answer_at + _hours(rng, 20.0, 1.0, 24 * 20)
                ratings.append((rng.choices((1, 2, 3, 4, 5), RATING_WEIGHTS)[0], rated_at))
                if rng.random() < RERATED_SHARE:
                    ratings.append(
                        (
                            rng.choices((1, 2, 3, 4, 5), RATING_WEIGHTS)[0],
                            rated_at + _hours(rng, 48.0, 1.0, 24 * 30),
                        )
                    )
    last = max(str(e["CreatedAt"]) for e in history)
    year = created.year
    return {
        "Id": 1_000_001 + seq,
        "PosId": f"ПОС-{year}-{seq + 1:07d}",
        "Applicant": {
            "EpguId": epgu,
            "Surname": who.surname,
            "Name": who.name,
            "Patronymic": who.patronymic,
            "Email": who.email,
            "Phone": who.phone,
        },
        "Description": texts.appeal_text(rng, subject, prior is not None),
        "SubjectId": subject.subject_id,
        "SubjectName": subject.subject_name,
        "SubsubjectId": subject.subsubject_id,
        "SubsubjectName": subject.subsubject_name,
        "Location": _location(rng, place),
        "OrganizationInfo": {
            "Name": org.name,
            "Address": org.address,
            "Inn": org.inn,
            "Kpp": org.kpp,
            "Ogrn": org.ogrn,
            "Oktmo": org.oktmo or CAPITAL_OKTMO,
        },
        "CreatedAt": iso(created),
        "Status": history[-1]["Status"],
        "StatusText": history[-1]["StatusText"],
        "AnswerAt": iso(answer_at) if answer_at else None,
        "AppealKind": "обращение" if is_59fz else "сообщение",
        "History": history,
        "_ratings": [(r, iso(at)) for r, at in ratings],
        "_last": last,
    }


def project(full: dict[str, object], cutoff: str) -> dict[str, object]:
    """The appeal as an export taken at ``cutoff`` (ISO text, exclusive) shows it."""
    events = [e for e in full["History"] if str(e["CreatedAt"]) < cutoff]  # type: ignore[union-attr]
    last = events[-1]
    answered = last["Status"] == "SEND_RESPONSE"
    rec = {k: v for k, v in full.items() if not k.startswith("_")}
    rec["Status"] = last["Status"]
    rec["StatusText"] = last["StatusText"]
    rec["AnswerAt"] = str(last["CreatedAt"]) if answered else None  # the latest answer so far
    rec["History"] = events
    return rec


def changed_between(full: dict[str, object], since: str, cutoff: str) -> bool:
    """Whether the appeal changed in [since, cutoff): a new status event (ratings are not in it)."""
    times = [str(e["CreatedAt"]) for e in full["History"]]  # type: ignore[union-attr]
    return any(since <= t < cutoff for t in times)


def pending_after(full: dict[str, object], cutoff: str) -> bool:
    """Whether the appeal still changes at or after ``cutoff``."""
    return str(full["_last"]) >= cutoff


def _location(rng: random.Random, place: Address) -> dict[str, object]:
    """The ПОС ``Location`` of an appeal at ``place``, in one of the forms real appeals take."""
    r = rng.random()
    coords: dict[str, object] = {"Latitude": place.latitude, "Longitude": place.longitude}
    if r < LOCATION_NONE:
        return {"Address": None, "Latitude": None, "Longitude": None}
    at_centre = place.settlement == SETTLEMENTS[place.municipality.oktmo][0][0]
    if r < LOCATION_NONE + LOCATION_STREET_ONLY and at_centre:
        return {"Address": street_only(place), **coords}
    if r < LOCATION_NONE + LOCATION_STREET_ONLY + LOCATION_SPELLED:
        return {"Address": spelled_text(rng, place), **coords}
    return {"Address": place.text, **coords}
