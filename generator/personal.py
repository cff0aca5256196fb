"""Personal data planted in the free texts, in the shapes real texts carry it.

Residents write their phone, e-mail, СНИЛС or passport number, a link to their page and their own
name into appeals, posts and comments; officials address them by name in the answers. The warehouse
must redact all of it past ``raw`` (dbt/macros/pii/redact.sql), so the sample carries it:

* ПОС appeal texts (~15 %): the applicant's own phone (in one of the spellings residents use), e-mail,
  СНИЛС, passport, profile link or Telegram handle, and (~10 %) the applicant's name as written in
  a letter: «Я, Иванова Мария Петровна, …», «Ответ прошу направить Ивановой Марии Петровне»,
  «С уважением, Мария Иванова»;
* ПОС answers (~12 % of appeals): «Уважаемая Мария Петровна!» in every SEND_RESPONSE comment;
* Инцидент Менеджмент posts (~15 %): phones, e-mails, profile links (real exports carry no author name,
  so no name is planted there: nothing in the record would say whose name it is);
* survey comments (~10 %), «Дело» reports (~8 %) and indicator comments (~5 %): a phone or an e-mail.

Every value is drawn from a random stream of its own (``rng_for(seed, "pii", …)``), so the rest of the
sample is byte-identical to a sample without them. What was planted, and in which source, is written
to ``<out_dir>/_personal_data.json`` (next to ``_manifest.json``, outside the source folders): the
test that scans the warehouse past ``raw`` reads it instead of knowing the values. A name is recorded
as the phrase planted and each pair of adjacent words of it (a full first name or an oblique case
never occurs in the staff names of the sample, which are «Фамилия И. О.»), never as one word.
"""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from generator.common import rng_for
from generator.people import Person, translit

PERSONAL_DATA_NAME = "_personal_data.json"

APPEAL_CONTACT_SHARE = 0.15
APPEAL_NAME_SHARE = 0.10
ANSWER_NAME_SHARE = 0.12
POST_SHARE = 0.15
SURVEY_SHARE = 0.10
DELO_SHARE = 0.08
INDICATOR_SHARE = 0.05

CITY_CODES = ("3902", "39031", "39042", "39041", "39035")


@dataclass(frozen=True)
class Planted:
    source: str  # pos | im | surveys | delo | indicators | written | platform
    kind: str  # phone | email | document | profile | name
    value: str


# ---- Russian name forms -------------------------------------------------------------------------


def dative_surname(surname: str, female: bool) -> str:
    """Иванов -> Иванову, Иванова -> Ивановой, Островский -> Островскому, Сидоренко -> Сидоренко."""
    if surname.endswith("ко"):
        return surname
    if female:
        if surname.endswith("ая"):
            return surname[:-2] + "ой"
        if surname.endswith("а"):
            return surname[:-1] + "ой"
        return surname
    if surname.endswith("ий"):
        return surname[:-2] + "ому"
    return surname + "у"


def dative_name(name: str, female: bool) -> str:
    """Мария -> Марии, Анна -> Анне, Наталья -> Наталье, Любовь -> Любови, Иван -> Ивану,
    Андрей -> Андрею, Игорь -> Игорю, Никита -> Никите, Павел -> Павлу, Пётр -> Петру."""
    special = {"Павел": "Павлу", "Пётр": "Петру", "Лев": "Льву", "Любовь": "Любови"}
    if name in special:
        return special[name]
    if name.endswith("ия"):
        return name[:-1] + "и"
    if name.endswith(("а", "я")):
        return name[:-1] + "е"
    if name.endswith(("й", "ь")):
        return name[:-1] + "ю"
    return name if female else name + "у"


def dative_patronymic(patronymic: str) -> str:
    """Петрович -> Петровичу, Петровна -> Петровне."""
    return patronymic[:-1] + "е" if patronymic.endswith("а") else patronymic + "у"


# ---- value shapes -------------------------------------------------------------------------------


def phone_spelling(rng: random.Random, phone: str) -> str:
    """A +79XXXXXXXXX number as residents write it."""
    d = phone[-10:]
    code, a, b, c = d[:3], d[3:6], d[6:8], d[8:10]
    shapes = [
        f"+7 ({code}) {a}-{b}-{c}",
        f"8 {code} {a} {b} {c}",
        f"8{d}",
        f"+7{d}",
        f"8-{code}-{a}-{b}-{c}",
        f"8({code}){a}-{b}-{c}",
        f"+7 {code} {a}-{b}-{c}",
        f"({code}) {a}-{b}-{c}",
    ]
    return shapes[rng.randrange(len(shapes))]


