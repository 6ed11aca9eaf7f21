"""Where national guidance packs are kept once installed (every version, the file as signed), each force's
signed local additions, and which guidance is in force for a force: ``selectors.pack_for(force)``."""
