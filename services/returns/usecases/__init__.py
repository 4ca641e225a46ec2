"""Returns commands, one function each, grouped by subject; each takes a unit of work and commits it."""
