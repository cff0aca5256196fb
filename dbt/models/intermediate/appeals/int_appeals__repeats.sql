-- Repeat appeals (project definition, var repeat_window_days):
--   an appeal is a repeat when an EARLIER appeal of the same source has the same topic AND either
--   the same person (ПОС applicant_key / IM author_key) or the same address, and was created at most
--   repeat_window_days calendar days before it, counted on local calendar dates.
-- The edge: exactly repeat_window_days days before (e.g. 1 March and 31 March with a 30-day window)
-- IS a repeat; one day more is not. Two appeals created at the same moment: the one with the greater
-- source id is the repeat. Appeals of different sources are never compared (different identifiers,
-- address formats and topic taxonomies). Unknown topics ('unknown') and blank keys never match.
-- Both sources count: a ПОС appeal by applicant or Location.Address, an Инцидент Менеджмент incident by
-- the author's profile (author_key) or the address of the incident.
-- An earlier appeal DECLINED at moderation does not make a later one a repeat: the applicant who
-- writes again after a rejection has not been answered, and the first one is no appeal on the matter.

{{ appeal_repeats(ref('int_appeals__unioned')) }}
