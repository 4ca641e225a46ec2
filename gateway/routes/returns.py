class ReturnRoutes:
    """Returns (RMA) routes (filled by the returns issue)."""
