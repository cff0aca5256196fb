"""The raw layer: every raw table, its columns and types. The DDL is generated from here.

Every raw table also carries ``batch_id`` (the load batch, see ``raw.load_batches``) and
``source_row`` (the row, line or record number in the file), so any number in a mart can be traced
back to its file and row. Raw column names are English snake_case; the source's own names are mapped
in the reader of each format (``ingestion/sources``).
"""

from __future__ import annotations

from dataclasses import dataclass

RAW_SCHEMA = "raw"


# What a column holds of personal data, and what the retention purge (ingestion/retention.py) does
# with it once the batch is older than the retention period:
#   name                  a citizen's name part: replaced by the placeholder [ФИО] (a blank stays blank)
#   epgu, email, phone,   an identifier: replaced by its keyed pseudonym (``pseudonym:<key>``, a URL's
#   url                   site kept: ``https://vk.com/pseudonym:<key>``), which staging reads back as is
#   text                  free text: redacted as staging redacts it (dbt/macros/pii/redact.sql)
PERSONAL_KINDS = ("name", "epgu", "email", "phone", "url", "text")


@dataclass(frozen=True)
class Column:
    name: str
    pg_type: str
    required: bool = False
    description: str = ""
    personal: str = ""  # one of PERSONAL_KINDS, or "" for a column without personal data


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    # The columns that identify one source row within a file: a second row with the same key in the
    # same file is quarantined as a duplicate (empty: no such check).
    key: tuple[str, ...] = ()
    # Columns of a second index, for the dbt models that read the rows of one item across batches (the
    # incremental int_appeals__unioned: every export of the appeals of a new batch); empty: none.
    lookup: tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        return f"{RAW_SCHEMA}.{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def personal_columns(self) -> tuple[Column, ...]:
        """The columns that hold personal data (see PERSONAL_KINDS)."""
        return tuple(c for c in self.columns if c.personal)

    def ddl(self) -> str:
        cols = [
            "batch_id bigint not null references raw.load_batches (batch_id)",
            "source_row integer not null",
        ]
        cols += [f"{c.name} {c.pg_type}{' not null' if c.required else ''}" for c in self.columns]
        body = ",\n    ".join(cols)
        lookup = ", ".join(self.lookup)
        return (
            f"create table if not exists {self.qualified} (\n    {body}\n);\n"
            # tables created before the extras column existed get it (nullable, so this is cheap)
            f"alter table {self.qualified} add column if not exists extras jsonb;\n"
            f"create index if not exists {self.name}__batch_idx on {self.qualified} (batch_id);\n"
            + (
                f"create index if not exists {self.name}__lookup_idx on {self.qualified} ({lookup});\n"
                if self.lookup
                else ""
            )
        )


def _c(
    name: str, pg_type: str = "text", required: bool = False, description: str = "", personal: str = ""
) -> Column:
    if personal not in ("", *PERSONAL_KINDS):
        raise ValueError(f"{name}: unknown kind of personal data {personal!r}")
    return Column(name, pg_type, required, description, personal)


TS = "timestamptz"

# Every raw table ends with this column: the source columns the reader does not know (a new platform
# version, another region's export), as {"header as written": "value as text"} per row; null when none.
EXTRAS = _c("extras", "jsonb", description="Unknown source columns of the row: {header: value}")

