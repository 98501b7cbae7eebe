"""Where a course version's files live: packed inside its stored package, or as objects.

An import used to write every file of a package as an S3 object of its own — 5,000 PUTs for a
5,000-file course, most of an import's time (docs/performance.md, "Course import"). The package
is stored anyway (``packages/…``, for export and new versions), so small files are now served
straight out of it: the import checks every entry (zipfile's CRC-32 check, and the declared size
as a bound against zip bombs) and records where each one's bytes start in the zip (APPNOTE.TXT
4.3.7, the local file header: 30 bytes, then the name and the extra field), and the player reads
exactly that byte range with one ranged GET and inflates it (APPNOTE 4.4.5: methods 0 stored and
8 deflated). The index is a JSON object beside the content prefix (:func:`index_key`).

Files larger than :data:`INLINE_BYTES` (media, served by a short-lived S3 link rather than
through the function), entries of other compression methods, and the files an import generates
(a cmi5 wrapper for a PDF, say) are still written as objects under the content prefix; a path
the index does not name is looked for there, as for courses imported before packing existed.
"""

from __future__ import annotations

import json
import struct
import threading
import time
import zlib
from typing import TYPE_CHECKING, Any

from chalicelib.store import blobs

if TYPE_CHECKING:
    from pathlib import Path

    from chalicelib.standards.package import Package

#: Files above this are served by redirect to S3 (API Gateway / Lambda answers cap at 6 MB).
INLINE_BYTES = 5 * 1024 * 1024
#: Compression methods served from the package (APPNOTE 4.4.5).
PACKABLE_METHODS = (0, 8)
LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, (version … sizes), name length, extra length
LOCAL_SIGNATURE = b"PK\x03\x04"
CHUNK = 1024 * 1024


class PackedFileCorrupt(Exception):
    """The stored package no longer gives the bytes its index promised."""


def index_key(content_prefix: str) -> str:
    """``content/{realm}/{course}/{n}/`` → ``packs/{realm}/{course}/{n}.json``."""
    inner = content_prefix.removeprefix("content/").rstrip("/")
    return f"packs/{inner}.json"


def plan(package: Package, zip_path: Path) -> tuple[dict[str, list[int]], list[str]]:
    """Check every entry and split the package: (entries served from the zip, names to write
    as objects). Raises :class:`~chalicelib.standards.package.PackageError` for a corrupt entry.

    A packed entry is ``[data offset, compressed size, size, method, CRC-32]``."""
    packed: dict[str, list[int]] = {}
    extract: list[str] = []
    with open(zip_path, "rb") as raw:
        for name, info in package.files():
            if info.file_size > INLINE_BYTES or info.compress_type not in PACKABLE_METHODS or info.flag_bits & 1:
                extract.append(name)
                continue
            with package.open(name) as stream:  # CRC and size are checked as it is read
                while stream.read(CHUNK):
                    pass
            raw.seek(info.header_offset)
            signature, name_length, extra_length = LOCAL_HEADER.unpack(raw.read(LOCAL_HEADER.size))
            if signature != LOCAL_SIGNATURE:
                extract.append(name)  # not where the central directory says: let zipfile extract it
                continue
            offset = info.header_offset + LOCAL_HEADER.size + name_length + extra_length
            packed[name] = [offset, info.compress_size, info.file_size, info.compress_type, info.CRC]
    return packed, extract


def write_index(content_prefix: str, package_key: str, packed: dict[str, list[int]]) -> None:
    body = json.dumps({"package": package_key, "files": packed}, separators=(",", ":")).encode()
    blobs.put_bytes(index_key(content_prefix), body, "application/json")


#: How long a function keeps a version's index before reading it again: an asset uploaded or
#: deleted through the API (:mod:`chalicelib.course_assets`) rewrites the index; other warm
#: functions see it within this time.
INDEX_SECONDS = 60.0
CACHED_INDEXES = 16  # ~1 MB each for a 5,000-file course; a function serves a few courses at a time
_CACHE: dict[str, tuple[float, tuple[str, dict[str, list[int]]] | None]] = {}
_CACHE_LOCK = threading.Lock()


def _load(content_prefix: str) -> tuple[str, dict[str, list[int]]] | None:
    data = blobs.get_bytes(index_key(content_prefix))
    if data is None:
        return None
    found: dict[str, Any] = json.loads(data)
    return str(found["package"]), found["files"]


def _index(content_prefix: str) -> tuple[str, dict[str, list[int]]] | None:
    """A version's index (None for versions imported before packing), cached for a minute."""
    now = time.monotonic()
    with _CACHE_LOCK:
        cached = _CACHE.get(content_prefix)
    if cached is not None and now - cached[0] < INDEX_SECONDS:
        return cached[1]
    index = _load(content_prefix)
    with _CACHE_LOCK:
        if len(_CACHE) >= CACHED_INDEXES:
            _CACHE.pop(min(_CACHE, key=lambda k: _CACHE[k][0]))
        _CACHE[content_prefix] = (now, index)
    return index


def packed_files(content_prefix: str) -> dict[str, int]:
    """Path → size of every file served from the package (none for unpacked versions)."""
    index = _index(content_prefix)
    return {path: entry[2] for path, entry in index[1].items()} if index else {}


def unpack(content_prefix: str, path: str) -> bool:
    """Stop serving ``path`` from the package (an asset replaced or deleted it); True if it was
    packed. The index is rewritten; this function's cache forgets it at once."""
    index = _load(content_prefix)
    if index is None or path not in index[1]:
        return False
    files = dict(index[1])
    del files[path]
    write_index(content_prefix, index[0], files)
    with _CACHE_LOCK:
        _CACHE.pop(content_prefix, None)
    return True


def size_of(content_prefix: str, path: str) -> int | None:
    """The size of a packed file, or None when the file is not packed."""
    index = _index(content_prefix)
    entry = index[1].get(path) if index else None
    return entry[2] if entry else None


def read(content_prefix: str, path: str) -> bytes | None:
    """The bytes of a packed file (one ranged GET), or None when the file is not packed."""
    index = _index(content_prefix)
    entry = index[1].get(path) if index else None
    if index is None or entry is None:
        return None
    offset, compressed, size, method, crc = entry
    raw = blobs.get_range(index[0], offset, compressed) if compressed else b""
    if raw is None:
        raise PackedFileCorrupt(f"the package of {content_prefix} is gone")
    data = zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, size + 1) if method == 8 else raw
    if len(data) != size or zlib.crc32(data) != crc:
        raise PackedFileCorrupt(f"{path} in {index[0]} does not match its index")
    return data
