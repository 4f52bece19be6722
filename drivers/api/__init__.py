"""Read-only API of the reference knowledge (frameworks, drivers, measures)."""