POS_APPEALS = Table(
    "pos_appeals",
    "ПОС appeals, one row per appeal per export file (the same appeal reappears in later exports).",
    (
        _c("appeal_id", "bigint", True, "Id: the platform's appeal id"),
        _c("pos_id", description="PosId: the public number of the appeal"),
        _c("applicant_epgu_id", description="Applicant.EpguId (personal data)", personal="epgu"),
        _c("applicant_surname", description="Applicant.Surname (personal data)", personal="name"),
        _c("applicant_name", description="Applicant.Name (personal data)", personal="name"),
        _c("applicant_patronymic", description="Applicant.Patronymic (personal data)", personal="name"),
        _c("applicant_email", description="Applicant.Email (personal data)", personal="email"),
        _c("applicant_phone", description="Applicant.Phone (personal data)", personal="phone"),
        _c("description", description="Description: the text of the appeal", personal="text"),
        _c("subject_id", "integer", description="SubjectId: category"),
        _c("subject_name", description="SubjectName: category name"),
        _c("subsubject_id", "integer", description="SubsubjectId: subcategory"),
        _c("subsubject_name", description="SubsubjectName: subcategory name"),
        _c("location_address", description="Location.Address"),
        _c("location_latitude", "numeric(9,6)", description="Location.Latitude"),
        _c("location_longitude", "numeric(9,6)", description="Location.Longitude"),
        _c("org_name", description="OrganizationInfo.Name: the body that handles the appeal"),
        _c("org_address", description="OrganizationInfo.Address"),
        _c("org_inn", description="OrganizationInfo.Inn"),
        _c("org_kpp", description="OrganizationInfo.Kpp"),
        _c("org_ogrn", description="OrganizationInfo.Ogrn"),
        _c("org_oktmo", description="OrganizationInfo.Oktmo: municipality code"),
        _c("created_at", TS, True, "CreatedAt"),
        _c("status", required=True, description="Status code (MODERATION_NEW … SEND_RESPONSE)"),
        _c("status_text", description="StatusText"),
        _c("answer_at", TS, description="AnswerAt: when the response was sent"),
        _c("rating", "smallint", description="Rating 1–5 from the response survey"),
        _c("appeal_kind", description="AppealKind: 'обращение' (59-ФЗ) or 'сообщение'"),
        _c("source_format", required=True, description="jsonl or csv: which export variant"),
        EXTRAS,
    ),
    key=("appeal_id",),
    lookup=("appeal_id",),
)

POS_APPEAL_EVENTS = Table(
    "pos_appeal_events",
    "ПОС status history: one row per status event of an appeal (from the nested JSON export).",
    (
        _c("appeal_id", "bigint", True, "Id of the appeal"),
        _c("event_seq", "integer", True, "Position of the event in the appeal's history (1-based)"),
        _c("status", required=True, description="Status code"),
        _c("status_text", description="StatusText"),
        _c("created_at", TS, True, "CreatedAt of the event"),
        _c("created_by", description="CreatedBy: the user or body"),
        _c("answer_type", description="Answer.AnswerType"),
        _c("answer_comment", description="Answer.Comment", personal="text"),
        _c("reject_reason", description="Answer.RejectReason.Name", personal="text"),
        EXTRAS,
    ),
    key=("appeal_id", "event_seq"),
    lookup=("appeal_id",),
)

