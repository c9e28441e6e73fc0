"""Tests: the dashboard and the audit log."""
