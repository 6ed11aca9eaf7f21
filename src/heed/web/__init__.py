"""The pages' shared parts: layout, login, home, static assets."""
