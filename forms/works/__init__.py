"""Forms: works, their inventory and assets."""
