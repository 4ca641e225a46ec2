"""The orders domain model: plain Python (arrives with the orders issue)."""
