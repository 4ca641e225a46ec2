"""Request and response schemas of the public API; also the source of the OpenAPI document."""
