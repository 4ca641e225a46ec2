"""The catalog service's commands, one function each (they arrive with the catalog issue)."""
