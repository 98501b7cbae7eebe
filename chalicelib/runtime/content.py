"""Serving a launch's course files (from the content bucket, under the course version's prefix) and
the player's own static files, through the same origin as the runtime API.

SCO pages must come from the origin of the player window: content finds the API by walking
``window.parent`` (RTE 3.3.3 "API instance discovery"), which the browser allows only
same-origin. Files are read from the stored package where the import packed them
(:mod:`chalicelib.course_files`); files above ``INLINE_BYTES`` (media) are redirected to a short-lived S3 link
instead (cross-origin is fine for ``<video>``/``<img>``; Lambda responses cap at 6 MB).
"""

from __future__ import annotations

import json
import logging
import posixpath
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from chalicelib import course_files
from chalicelib.standards.export import export_rules
from chalicelib.store import blobs

if TYPE_CHECKING:
    from chalicelib.runtime.sessions import PlayerSession

LOG = logging.getLogger("nimbus.content")
STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {"runtime.js": "text/javascript", "player.js": "text/javascript", "player.css": "text/css",
          "rules.json": "application/json"}
#: Served as bytes (base64 through API Gateway): the app registers these as binary types.
BINARY_TYPES = [
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/x-icon", "image/vnd.microsoft.icon",
    "audio/mpeg", "audio/mp4", "audio/wav", "audio/x-wav", "audio/ogg", "video/mp4", "video/webm", "video/ogg",
    "font/woff", "font/woff2", "font/ttf", "font/otf", "application/font-woff", "application/vnd.ms-fontobject",
    "application/pdf", "application/x-shockwave-flash", "application/wasm",
]


@dataclass
class Served:
    body: str | bytes
    status: int = 200
    headers: dict[str, str | list[str]] = field(default_factory=dict)


def _missing(what: str) -> Served:
    return Served(f"Not found: {what}", 404, {"Content-Type": "text/plain; charset=utf-8"})


def clean_path(parts: tuple[str, ...]) -> str | None:
    """The relative file path of the URL segments, or None if it tries to leave the package."""
    segments = [unquote(p) if "%" in p else p for p in parts]
    if any(s in ("", ".", "..") or "/" in s or "\\" in s or "\x00" in s for s in segments):
        return None
    path = posixpath.normpath("/".join(segments))
    return None if path.startswith(("../", "/")) or path == ".." else path


def _object(key: str, path: str, kind: str) -> Served | bytes:
    """A file stored as an object of its own (media, generated files, older imports)."""
    size = blobs.size_of(key)
    if size is None:
        return _missing(path)
    if size > course_files.INLINE_BYTES:
        return Served("", 302, {"Location": blobs.presigned_get(key, posixpath.basename(path), kind, expires=3600),
                                "Cache-Control": "no-store"})
    return blobs.get_bytes(key) or b""


def fetch(session: PlayerSession, parts: tuple[str, ...]) -> Served:
    path = clean_path(parts)
    if path is None:
        return _missing("that path")
    kind = blobs.content_type(path)
    try:
        found: Served | bytes | None = course_files.read(session.content_prefix, path)
    except course_files.PackedFileCorrupt as err:
        LOG.error("packed course file unreadable", extra={"path": path, "reason": str(err)})
        return Served(f"The stored course file {path} cannot be read; re-import the course.", 500,
                      {"Content-Type": "text/plain; charset=utf-8"})
    if found is None:
        found = _object(session.content_prefix + path, path, kind)
    if isinstance(found, Served):
        return found
    headers = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"}
    if kind in BINARY_TYPES:
        return Served(found, 200, {**headers, "Content-Type": kind})
    try:
        text = found.decode("utf-8")
    except UnicodeDecodeError:
        return Served(found, 200, {**headers, "Content-Type": "application/octet-stream"})
    charset = "; charset=utf-8" if kind.startswith("text/") or kind.endswith(("json", "xml", "javascript")) else ""
    return Served(text, 200, {**headers, "Content-Type": kind + charset})


@lru_cache(maxsize=8)
def _asset_text(name: str) -> str:
    if name == "rules.json":
        return json.dumps(export_rules(), separators=(",", ":"))
    return (STATIC / name).read_text(encoding="utf-8")


def asset(name: str) -> Served:
    """The player's runtime.js, player.js, player.css and the exported rule tables."""
    kind = ASSETS.get(name)
    if kind is None:
        return _missing(name)
    return Served(_asset_text(name), 200, {"Content-Type": f"{kind}; charset=utf-8",
                                           "Cache-Control": "public, max-age=300"})
