"""Staff panel views: communications, attachments and the outbox."""
