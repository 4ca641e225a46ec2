"""The returns domain model: plain Python (arrives with the returns issue)."""
