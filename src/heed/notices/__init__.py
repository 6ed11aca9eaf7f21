"""Lessons notices: a national guidance owner (or a force's own lead) says what happened and what must
change; each force acknowledges, records what it did, and may assign training to a role, whose progress is
tracked. Everything audited."""
