"""Attachments on disk, under the storage directory setting, with generated names only.

The uploader's file name never reaches the file system: a path is
``<rma id>/<uuid>.<extension of the sniffed type>``, so nothing uploaded can
choose where it lands or what the server thinks it is.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path


class AttachmentStore:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()

    def save(self, rma_id: str, data: bytes, extension: str) -> str:
        stored_name = f"{rma_id}/{uuid.uuid4().hex}.{extension}"
        path = self._path(stored_name)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_name(path.name + ".part")
        with open(partial, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)  # readers never see half a file
        return stored_name

    def read(self, stored_name: str) -> bytes:
        return self._path(stored_name).read_bytes()

    def discard(self, stored_name: str) -> None:
        """Remove a stored file (an upload whose row was not committed, an erased customer's photos).

        A file already gone is no error: an erasure retried after a partial delete must finish.
        """
        self._path(stored_name).unlink(missing_ok=True)

    def _path(self, stored_name: str) -> Path:
        path = (self.root / stored_name).resolve()
        if self.root not in path.parents:  # names are generated, but a corrupted row must not escape either
            raise ValueError(f"attachment path outside the store: {stored_name!r}")
        return path