IM_INCIDENTS = Table(
    "im_incidents",
    "Инцидент Менеджмент social-media incidents, one row per incident per export file (the real "
    "47-column export; columns other regions add are kept in extras).",
    (
        _c("cabinet", description="Кабинет: the region's workspace on the platform"),
        _c("incident_id", "bigint", True, "ID"),
        _c("incident_number", required=True, description="Номер инцидента"),
        _c("department", description="Отдел: the responsible body, in the platform's spelling"),
        _c("executor", description="Исполнитель"),
        _c("total_first_response_seconds", "numeric", description="Общее время первого ответа"),
        _c("total_first_response_text", description="Общий текст первого ответа", personal="text"),
        _c("first_response_seconds", "numeric", description="Время с даты создания … до первого ответа"),
        _c("first_response_work_seconds", "numeric", description="… до первого ответа, рабочее время"),
        _c("assigned_at", TS, description="Время назначения последнего исполнителя"),
        _c("first_response_at", TS, description="Время 1го ответа ПИ"),
        _c("assignment_response_seconds", "numeric", description="Первая реакция с момента назн. ПИ"),
        _c("on_time_after_assignment", description="Уложились или нет после назн. ПИ (Да / -)"),
        _c("total_duration_seconds", "numeric", description="Время с начала создания инцидента до окончания"),
        _c("approval_sent_at", TS, description="Время отправки первого ответа ПИ на согласование"),
        _c(
            "approval_seconds",
            "numeric",
            description="Время, которое первый ответ ПИ находился на согласовании",
        ),
        _c("current_step", description="Текущий шаг инцидента"),
        _c("created_at", TS, True, "Дата создания"),
        _c("finished_at", TS, description="Дата окончания"),
        _c("topic_group", description="Группа тем"),
        _c("topic", description="Тема"),
        _c("region", description="Регион"),
        _c("municipality", description="Муниципалитет, in the platform's spelling"),
        _c("locality", description="Населенный пункт"),
        _c("street", description="Улица"),
        _c("house", description="Дом"),
        _c("object_old", description="Объект старый (empty in real exports)"),
        _c("object", description="Объект"),
        _c("incident_type", description="Тип инцидента (Решаемый / Информационный)"),
        _c("outcome", description="Итог"),
        _c("response_has_media", description="Есть медиафайл в ответе"),
        _c("message_has_media", description="Есть медиафайл в сообщении"),
        _c("post_url", description="Урл поста", personal="url"),
        _c("blog_url", description="Урл блога", personal="url"),
        _c("incident_text", description="Текст инцидента", personal="text"),
        _c("first_response_text", description="1ый ответ ПИ", personal="text"),
        _c("second_response_text", description="2ой ответ ПИ", personal="text"),
        _c("third_response_text", description="3ий ответ ПИ", personal="text"),
        _c("closing_reason", description="Причина закрытия"),
        _c("audience", "bigint", description="Аудитория"),
        _c("engagement", "bigint", description="Вовлеченность"),
        _c("author_url", description="URL автора (personal data)", personal="url"),
        _c("response_account", description="Аккаунт публикации ответа"),
        _c("tags", description="Теги", personal="text"),
        _c("note", description="Примечание", personal="text"),
        _c("survey_step_at", TS, description="Время попадания на шаг оценка удовлетворенности"),
        _c("survey_sent", description="Опрос отправлен (Да / Нет)"),
        EXTRAS,
    ),
    key=("incident_id",),
    lookup=("incident_id",),
)

SURVEY_RATINGS = Table(
    "survey_ratings",
    "Response-survey ratings of ПОС appeals and IM incidents, one row per rating per survey file.",
    (
        _c("appeal_system", required=True, description="Система: ПОС or Инцидент Менеджмент"),
        _c("appeal_id", "bigint", True, "ID обращения: ПОС Id or IM ID"),
        _c("appeal_number", description="Номер обращения: ПОС PosId or IM «Номер инцидента»"),
        _c("rating", "smallint", True, "Оценка: 1–5"),
        _c("rated_at", TS, True, "Дата оценки"),
        _c("rating_comment", description="Комментарий (free text)", personal="text"),
        EXTRAS,
    ),
    lookup=("appeal_id",),
)

