"""Dagster code location of gridsight: ingest, dbt, publish, schedules, and the `gridsight` CLI."""
