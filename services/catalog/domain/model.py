"""The catalog domain model: plain Python (arrives with the catalog issue)."""
