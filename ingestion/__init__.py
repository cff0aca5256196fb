"""Ingestion of the ЦУР source families into the raw layer of the warehouse.

Modules, one job each:
- ``config``: settings from the environment;
- ``warehouse``: the embedded PostgreSQL server (start, stop, status) and DSN resolution;
- ``schemas``: the raw tables, their columns and types (the one place that defines them);
- ``parsing``: value parsers for the quirks of Russian exports;
- ``sources``: one reader per file format, turning a landing file into raw rows or quarantine rows;
- ``load``: batches, COPY, quarantine, idempotency and atomicity;
- ``generate``: a deterministic generator of realistic source files;
- ``cli``: the ``cur`` command line.
"""
