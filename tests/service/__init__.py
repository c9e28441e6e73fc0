"""Tests: contracts, service plans, SLAs, reminders."""