WRITTEN_APPEALS = Table(
    "written_appeals",
    "Written appeals of citizens (59-ФЗ) registered in the EDMS, one row per registration card per "
    "monthly export (a card reappears in the export of the month it changed in).",
    (
        _c("isn_doc", "bigint", True, "ISN_DOC: the registration card's id in the EDMS"),
        _c("free_num", required=True, description="FREE_NUM: registration number"),
        _c("doc_date", "date", True, "DOC_DATE: registration date"),
        _c("delivery_type", description="DELIVERY: channel (Почта, Лично, Электронная форма)"),
        _c("citizen_surname", description="CITIZEN_SURNAME (personal data)", personal="name"),
        _c("citizen_name", description="CITIZEN_NAME (personal data)", personal="name"),
        _c("citizen_patronymic", description="CITIZEN_PATRONYMIC (personal data)", personal="name"),
        _c("citizen_email", description="CITIZEN_EMAIL (personal data)", personal="email"),
        _c("citizen_phone", description="CITIZEN_PHONE (personal data)", personal="phone"),
        _c("municipality", description="MUNICIPALITY, in the platforms' spellings"),
        _c("problem_address", description="ADDRESS: where the problem is (not the postal address)"),
        _c("rubric_code", description="RUBRIC_CODE: classifier code section.subject.theme.question"),
        _c("annotat", description="ANNOTAT: summary of the appeal", personal="text"),
        _c("executor_name", description="EXECUTOR: the executing body"),
        _c("prolong_date", "date", description="PROLONG_DATE: when the term was extended by 30 days"),
        _c("forward_to", description="FORWARD_TO: the competent body the appeal was forwarded to"),
        _c("forward_date", "date", description="FORWARD_DATE: when it was forwarded"),
        _c(
            "result",
            description="RESULT: поддержано / меры приняты / разъяснено / не поддержано / "
            "оставлено без ответа",
        ),
        _c("reply_date", "date", description="REPLY_DATE: the answer date"),
        _c("upd_date", TS, description="UPD_DATE: last change of the card"),
        EXTRAS,
    ),
    key=("isn_doc",),
)

PLATFORM_MESSAGES = Table(
    "platform_messages",
    "Regional participation platform: messages and initiatives, one row per item per monthly export "
    "(an item reappears in the export of the month it changed in).",
    (
        _c("item_id", "bigint", True, "ID: the platform's id"),
        _c("item_number", description="Номер: the public number"),
        _c("item_kind", required=True, description="Тип: Сообщение or Инициатива"),
        _c("created_at", TS, True, "Дата создания"),
        _c("status", required=True, description="Статус, in the platform's words"),
        _c("category", description="Категория"),
        _c("municipality", description="Муниципалитет, in the platforms' spellings"),
        _c("address", description="Адрес: where the problem is"),
        _c("item_text", description="Текст (free text)", personal="text"),
        _c("author_name", description="Автор (personal data)", personal="name"),
        _c("author_email", description="Email автора (personal data)", personal="email"),
        _c("author_phone", description="Телефон автора (personal data)", personal="phone"),
        _c("pos_number", description="Номер ПОС: the ПОС appeal the message was forwarded to"),
        _c("forwarded_at", TS, description="Дата передачи в ПОС"),
        _c("answered_at", TS, description="Дата ответа"),
        _c("votes", "integer", description="Голосов: votes for an initiative"),
        EXTRAS,
    ),
    key=("item_id",),
)

POLL_ANSWERS = Table(
    "poll_answers",
    "Sociological polls (offline and online), one row per anonymous respondent per question answered, "
    "with the poll, the question and the option chosen, the respondent's municipality, sex, age group "
    "and weight (the project's template: docs/sources.md).",
    (
        _c("poll_code", required=True, description="Код опроса"),
        _c("poll_title", description="Опрос: the poll's title"),
        _c("poll_mode", description="Способ проведения: онлайн or офлайн"),
        _c("fieldwork_start", "date", description="Дата начала: first day of fieldwork"),
        _c("fieldwork_end", "date", description="Дата окончания: last day of fieldwork"),
        _c("respondent_id", required=True, description="ID респондента: anonymous code within the poll"),
        _c("municipality_oktmo", required=True, description="ОКТМО: the respondent's municipality"),
        _c("sex", required=True, description="Пол: М or Ж"),
        _c("age_group", required=True, description="Возрастная группа: 18–29, 30–44, 45–59, 60+"),
        _c("weight", "numeric(12,6)", True, "Вес: the respondent's weight, positive"),
        _c("question_code", required=True, description="Код вопроса"),
        _c("question_text", description="Вопрос"),
        _c("option_code", required=True, description="Код варианта"),
        _c("option_text", description="Вариант ответа"),
        EXTRAS,
    ),
    key=("poll_code", "respondent_id", "question_code"),
)

