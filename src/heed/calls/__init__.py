"""The call record: notes, assessment, required actions and checks, changed only through services."""