def city_phone(rng: random.Random) -> str:
    """A landline of the republic: 8 (3902) 22-33-44, 8 (39031) 2-23-34."""
    code = rng.choice(CITY_CODES)
    if len(code) == 5:
        return f"8 ({code}) {rng.randrange(2, 10)}-{rng.randrange(10, 100)}-{rng.randrange(10, 100)}"
    return f"8 ({code}) {rng.randrange(20, 100)}-{rng.randrange(10, 100)}-{rng.randrange(10, 100)}"


def snils(rng: random.Random) -> str:
    n = f"{rng.randrange(10**9):09d}"
    return f"{n[:3]}-{n[3:6]}-{n[6:]} {rng.randrange(100):02d}"


def passport(rng: random.Random) -> str:
    series = f"95{rng.randrange(100):02d}"
    number = f"{rng.randrange(10**5, 10**6)}"
    return f"{series} {number}" if rng.random() < 0.6 else f"{series[:2]} {series[2:]} № {number}"


def profile_link(rng: random.Random, who: Person) -> str:
    login = f"{translit(who.name)}_{translit(who.surname)}{rng.randrange(10, 99)}"
    shapes = [
        f"vk.com/id{rng.randrange(10**6, 10**9)}",
        f"https://vk.com/{login}",
        f"https://ok.ru/profile/{rng.randrange(10**11, 10**12)}",
        f"t.me/{login}",
        f"@{login}",
    ]
    return shapes[rng.randrange(len(shapes))]


def person_of(applicant: dict[str, object]) -> Person:
    """The :class:`Person` of a ПОС ``Applicant`` record (a female patronymic ends in «на»)."""
    patronymic = str(applicant["Patronymic"])
    return Person(
        str(applicant["Surname"]),
        str(applicant["Name"]),
        patronymic,
        patronymic.endswith("на"),
        str(applicant["Email"]),
        str(applicant["Phone"]),
    )


# ---- the planter --------------------------------------------------------------------------------


