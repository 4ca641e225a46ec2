"""The orders service's commands, one function each (they arrive with the orders issue)."""
