-- ПОС status history: one row per status event of an appeal, from the appeal's latest export.
--
-- Each JSON-lines export repeats the whole history of every appeal it holds. The history kept is the
-- one of the appeal's latest export that has a history (the greatest batch; the events' own dates do
-- not rank exports): the same export that stg_pos__appeals keeps when that export has a history (the
-- CSV report has none; an appeal last seen in a CSV file keeps the history of its latest JSON-lines
-- export).
-- The answer texts are redacted (macros/pii/redact.sql), the applicant's own name included: it is
-- read from the appeal's row of the same export (the JSON line that carries the history).
-- The rules are the macro stg_pos_appeal_events (macros/staging_appeals.sql), shared with the incremental
-- int_appeals__unioned, which applies them to the raw rows of changed appeals only.

{{ stg_pos_appeal_events(source('pos', 'pos_appeal_events'), source('pos', 'pos_appeals')) }}
