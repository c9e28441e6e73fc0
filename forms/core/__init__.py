"""Forms: login, roles, the frame every page shares, users and settings."""
