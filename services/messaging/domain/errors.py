"""Messaging's domain errors (each subclasses a chassis category)."""
