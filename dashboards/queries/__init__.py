"""The SQL of each dashboard page, one module per page, read from the serving snapshot."""
