"""Everything that does I/O or depends on time: CLI, scheduling, fetching, sources, store."""
