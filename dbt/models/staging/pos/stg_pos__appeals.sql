-- ПОС appeals, one row per appeal in its latest exported state, personal data pseudonymised and the
-- appeal's text redacted (phones, e-mails, documents, profile links, the applicant's own name:
-- macros/pii/redact.sql).
--
-- A monthly export holds every appeal created or changed that month in its current state, so an
-- appeal reappears in later files. The latest state is the row of the latest export: the greatest
-- batch (files load in export order), then the last row of the file. The values' own dates do not
-- rank exports: a later export may carry older dates (a CSV report without history, a corrected
-- record) and is still the platform's latest word on the appeal. This model reads the appeals table
-- only; the status history is stg_pos__appeal_events, joined in int_appeals__unioned.
-- The rules are the macro stg_pos_appeals (macros/staging_appeals.sql), shared with the incremental
-- int_appeals__unioned, which applies them to the raw rows of changed appeals only.

{{ stg_pos_appeals(source('pos', 'pos_appeals')) }}
