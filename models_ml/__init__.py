"""Pure-Python models and their calendar features (no Dagster imports)."""
