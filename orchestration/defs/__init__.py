"""One folder per area: ingest (landing → raw), transform (dbt), publish (serving snapshot)."""
