"""Great Expectations 1.x suites built from the column specs, run on every batch at ingest.

Types are parsed first (data_contracts.validate); the suite then checks what a typed value can
still get wrong — missing, not in the allowed set, out of range, wrong format — and names the rows
that fail, so each one is quarantined with the rule it broke.
"""

from __future__ import annotations

import itertools
import logging
from functools import lru_cache

import numpy as np
import pandas as pd

from data_contracts.specs import Column, FileContract

ROW_ID = "_row_id"
# GX expectation → the rule name a quarantined row carries
RULES = {"expect_column_values_to_not_be_null": "required",
         "expect_column_values_to_be_in_set": "not_allowed",
         "expect_column_values_to_be_between": "out_of_range",
         "expect_column_values_to_match_regex": "bad_format"}


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    return context


def _expectations(column: Column) -> list:
    import great_expectations.expectations as gxe

    out = []
    if column.required:
        out.append(gxe.ExpectColumnValuesToNotBeNull(column=column.name))
    if column.allowed:
        out.append(gxe.ExpectColumnValuesToBeInSet(column=column.name, value_set=list(column.allowed)))
    if column.min_value is not None or column.max_value is not None:
        out.append(gxe.ExpectColumnValuesToBeBetween(column=column.name, min_value=column.min_value,
                                                     max_value=column.max_value))
    if column.pattern:
        out.append(gxe.ExpectColumnValuesToMatchRegex(column=column.name, regex=column.pattern))
    return out


_VERSIONS = itertools.count(1)


@lru_cache(maxsize=64)
def _validator(contract: FileContract):
    """One validation per contract; a contract whose allowed codes differ (the district's code lists) is
    another one, under its own names."""
    import great_expectations as gx

    context = _context()
    version = next(_VERSIONS)
    suite = context.suites.add(gx.ExpectationSuite(name=f"{contract.source}.{contract.table}.{version}"))
    for column in contract.columns:
        for expectation in _expectations(column):
            suite.add_expectation(expectation)
    asset = context.data_sources.add_pandas(f"{contract.table}_source_{version}").add_dataframe_asset(contract.table)
    batch = asset.add_batch_definition_whole_dataframe(f"{contract.table}_batch")
    return context.validation_definitions.add(gx.ValidationDefinition(
        name=f"{contract.table}_validation_{version}", data=batch, suite=suite))


def _padded(n: int, longest: int) -> np.ndarray:
    """Positions 0..n-1, then 0 (the first value again) up to `longest`."""
    positions = np.arange(longest)
    positions[positions >= n] = 0
    return positions


def failing_rows(typed: pd.DataFrame, contract: FileContract) -> pd.DataFrame:
    """One row per (row position, rule, column) that breaks the suite; columns: position, rule, column_name.

    Every expectation of the suite judges a value on its own (not null, in the set, between, matching), so the
    suite runs once on each column's distinct values (a null among them), and a value's verdict is given to
    every row holding it: the row-wise verdicts, at the cost of the distinct values instead of the rows."""
    frame = typed.reset_index(drop=True)
    codes, distinct = {}, {}
    for name in frame.columns:
        codes[name], uniques = pd.factorize(frame[name], use_na_sentinel=False)
        distinct[name] = pd.Series(uniques, dtype=frame[name].dtype) if len(uniques) else frame[name].iloc[:0]
    longest = max((len(v) for v in distinct.values()), default=0)
    values = pd.DataFrame({name: column.take(_padded(len(column), longest)).reset_index(drop=True)
                           for name, column in distinct.items()}) if longest else frame
    values[ROW_ID] = range(len(values))
    result = _validator(contract).run(
        batch_parameters={"dataframe": values},
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ROW_ID]})
    parts = []
    for outcome in result.results:
        if outcome.success:
            continue
        config = outcome.expectation_config
        rule = RULES[config.type if hasattr(config, "type") else config.expectation_type]
        column = config.kwargs["column"]
        failing = [int(index[ROW_ID]) for index in outcome.result.get("unexpected_index_list") or []]
        failing = [i if i < len(distinct[column]) else 0 for i in failing]   # a padded position is value 0
        positions = np.flatnonzero(np.isin(codes[column], failing))
        parts.append(pd.DataFrame({"position": positions, "rule": rule, "column_name": column}))
    if not parts:
        return pd.DataFrame(columns=["position", "rule", "column_name"])
    return pd.concat(parts, ignore_index=True)
