"""Tests: communications, attachments and the outbox."""
