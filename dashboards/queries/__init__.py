"""SQL of the dashboard pages, one module per page, every query through dashboards.data.query."""
