"""The SQL of the dashboard pages: one module per page, functions of a snapshot that return data frames."""
