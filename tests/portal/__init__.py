"""Tests: the customer portal (its own blueprint and templates) and its links."""
