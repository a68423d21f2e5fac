"""Reusable widgets for the launchdeck screens."""
