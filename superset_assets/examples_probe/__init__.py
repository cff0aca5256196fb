"""A minimal dashboard bundle and a REST API probe that imports it (Superset 6.1)."""
