-- Инцидент Менеджмент incidents, one row per incident in its latest exported state.
--
-- An incident reappears in later monthly exports while it is being worked on; the latest state is
-- the row of the latest export (the greatest batch: files load in export order), then the last row
-- of the file; the values' own dates do not rank exports.
-- The author's profile URL is personal data: only a keyed pseudonym of it passes. The texts are
-- redacted (phones, e-mails, documents, profile links: macros/pii/redact.sql; real exports carry no
-- author name to look for).
-- Russian labels are kept for display, with stable codes next to them for filtering and logic.
-- The social network is not a column of real exports: it is read from the post's URL.
-- Columns the project used before the real export header was known (rating, sentiment, moderator,
-- overdue and repeat flags, counters, publication/due/modification times) are no longer in the raw
-- table; they stay here as typed nulls until the models that read them move on (issue 9).
-- The rules are the macro stg_im_incidents (macros/staging_appeals.sql), shared with the incremental
-- int_appeals__unioned, which applies them to the raw rows of changed appeals only.

{{ stg_im_incidents(source('im', 'im_incidents')) }}
