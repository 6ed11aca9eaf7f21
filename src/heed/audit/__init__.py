"""The audit trail: typed events in hash chains (one per force, anchored in a national chain) that the
database itself keeps append-only."""