PAGE_REGISTER = Table(
    "page_register",
    "Official pages of bodies in social networks (госпаблики): the register, one row per page per "
    "register file (the project's template: docs/sources.md).",
    (
        _c("org_name", description="Орган: the body as the register names it"),
        _c("org_inn", required=True, description="ИНН органа: joins the organisation dimension"),
        _c("network", required=True, description="Соцсеть: ВКонтакте or Одноклассники"),
        _c("page_url", required=True, description="Ссылка: the page's address"),
        _c("page_name", description="Название страницы"),
        _c("verified_mark", description="Отметка о верификации (госметка): Да or Нет"),
        _c("registered_on", "date", description="Дата включения в реестр"),
        EXTRAS,
    ),
    key=("page_url",),
)

PAGE_ACTIVITY = Table(
    "page_activity",
    "Weekly activity of official pages: one row per page per week per file.",
    (
        _c("page_url", required=True, description="Ссылка: the page's address (as in the register)"),
        _c("week_start", "date", True, "Неделя с: the Monday the week starts on"),
        _c("followers", "integer", description="Подписчики at the end of the week"),
        _c("posts", "integer", description="Публикации in the week"),
        _c("views", "bigint", description="Просмотры in the week"),
        _c("reactions", "integer", description="Реакции in the week"),
        _c("comments", "integer", description="Комментарии of residents in the week"),
        _c("comments_answered", "integer", description="Комментарии с ответом: those the body answered"),
        _c("last_post_on", "date", description="Последняя публикация: date of the latest post so far"),
        EXTRAS,
    ),
    key=("page_url", "week_start"),
)

_EXPORTED_AT = _c("exported_at", TS, True, "When the «Дело» export was taken (from the file name)")

DELO_DOC_RC = Table(
    "delo_doc_rc",
    "«Дело» DOC_RC: registered documents (decisions, protocols), one row per document per export.",
    (
        _EXPORTED_AT,
        _c("isn_doc", "bigint", True, "ISN_DOC"),
        _c("free_num", description="FREE_NUM: registration number"),
        _c("doc_date", "date", description="DOC_DATE"),
        _c("docgroup_name", description="DOCGROUP_NAME: document kind"),
        _c("annotat", description="ANNOTAT: summary", personal="text"),
        EXTRAS,
    ),
    key=("isn_doc",),
)

DELO_RESOLUTION = Table(
    "delo_resolution",
    "«Дело» RESOLUTION: поручения, one row per поручение per export; PLAN_DATE edits are extensions.",
    (
        _EXPORTED_AT,
        _c("isn_resolution", "bigint", True, "ISN_RESOLUTION"),
        _c("isn_ref_doc", "bigint", True, "ISN_REF_DOC: the document"),
        _c("isn_parent_resolution", "bigint", description="ISN_PARENT_RESOLUTION"),
        _c("author_due", description="DUE: author code"),
        _c("resolution_text", description="RESOLUTION_TEXT", personal="text"),
        _c("resolution_date", "date", description="RESOLUTION_DATE"),
        _c("plan_date", "date", description="PLAN_DATE: the deadline"),
        _c("interim_date", "date", description="INTERIM_DATE"),
        _c("fact_date", "date", description="FACT_DATE: execution mark"),
        _c("control_state", "smallint", description="CONTROL_STATE (1, 2 = on control)"),
        _c("controller_due", description="DUE_CONTROLLER"),
        _c("summary", description="SUMMARY: progress", personal="text"),
        _c("resume", description="RESUME: grounds for removal from control", personal="text"),
        EXTRAS,
    ),
    key=("isn_resolution",),
)

DELO_REPLY = Table(
    "delo_reply",
    "«Дело» REPLY: one row per executor of a поручение per export.",
    (
        _EXPORTED_AT,
        _c("isn_reply", "bigint", True, "ISN_REPLY"),
        _c("isn_resolution", "bigint", True, "ISN_RESOLUTION"),
        _c("executor_due", required=True, description="DUE: executor"),
        _c("main_flag", "smallint", description="MAIN_FLAG: 1 = responsible executor"),
        _c("reply_text", description="REPLY_TEXT", personal="text"),
        _c("reply_date", "date", description="REPLY_DATE"),
        _c("upd_date", TS, description="UPD_DATE"),
        EXTRAS,
    ),
    key=("isn_reply",),
)

