"""Adapters from real service-request exports to the canonical incidents landing files.

- `mapping`: a small YAML file says which source column holds which canonical field and how source
  values (status, category, channel) map to gridsight codes; `to_canonical` applies it.
- `open311`: Open311 GeoReport v2 requests (JSON or CSV) through the built-in mappings/open311.yaml.
- `areas`: when the source brings no grid layer, a regular lat/lon cell grid under the source's own
  administrative columns (e.g. planning area → neighbourhood council → cell).
- `boundaries`: a district's own boundary file (GeoJSON, Shapefile, GeoPackage) → versioned grids.
- `placement`: points into those grids (`GridPlacer`), by point at the point's time, or by area name.
- `landing`: writes cases.csv / events.csv per day (and grids.geojson) like every other source.

Importers never drop a row: a row they cannot map keeps its source value and the ingest contract
quarantines it with the rule it breaks (unknown category, no location, bad timestamp …).
"""
