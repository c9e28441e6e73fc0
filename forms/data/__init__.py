"""Forms: CSV import and export."""
