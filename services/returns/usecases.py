"""The returns service's commands, one function each (they arrive with the returns issue)."""
