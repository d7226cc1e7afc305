"""The province view (``python -m server.province``): a read-only process that follows every
facility's log and serves the health department's page, the live dashboard and the reports
across facilities and per facility (docs/province.md, decision 0015)."""
