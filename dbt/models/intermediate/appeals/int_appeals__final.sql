-- The appeal facts computed over ALL appeals: exactly the rows and columns of fct_appeals as a full
-- refresh builds them. fct_appeals (incremental) selects from this view, only the appeals that need
-- recomputing; the singular test tests/assert_fct_appeals_matches_full_refresh.sql compares the two.
--
-- Rules (dbt/README.md, "On time"):
--   deadline_at        the official deadline: ПОС deadline_calendar_at (by kind: 59-ФЗ обращение 30
--                      days, +30 once when extended in time; сообщение pos_answer_days days), IM
--                      deadline_working_at (8 working hours from the assignment of the last executor,
--                      else from creation); see int_appeals__response_times
--   answered_on_time*  true when the FIRST response (first SEND_RESPONSE) came at or before the
--                      deadline (on the deadline counts as on time); false when answered later, when
--                      closed without an answer, or when still open and the deadline has passed as of
--                      the source's as-of time (an open appeal past its deadline is late); null when
--                      declined at moderation (no answer due) or open with the deadline still ahead.
--                      So the on-time denominator (answered_on_time not null) is every appeal whose
--                      deadline has passed, answered or not, plus those answered before it.
--   is_not_yet_due     open, not answered, not declined, deadline still ahead: «в работе, срок не
--                      наступил», reported apart from the on-time share
--   is_overdue_open    open (not answered, not declined) and deadline_at before the as-of time
--   is_platform_verdict_disagreement  IM: the platform's «Уложились или нет после назн. ПИ» differs
--                      from answered_on_time (answered incidents with a verdict only; else null)
--   as-of time         per source, the latest source_updated_at of any appeal of that source: the
--                      moment the newest export describes (ПОС and IM exports are taken separately)

{{ appeal_facts(
    ref('int_appeals__unioned'),
    ref('int_appeals__response_times'),
    ref('int_appeals__repeats'),
    ref('int_appeals__places')
) }}
