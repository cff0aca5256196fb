"""The core room: what every other room of the project imports, and which imports none of them.

- :mod:`core.paths`     where the project's folders are;
- :mod:`core.settings`  one typed settings object, read from the environment and ``.env``;
- :mod:`core.dsn`       the warehouse address as a typed URL (masking, databases, drivers);
- :mod:`core.secrets`   secret files generated once, mode 0600;
- :mod:`core.warehouse` the embedded PostgreSQL server's lifecycle, and which server is in use;
- :mod:`core.dbt`       one way to run dbt and one reader of its manifest.
"""
