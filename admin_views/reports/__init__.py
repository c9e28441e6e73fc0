"""Staff panel views: the dashboard and the audit log."""
