"""Tests: CSV import and export."""
