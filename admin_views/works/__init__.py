"""Staff panel views: works, jobs and assets."""
