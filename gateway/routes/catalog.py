class CatalogRoutes:
    """Catalog routes (filled by the catalog issue)."""
