"""Forms: customers, their record page and its extension points, search, merge."""