@dataclass
class Planter:
    """Plants personal values into texts and remembers them (deterministic per record)."""

    seed: int
    planted: dict[Planted, None] = field(default_factory=dict)  # ordered set
    # appeal id -> the name in its answers' greeting, noted once an export shows an answer with it
    _greetings: dict[object, str] = field(default_factory=dict)

    def _rng(self, *parts: object) -> random.Random:
        return rng_for(self.seed, "pii", *parts)

    def _note(self, source: str, kind: str, value: str) -> str:
        self.planted.setdefault(Planted(source, kind, value))
        return value

    def _name(self, source: str, phrase: str) -> str:
        words = phrase.split()
        self._note(source, "name", phrase)
        for first, second in itertools.pairwise(words):
            self._note(source, "name", f"{first} {second}")
        return phrase

    def _contact(self, rng: random.Random, source: str, who: Person) -> str:
        """One sentence with one personal value of ``who``."""
        kind = rng.choices(["phone", "email", "document", "profile"], [0.45, 0.25, 0.15, 0.15])[0]
        if kind == "phone":
            value = self._note(source, kind, phone_spelling(rng, who.phone))
            return rng.choice([f"Мой телефон {value}.", f"Телефон для связи: {value}.", f"Звоните {value}."])
        if kind == "email":
            value = self._note(source, kind, who.email)
            return rng.choice([f"Ответ прошу на почту {value}.", f"Мой e-mail: {value}"])
        if kind == "document":
            if rng.random() < 0.5:
                return f"СНИЛС {self._note(source, kind, snils(rng))}."
            return f"Паспорт {self._note(source, kind, passport(rng))}."
        value = self._note(source, kind, profile_link(rng, who))
        return rng.choice([f"Моя страница: {value}", f"Пишите в личные сообщения {value}"])

    def appeal(self, record: dict[str, object], seq: int) -> None:
        """A ПОС appeal (the full simulated record): its text, and the answers addressing the applicant."""
        rng = self._rng("pos", seq)
        who = person_of(record["Applicant"])  # type: ignore[arg-type]
        text = str(record["Description"])
        if rng.random() < APPEAL_NAME_SHARE:
            full = f"{who.surname} {who.name} {who.patronymic}"
            dative = " ".join(
                (
                    dative_surname(who.surname, who.female),
                    dative_name(who.name, who.female),
                    dative_patronymic(who.patronymic),
                )
            )
            shape = rng.randrange(3)
            if shape == 0:
                text = f"Я, {self._name('pos', full)}, обращаюсь по вопросу. {text}"
            elif shape == 1:
                text = f"{text} Ответ прошу направить {self._name('pos', dative)}."
            else:
                text = f"{text} С уважением, {self._name('pos', f'{who.name} {who.surname}')}."
        if rng.random() < APPEAL_CONTACT_SHARE:
            text = f"{text} {self._contact(rng, 'pos', who)}"
            if rng.random() < 0.3:
                text = f"{text} {self._contact(rng, 'pos', who)}"
        record["Description"] = text
        if rng.random() < ANSWER_NAME_SHARE:
            dear = "Уважаемая" if who.female else "Уважаемый"
            name = f"{who.name} {who.patronymic}"
            for event in record["History"]:  # type: ignore[attr-defined]
                answer = event.get("Answer")
                if event["Status"] == "SEND_RESPONSE" and answer:
                    answer["Comment"] = f"{dear} {name}! {answer['Comment']}"
                    self._greetings[record["Id"]] = name

    def exported(self, record: dict[str, object]) -> None:
        """A ПОС export wrote ``record`` with its history: note the greeting once an answer shows it."""
        name = self._greetings.get(record["Id"])
        answers = [e.get("Answer") or {} for e in record.get("History") or []]  # type: ignore[attr-defined]
        if name is not None and any(name in str(a.get("Comment")) for a in answers):
            self._name("pos", name)
            del self._greetings[record["Id"]]

    def post(self, text: str, incident_id: int, author: Person) -> str:
        """An Инцидент Менеджмент post (its text as written, without the export's apostrophe)."""
        rng = self._rng("im", incident_id)
        if rng.random() >= POST_SHARE:
            return text
        return f"{text} {self._contact(rng, 'im', author)}"

    def survey_comment(self, comment: str, system: str, appeal_id: int, rated: str) -> str:
        rng = self._rng("surveys", system, appeal_id, rated)
        if rng.random() >= SURVEY_SHARE:
            return comment
        phone = self._note("surveys", "phone", phone_spelling(rng, f"+79{rng.randrange(10**9):09d}"))
        return f"{comment} Перезвоните мне: {phone}".strip()

    def delo_report(self, text: str, reply_isn: int) -> str:
        rng = self._rng("delo", reply_isn)
        if not text or rng.random() >= DELO_SHARE:
            return text
        phone = self._note("delo", "phone", phone_spelling(rng, f"+79{rng.randrange(10**9):09d}"))
        return f"{text}; заявителю сообщено по телефону {phone}"

    def indicator_comment(self, comment: object, ministry: str, year: int, row: int) -> object:
        rng = self._rng("indicators", ministry, year, row)
        if rng.random() >= INDICATOR_SHARE:
            return comment
        if rng.random() < 0.5:
            value = self._note("indicators", "phone", city_phone(rng))
            contact = f"Исполнитель: тел. {value}"
        else:
            surname = rng.choice(["Петрова", "Кызласов", "Сагалакова", "Орлов"])
            local = f"{translit(surname)}.{rng.randrange(10, 99)}"
            value = self._note("indicators", "email", f"{local}@mail.ru")
            contact = f"Исполнитель: {value}"
        return f"{comment}. {contact}" if comment else contact

    def free_text(self, source: str, text: str, key: object, who: Person) -> str:
        """A free text of the written appeals or the participation platform (~15 %): the author's
        phone, e-mail, document or profile link, as in ПОС appeal texts."""
        rng = self._rng(source, key)
        if rng.random() >= APPEAL_CONTACT_SHARE:
            return text
        return f"{text} {self._contact(rng, source, who)}"

    def write(self, out_dir: Path) -> Path:
        path = out_dir / PERSONAL_DATA_NAME
        body = {
            "about": "Personal values the generator planted in free texts (generator/personal.py).",
            "values": [
                {"source": p.source, "kind": p.kind, "value": p.value}
                for p in sorted(self.planted, key=lambda p: (p.source, p.kind, p.value))
            ],
        }
        path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return path


def read_planted(out_dir: Path) -> list[Planted]:
    """The values :meth:`Planter.write` recorded for a generated landing folder."""
    body = json.loads((out_dir / PERSONAL_DATA_NAME).read_text(encoding="utf-8"))
    return [Planted(**v) for v in body["values"]]
