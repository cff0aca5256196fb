"""Superset assets: its own environment (launcher), configuration and, later, dashboards as code."""
