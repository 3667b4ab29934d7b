"""The daily run: every source ingested for yesterday's partition, the dbt project built, the models
refreshed and a snapshot published, at 02:30 in the district's time zone (the partitions' own)."""

import dagster as dg

materialize_everything = dg.define_asset_job(
    "materialize_everything", selection=dg.AssetSelection.all(),
    description="Ingest every source for the partition range, build the dbt project, publish a snapshot.")

materialize_everything_schedule = dg.build_schedule_from_partitioned_job(
    materialize_everything, hour_of_day=2, minute_of_hour=30, name="materialize_everything_schedule")
