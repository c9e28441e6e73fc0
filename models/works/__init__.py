"""Works: estimates, jobs and opportunities with their inventory, and the assets (appliances)
at a customer's properties."""
