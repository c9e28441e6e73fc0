"""Forms: contracts, service plans, SLAs, reminders."""
