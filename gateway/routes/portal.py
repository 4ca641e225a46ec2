"""The web portal: static files (gateway/portal/) served at ``/`` and ``/portal/...``.

The portal is a single-page app in plain JavaScript modules that speaks only the
public ``/api/v1`` API, so the gateway just hands out its files:

* read once into memory (about 110 KB, 28 KB gzipped: each text file is kept
  gzipped too and sent so to browsers that accept it), each with a content
  hash as its ETag; ``Cache-Control: no-cache`` makes the browser revalidate,
  which costs a 304 and no body when nothing changed (no build step means no
  versioned file names, so long-lived caching would serve stale modules);
* the page's Content-Security-Policy allows scripts, styles, fetches and
  images from the gateway's own origin only, plus the catalog's image hosts
  (``PORTAL_IMAGE_HOSTS`` in the config or the environment, space- or comma-separated
  origins): no inline script, no CDN, no framing;
* these entrypoints are not API operations, so they are not
  :class:`gateway.http.Route` and stay out of the OpenAPI document.
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path

from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Response

from gateway import problems
from gateway.http import ApiServer

PORTAL_DIR = Path(__file__).resolve().parent.parent / "portal"
# None unless configured: the demo catalog's pictures are on a .example host
# (services/catalog/demo_data.py), a name that never resolves and the portal never asks.
DEFAULT_IMAGE_HOSTS: tuple[str, ...] = ()
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}


def image_hosts(config) -> tuple[str, ...]:
    configured = config.get("PORTAL_IMAGE_HOSTS") or os.environ.get("PORTAL_IMAGE_HOSTS")
    if not configured:
        return DEFAULT_IMAGE_HOSTS
    if isinstance(configured, str):
        configured = re.split(r"[\s,]+", configured)
    # Only plain origins: nothing that could end the directive or add another.
    return tuple(host for host in configured if re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d+)?", host or ""))


def portal_csp(image_hosts) -> str:
    images = " ".join(["'self'", "data:", "blob:", *image_hosts])
    return ("default-src 'none'; script-src 'self'; style-src 'self'; "
            f"img-src {images}; connect-src 'self'; font-src 'self'; form-action 'self'; "
            "base-uri 'none'; object-src 'none'; frame-ancestors 'none'")


@dataclass(frozen=True)
class PortalFile:
    body: bytes
    content_type: str
    etag: str
    gzipped: bytes | None = None  # when it is smaller than the body


def load_portal(directory: Path = PORTAL_DIR) -> dict[str, PortalFile]:
    """Every file under ``directory`` by its relative path (dot files and unknown types left out)."""
    files = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in relative.split("/")):
            continue
        content_type = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        if content_type is None:
            continue
        body = path.read_bytes()
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        files[relative] = PortalFile(body, content_type, hashlib.sha256(body).hexdigest()[:32],
                                     packed if len(packed) < len(body) else None)
    return files


class PortalEntrypoint(HttpRequestHandler):
    """A GET on the gateway's web server that serves portal files; nothing else runs in the worker."""

    server = ApiServer()

    def response_from_exception(self, exc):
        return problems.from_exception(exc)


portal_file = PortalEntrypoint.decorator


class PortalRoutes:
    _portal_files: dict[str, PortalFile] | None = None

    @classmethod
    def portal_files(cls) -> dict[str, PortalFile]:
        if cls._portal_files is None:
            cls._portal_files = load_portal()
        return cls._portal_files

    # The page itself, also at the addresses the shop's mails link to (reset and activation
    # links, orders, quotes, returns, message threads); the app turns them into its own routes.
    @portal_file("GET", "/")
    @portal_file("GET", "/reset-password")
    @portal_file("GET", "/activate")
    @portal_file("GET", "/quotes")
    @portal_file("GET", "/orders/<path:ref>")
    @portal_file("GET", "/returns/<path:ref>")
    @portal_file("GET", "/messages/<path:ref>")
    @portal_file("GET", "/staff/messages/<path:ref>")
    def portal_index(self, request, ref=None):
        return self._portal_response(request, "index.html")

    @portal_file("GET", "/portal/<path:asset>")
    def portal_asset(self, request, asset):
        return self._portal_response(request, asset)

    def _portal_response(self, request, name: str) -> Response:
        found = self.portal_files().get(name)
        if found is None:
            return problems.problem_response(404, "not-found", problems.HTTP_PROBLEMS[404][1],
                                             "No such file in the portal.", request.environ.get("sportello.request_id"))
        packed = found.gzipped is not None and "gzip" in request.accept_encodings
        # Each coding is its own representation, with its own (strong) validator.
        etag = f"{found.etag}-gzip" if packed else found.etag
        headers = {
            "ETag": f'"{etag}"',
            "Cache-Control": "no-cache",
            "Content-Security-Policy": portal_csp(image_hosts(self.config)),
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
            "Cross-Origin-Resource-Policy": "same-origin",
        }
        if found.gzipped is not None:
            headers["Vary"] = "Accept-Encoding"
        if request.if_none_match.contains(etag):
            return Response(status=304, headers=headers)
        if packed:
            return Response(found.gzipped, status=200, content_type=found.content_type,
                            headers={**headers, "Content-Encoding": "gzip"})
        return Response(found.body, status=200, content_type=found.content_type, headers=headers)
