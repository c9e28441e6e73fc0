"""What every area stands on: the declarative base, enums and domain errors, the audit trail,
staff users with their sessions and two-factor login, and the admin-editable lookup lists."""
