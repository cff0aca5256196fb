"""``cur``: the one command line of the ЦУР warehouse, and the project's only composition root.

It may import every room (core, ingestion, generator, dbt through core, expectations, Dagster,
Superset); no room imports it. Each command is a thin layer over a library function that returns
data; rendering (rich) happens only here (:mod:`cli.render`).
"""
