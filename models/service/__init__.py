"""Service: contracts, service plans and SLAs on a customer's record, and the service reminders
that fall due."""
