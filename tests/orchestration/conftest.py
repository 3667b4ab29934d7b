"""Orchestration tests: the Dagster code location, loaded once per session."""

from __future__ import annotations

import functools

from orchestration.dbt_project import prepare_manifest


@functools.cache
def load_definitions():
    """The code location's Definitions, after `dbt parse` has written the manifest it reads."""
    prepare_manifest()
    from orchestration.definitions import defs

    return defs()
