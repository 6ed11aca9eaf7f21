"""Forces, users, roles and the access helpers every view, endpoint and command goes through."""
