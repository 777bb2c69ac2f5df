"""Static assets under fingerprinted names, cached for a year.

`static_url("vendor/htmx.min.js")` is `/static/vendor/htmx.min.<hash>.js`, where `<hash>` is the
first 12 hex digits of the file's SHA-256: the URL changes whenever the content does, so the
answer can be cached for a year as `immutable` by browsers, a CDN or the proxy. The plain name
(`/static/vendor/htmx.min.js`) still works and is revalidated on every use (`no-cache`, with the
ETag that Starlette derives from size and modification time).

A fingerprint that is not the current one (a page from the previous release during a rolling
update) still gets today's file, marked `no-cache`, so that nothing is cached under the wrong
name.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC = Path(__file__).resolve().parent.parent / "static"
HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_FINGERPRINTED = re.compile(
    rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<ext>\.[^./]+)?$"
)


@lru_cache(maxsize=256)
def _digest(full_path: str, mtime_ns: int, size: int) -> str:
    """SHA-256 prefix of a file; the cache key changes when the file does."""
    sha = hashlib.sha256()
    with open(full_path, "rb") as file:
        for block in iter(lambda: file.read(1 << 16), b""):
            sha.update(block)
    return sha.hexdigest()[:HASH_LENGTH]


def fingerprint(full_path: str) -> str | None:
    """The fingerprint of a file, or None when it is missing."""
    try:
        info = os.stat(full_path)
    except OSError:
        return None
    return _digest(full_path, info.st_mtime_ns, info.st_size)


def fingerprinted_name(name: str, digest: str) -> str:
    """`vendor/htmx.min.js` → `vendor/htmx.min.<digest>.js` (the hash before the last suffix)."""
    folder, slash, base = name.rpartition("/")
    stem, dot, ext = base.rpartition(".")
    base = f"{stem}.{digest}.{ext}" if dot and stem else f"{base}.{digest}"
    return f"{folder}{slash}{base}"


def static_url(name: str) -> str:
    """The URL of `static/<name>` with its content's fingerprint (the plain URL if missing)."""
    digest = fingerprint(str(STATIC / name))
    return f"/static/{name if digest is None else fingerprinted_name(name, digest)}"


class FingerprintedStaticFiles(StaticFiles):
    """StaticFiles that also answers fingerprinted names, with the Cache-Control they earn."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        match = _FINGERPRINTED.match(path)
        if match is None:
            response = await super().get_response(path, scope)
            response.headers["Cache-Control"] = REVALIDATE
            return response
        plain = match["stem"] + (match["ext"] or "")
        response = await super().get_response(plain, scope)  # 404 when there is no such file
        full_path, _ = self.lookup_path(plain)
        current = match["hash"] == fingerprint(full_path)
        response.headers["Cache-Control"] = IMMUTABLE if current else REVALIDATE
        return response
