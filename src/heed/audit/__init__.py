"""The audit trail: typed events in one hash chain that the database itself keeps append-only."""
