"""A small HTTP client for the gateway (nameko's web_session needs werkzeug<3)."""
from __future__ import annotations

from urllib.parse import urljoin

import requests


class GatewayClient(requests.Session):
    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 30)
        return super().request(method, urljoin(self.base_url, url), *args, **kwargs)
