"""Benchmarks of the Customer Record panel: bulk data, load runs and measurements at scale."""
