"""Staff panel views: contracts, service plans, SLAs, reminders."""