DELO_DEPARTMENT = Table(
    "delo_department",
    "«Дело» DEPARTMENT: the organisation tree (bodies and officials) per export.",
    (
        _EXPORTED_AT,
        _c("due", required=True, description="DUE: hierarchical code"),
        _c("isn_node", "bigint", description="ISN_NODE"),
        _c("classif_name", required=True, description="CLASSIF_NAME"),
        _c("is_node", "smallint", description="IS_NODE: 1 = department, 0 = official"),
        _c("deleted", "smallint", description="DELETED"),
        EXTRAS,
    ),
    key=("due",),
)

INDICATOR_VALUES = Table(
    "indicator_values",
    "Ministry submissions of programme indicators: one row per indicator and period per submission.",
    (
        _c("submission_id", required=True, description="Номер представления (sheet header)"),
        _c("ministry", required=True, description="Министерство (sheet header)"),
        _c("submitted_at", TS, True, "Дата представления (sheet header)"),
        _c("sheet_name", required=True, description="The workbook sheet"),
        _c("indicator_code", required=True, description="Код показателя"),
        _c("indicator_name", required=True, description="Наименование показателя"),
        _c("state_programme", description="Государственная программа"),
        _c("national_project", description="Национальный проект"),
        _c("regional_project", description="Региональный проект"),
        _c("okei_code", description="Код ОКЕИ"),
        _c("okei_name", description="Единица измерения"),
        _c("direction", required=True, description="Направленность: Возрастающий / Убывающий"),
        _c("period_type", required=True, description="Тип периода: Месяц / Квартал / Год"),
        _c("period_label", required=True, description="Период as written"),
        _c("period_start", "date", True, "First day of the period (parsed)"),
        _c("period_end", "date", True, "Last day of the period (parsed)"),
        _c("plan_value", "numeric", description="План"),
        _c("fact_value", "numeric", description="Факт"),
        _c("forecast_value", "numeric", description="Прогноз"),
        _c("comment", description="Комментарий", personal="text"),
        EXTRAS,
    ),
    key=("sheet_name", "indicator_code", "period_type", "period_label"),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        POS_APPEALS,
        POS_APPEAL_EVENTS,
        IM_INCIDENTS,
        SURVEY_RATINGS,
        WRITTEN_APPEALS,
        PLATFORM_MESSAGES,
        POLL_ANSWERS,
        PAGE_REGISTER,
        PAGE_ACTIVITY,
        DELO_DOC_RC,
        DELO_RESOLUTION,
        DELO_REPLY,
        DELO_DEPARTMENT,
        INDICATOR_VALUES,
    )
}

# The schema is created only when missing: ``create schema if not exists`` needs the right to create
# schemas in the database even when it exists, which the loader's role (core/roles.py) does not have.
CONTROL_DDL = """
do $$
begin
    if to_regnamespace('raw') is null then
        create schema raw;
    end if;
end
$$;

create table if not exists raw.load_batches (
    batch_id bigint generated always as identity primary key,
    source text not null,
    file_name text not null,
    file_path text not null,
    content_hash text not null,
    file_bytes bigint not null,
    rows_read bigint not null default 0,
    rows_loaded bigint not null default 0,
    rows_quarantined bigint not null default 0,
    started_at timestamptz not null default clock_timestamp(),
    finished_at timestamptz,
    status text not null check (status in ('loading', 'loaded', 'failed', 'rejected')),
    error text,
    constraint load_batches_counts_add_up
        check (status <> 'loaded' or rows_read = rows_loaded + rows_quarantined)
);
-- what the reader noticed about the file as a whole: the source columns it did not know (kept per
-- row in the raw table's extras), and notes such as the sheet read, the date order and warnings
alter table raw.load_batches add column if not exists unknown_columns text[];
alter table raw.load_batches add column if not exists notes jsonb;
-- when the retention purge replaced the personal data of the batch's rows (ingestion/retention.py)
alter table raw.load_batches add column if not exists pii_purged_at timestamptz;
create unique index if not exists load_batches__one_load_per_content
    on raw.load_batches (source, content_hash) where status = 'loaded';

create table if not exists raw.quarantine (
    batch_id bigint not null references raw.load_batches (batch_id),
    source_row integer not null,
    field text,
    reason text not null,
    raw_text text
);
create index if not exists quarantine__batch_idx on raw.quarantine (batch_id);
"""


