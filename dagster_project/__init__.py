"""Dagster wiring of the ЦУР warehouse: assets, checks, jobs, schedules, sensors, resources.

No business rule lives here: parsing rules are in ``ingestion/``, KPI formulas in ``dbt/``,
validation rules in ``expectations/``.
"""
