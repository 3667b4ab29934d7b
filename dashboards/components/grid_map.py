"""Grid maps drawn offline from the GeoJSON polygons of dim_grids: plotly without any tile server.

Pass PLOTLY_CONFIG (dashboards/components/page.py) to st.plotly_chart: it points plotly.js at the empty
world topojson the app serves. d3-geo wants clockwise exterior rings,
RFC 7946 GeoJSON is counter-clockwise, so rings are re-oriented before plotting.
"""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go

from dashboards.components.page import FONT, PLOTLY_CONFIG, chart_layout

__all__ = ["FONT", "PLOTLY_CONFIG", "clockwise", "grid_map"]   # FONT, PLOTLY_CONFIG: still importable from here


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def clockwise(geometry: dict) -> dict:
    """The polygon with its exterior ring clockwise and holes counter-clockwise (d3-geo's convention)."""
    def orient(ring, want_clockwise):
        is_clockwise = _signed_area(ring) < 0
        return ring if is_clockwise == want_clockwise else ring[::-1]

    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    fixed = [[orient(r, i == 0) for i, r in enumerate(p)] for p in polygons]
    return {"type": geometry["type"], "coordinates": fixed if geometry["type"] == "MultiPolygon" else fixed[0]}


def grid_map(areas: pd.DataFrame, value: str, name: str, value_label: str, height: int = 520) -> go.Figure:
    """Choropleth of areas (columns grid_id, geometry_geojson, `name`, `value`)."""
    drawn = areas[areas["geometry_geojson"].notna()]
    features = [{"type": "Feature", "id": r.grid_id, "properties": {"grid_id": r.grid_id},
                 "geometry": clockwise(json.loads(r.geometry_geojson))} for r in drawn.itertuples()]
    figure = go.Figure(go.Choropleth(
        geojson={"type": "FeatureCollection", "features": features}, locations=drawn["grid_id"],
        featureidkey="properties.grid_id", z=drawn[value], text=drawn[name], colorscale="OrRd",
        marker_line_color="white", marker_line_width=0.6, colorbar_title=value_label,
        hovertemplate="%{text}<br>" + value_label + ": %{z:.1f}<extra></extra>"))
    figure.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    return chart_layout(figure, height, margin=dict(t=0))
