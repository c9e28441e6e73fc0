"""Staff panel views: login, roles, the frame every page shares, users and settings."""
