"""The small shared chassis every Sportello service stands on.

A library, not a service: settings, database sessions and the unit of work,
the transactional outbox and its relay, the idempotent inbox, bounded RPC,
error categories, request-id logging. It imports no service (import-linter
enforces it); services and the gateway import from it.
"""
