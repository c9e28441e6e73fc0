"""Tests: works, jobs and assets."""