# ---- quality: the certification record ---------------------------------------------------------

QUALITY_SCHEMA = "quality"

# The raw batches whose rows passed a suite's row checks (``expectations.increments``): the next
# validation checks the rows of the other batches only (a loaded batch is never changed but by
# purge-pii, which rewrites personal values; ``cur quality validate --full`` re-checks every row).
VALIDATED_BATCHES_DDL = """
create table if not exists quality.validated_batches (
    suite text not null,
    batch_id bigint not null,
    run_id text not null,
    validated_at timestamptz not null default clock_timestamp(),
    primary key (suite, batch_id)
);
"""

# One row per mart per validation run, written by ``expectations.certification`` (never by dbt). It
# lives here so that it exists before dbt runs (``marts.kpi_certification_status`` reads it): the
# loader creates it when its role may (a single administrator account), else ``cur warehouse roles``
# does (core.roles.ensure_roles, as the administrator, handing it to the quality role).
QUALITY_DDL = (
    """
do $$
begin
    if to_regnamespace('quality') is null then
        create schema quality;
    end if;
end
$$;

create table if not exists quality.certifications (
    validation_id bigserial primary key,
    run_id text not null,
    mart text not null,
    suite text not null,
    passed boolean not null,
    validated_at timestamptz not null default clock_timestamp(),
    evaluated integer not null default 0,
    failed integer not null default 0,
    failed_expectations jsonb not null default '[]'::jsonb,
    data_as_of timestamptz
);
create index if not exists certifications__latest_idx
    on quality.certifications (mart, validated_at desc, validation_id desc);
"""
    + VALIDATED_BATCHES_DDL
)


# raw.im_incidents had an invented 47-column shape before the real export header was known (issue 9);
# such a table is kept, renamed, and the real-shaped one is created next to it (nothing is dropped).
IM_RESHAPE_DDL = """
do $$
begin
    if exists (
        select 1 from information_schema.columns
        where table_schema = 'raw' and table_name = 'im_incidents' and column_name = 'moderator'
    ) and to_regclass('raw.im_incidents_before_v2') is null then
        alter table raw.im_incidents rename to im_incidents_before_v2;
        alter index if exists raw.im_incidents__batch_idx rename to im_incidents_before_v2__batch_idx;
    end if;
end
$$;
"""


def raw_ddl() -> str:
    """The DDL the loader ensures: the raw schema, its control tables and every raw table."""
    return CONTROL_DDL + IM_RESHAPE_DDL + "\n".join(t.ddl() for t in TABLES.values())


def warehouse_ddl() -> str:
    """Every table outside dbt: :func:`raw_ddl` and the certification record (``QUALITY_DDL``)."""
    return raw_ddl() + QUALITY_DDL


# Whether the connected role may create the certification record (false for the loader's role).
# (read from the catalogue: ``to_regclass`` fails on a schema the role may not use)
MAY_CREATE_QUALITY = """
select not exists (
    select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'quality' and c.relname = 'certifications'
) and case
    when to_regnamespace('quality') is null then has_database_privilege(current_database(), 'CREATE')
    else has_schema_privilege('quality', 'CREATE')
end
"""
