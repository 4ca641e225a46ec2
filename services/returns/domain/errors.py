"""The returns service's domain errors (each subclasses a chassis category)."""
