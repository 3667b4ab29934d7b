"""The demo world: a seeded, deterministic generator of gridsight's five canonical landing sources.

`simulate(...)` writes data/landing/<source>/dt=YYYY-MM-DD/ files for a date range and returns the
figures the generator knows to be true (kept in data/truth/, outside the warehouse) for evaluation.
"""

from simulator.core import WorldConfig, simulate

__all__ = ["WorldConfig", "simulate"]
