"""The orders service's wire contracts: RPC in/out and event payloads."""

EVENT_SCHEMAS: dict = {}
