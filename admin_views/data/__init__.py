"""Staff panel views: CSV import and export."""
