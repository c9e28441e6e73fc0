"""Demo data and default lookups."""
