"""Queue server: one async process that holds the queue in memory and logs every change in SQLite."""
