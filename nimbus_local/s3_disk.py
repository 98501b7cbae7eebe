"""moto's S3 with object bytes in files under ``$NIMBUS_HOME/s3/``, not in memory or snapshots.

moto keeps each object's bytes in a ``tempfile.SpooledTemporaryFile`` (memory up to a few MB,
an anonymous file beyond) and its ``FakeKey.__getstate__`` puts the bytes into every pickle. Here
the buffer is a :class:`ContentFile`: a named file that is opened only for the read or write at
hand (so 100,000 objects hold no file descriptors), pickled as its file name. Files no live key refers
to (objects deleted or overwritten, multipart parts merged, a crash) are removed after each
snapshot and at start-up by :func:`collect_garbage`: not when moto disposes of a key, because
moto's copies of a key (and a restored snapshot's) share its file.

Durability: the bytes of an acknowledged PUT are also in the journal until the next snapshot, so
a killed process loses no acknowledged object; with ``NIMBUS_FSYNC=1`` the journal is fsynced and
the snapshot child calls ``os.sync()`` before the snapshot replaces the old one, so a power loss
loses none either (see ``nimbus_local.aws``).

This relies on moto internals (``moto.s3.models.tempfile`` and ``FakeKey``'s state); moto is
pinned exactly and ``tests/unit/test_local_storage.py`` round-trips it.
"""

from __future__ import annotations

import re
import tempfile
import time
import uuid
from typing import TYPE_CHECKING, Any, BinaryIO

import moto.s3.models as s3_models
from moto.s3.models import FakeKey, FakeMultipart, S3Backend, s3_backends
from moto.s3.utils import ARCHIVE_STORAGE_CLASSES

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

_ROOT: Path | None = None
#: Content folders known to exist.
_FOLDERS: set[Path] = set()
_ORIGINAL_GETSTATE = FakeKey.__getstate__
_ORIGINAL_SETSTATE = FakeKey.__setstate__
_ORIGINAL_LIST_VERSIONS = S3Backend.list_object_versions


class ContentFile:
    """The part of a file object moto's ``FakeKey`` uses (seek, read, write, truncate, close),
    on a named file opened per call."""

    def __init__(self, name: str | None = None) -> None:
        if _ROOT is None:
            raise RuntimeError("nimbus_local.s3_disk.install() was not called")
        self.name = name or uuid.uuid4().hex
        self.path = _ROOT / self.name[:2] / self.name
        #: A new buffer has no file until its first write (one syscall fewer per object).
        self.exists = name is not None
        self.position = 0
        self.closed = False

    def _open_for_writing(self) -> BinaryIO:
        if self.exists:
            try:
                return open(self.path, "r+b")  # noqa: SIM115 - closed by the caller's with
            except FileNotFoundError:  # restored, but never written (an empty object)
                pass
        folder = self.path.parent
        if folder not in _FOLDERS:
            folder.mkdir(exist_ok=True)
            _FOLDERS.add(folder)
        self.exists = True
        return open(self.path, "wb")  # noqa: SIM115

    def seek(self, position: int, whence: int = 0) -> int:
        if whence == 2:
            position += self.path.stat().st_size if self.path.exists() else 0
        elif whence == 1:
            position += self.position
        self.position = position
        return position

    def tell(self) -> int:
        return self.position

    def read(self, size: int = -1) -> bytes:
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self.position)
                data = fh.read(size)
        except FileNotFoundError:  # a key restored from a snapshot whose object was since deleted
            data = b""
        self.position += len(data)
        return data

    def write(self, data: bytes) -> int:
        with self._open_for_writing() as fh:
            if self.position:
                fh.seek(self.position)
            written = fh.write(data)
        self.position += written
        return written

    def truncate(self, size: int | None = None) -> int:
        size = self.position if size is None else size
        if not self.exists and size == 0:
            return 0  # nothing written yet: already empty
        with self._open_for_writing() as fh:
            fh.truncate(size)
        return size

    def flush(self) -> None:
        """Writes go straight to the file."""

    def close(self) -> None:
        """The file stays: copies of a key (moto deep-copies keys, a snapshot restores them) share
        it, so files go only when no live key refers to them (:func:`collect_garbage`)."""
        self.closed = True


class _TempfileForS3:
    """What ``moto.s3.models`` sees as ``tempfile``: its spooled buffers become content files."""

    def __getattr__(self, name: str) -> Any:
        return getattr(tempfile, name)

    @staticmethod
    def SpooledTemporaryFile(*_args: Any, **_kwargs: Any) -> ContentFile:  # noqa: N802 - tempfile's name
        return ContentFile()


def _getstate(key: FakeKey) -> dict[str, Any]:
    state = key.__dict__.copy()
    buffer = state.pop("_value_buffer")
    state.pop("lock", None)
    state["_content_file"] = buffer.name if isinstance(buffer, ContentFile) else None
    if not isinstance(buffer, ContentFile):  # not installed when the key was made: keep the bytes
        state["value"] = key.value
    return state


def _setstate(key: FakeKey, state: dict[str, Any]) -> None:
    import threading

    name = state.pop("_content_file", None)
    value = state.pop("value", None)
    key.__dict__.update(state)
    key.lock = threading.Lock()
    if name is not None:
        key._value_buffer = ContentFile(name)  # type: ignore[assignment]  # noqa: SLF001 - moto's attribute
    else:  # a snapshot written before the bytes moved to files (or without install)
        key._value_buffer = ContentFile()  # type: ignore[assignment]  # noqa: SLF001
        key.value = value or b""  # type: ignore[misc]


class _Prefixed:
    """A bucket's keys as ``list_object_versions`` reads them, limited to one prefix."""

    def __init__(self, keys: Any, prefix: str) -> None:
        self.keys, self.prefix = keys, prefix

    def iterlists(self) -> Iterator[tuple[str, list[FakeKey]]]:
        return ((name, versions) for name, versions in self.keys.iterlists() if name.startswith(self.prefix))


def _list_object_versions(self: S3Backend, bucket_name: str, *args: Any, **kwargs: Any) -> Any:
    """moto deep-copies every version of every key of the bucket for each page it lists, then
    filters by prefix: with 50,000 course files, deleting one uploaded package held the request
    lock for 8 s. Only the keys under the prefix are handed to it here (same answer)."""
    prefix = kwargs.get("prefix") or ""
    bucket = self.get_bucket(bucket_name)
    if not prefix:
        return _ORIGINAL_LIST_VERSIONS(self, bucket_name, *args, **kwargs)
    keys = bucket.keys
    bucket.keys = _Prefixed(keys, prefix)  # type: ignore[assignment]
    try:
        return _ORIGINAL_LIST_VERSIONS(self, bucket_name, *args, **kwargs)
    finally:
        bucket.keys = keys


_RANGE = re.compile(r"^bytes=(\d+)-(\d+)$")
_SIGNED_S3 = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/s3/aws4_request")
#: Request headers a ranged GET may carry and still be answered by :func:`ranged_get`.
_PLAIN_HEADERS = {"HTTP_HOST", "HTTP_USER_AGENT", "HTTP_ACCEPT_ENCODING", "HTTP_AUTHORIZATION",
                  "HTTP_X_AMZ_DATE", "HTTP_X_AMZ_CONTENT_SHA256", "HTTP_X_AMZ_CHECKSUM_MODE",
                  "HTTP_AMZ_SDK_INVOCATION_ID", "HTTP_AMZ_SDK_REQUEST", "HTTP_RANGE", "HTTP_ACCEPT",
                  "HTTP_CONNECTION", "HTTP_X_AMZ_SECURITY_TOKEN", "HTTP_IF_MATCH"}


def _servable_key(environ: dict[str, Any]) -> FakeKey | None:
    """The object a ranged GET names, if :func:`ranged_get` may answer for it."""
    bucket_name, _, key_name = environ.get("PATH_INFO", "").lstrip("/").partition("/")
    owner = s3_backends.bucket_accounts.get(bucket_name)  # (partition, account)
    if not key_name or owner is None:
        return None
    backends: Any = s3_backends
    bucket = backends[owner[1]][owner[0]].buckets.get(bucket_name)
    versions = bucket.keys.getlist(key_name, []) if bucket is not None else []
    key = versions[-1] if versions else None
    if (not isinstance(key, FakeKey) or not isinstance(getattr(key, "_value_buffer", None), ContentFile)
            or key.storage_class in ARCHIVE_STORAGE_CLASSES):
        return None
    if_match = environ.get("HTTP_IF_MATCH")  # s3transfer's ranged downloads send it
    if if_match and key.etag not in (if_match, f'"{if_match}"'):
        return None  # moto answers 412
    return key


def ranged_get(environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """Answer ``GET /bucket/key`` with ``Range: bytes=a-b`` from the object's file, reading only
    that range — moto reads the whole object and slices it, and the player reads small files out
    of a course's stored package this way (``chalicelib.course_files``). The answer is moto's
    (status 206, its headers: ETag, Last-Modified, Content-Range...); any request this does not
    cover exactly (another form of range, conditions other than a matching If-Match, versions,
    overrides, CORS, SSE-C, archived or missing objects, a range past the end) returns None and
    goes to moto. Call with the request lock held."""
    match = _RANGE.match(environ.get("HTTP_RANGE", ""))
    if (match is None or environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING")
            or not _SIGNED_S3.search(environ.get("HTTP_AUTHORIZATION", ""))
            or any(k.startswith("HTTP_") and k not in _PLAIN_HEADERS for k in environ)):
        return None
    key = _servable_key(environ)
    if key is None:
        return None
    begin, end = int(match.group(1)), int(match.group(2))
    size = key.size
    if begin > end or begin >= size:
        return None
    end = min(end, size - 1)
    try:
        with open(key._value_buffer.path, "rb") as fh:  # type: ignore[attr-defined]  # noqa: SLF001
            fh.seek(begin)
            body = fh.read(end - begin + 1)
    except FileNotFoundError:
        return None
    headers: dict[str, str] = {}
    if key.version_id != "null":
        headers["x-amz-version-id"] = key.version_id
    headers.update(key.response_dict)
    headers.update(key.metadata)
    headers["Accept-Ranges"] = "bytes"
    headers["content-range"] = f"bytes {begin}-{end}/{size}"
    headers["content-length"] = str(len(body))
    return "206 Partial Content", [(k, str(v)) for k, v in headers.items()], body


def install(root: Path) -> None:
    """Keep S3 object bytes under ``root`` from now on (call before restoring a snapshot)."""
    global _ROOT  # noqa: PLW0603 - moto's S3 is one per process too
    root.mkdir(parents=True, exist_ok=True)
    _ROOT = root
    s3_models.tempfile = _TempfileForS3()  # type: ignore[assignment,attr-defined]
    FakeKey.__getstate__ = _getstate  # type: ignore[method-assign,assignment]
    FakeKey.__setstate__ = _setstate  # type: ignore[method-assign,assignment]
    S3Backend.list_object_versions = _list_object_versions  # type: ignore[method-assign]


def uninstall() -> None:
    global _ROOT  # noqa: PLW0603
    s3_models.tempfile = tempfile  # type: ignore[attr-defined]
    FakeKey.__getstate__ = _ORIGINAL_GETSTATE  # type: ignore[method-assign]
    FakeKey.__setstate__ = _ORIGINAL_SETSTATE  # type: ignore[method-assign]
    S3Backend.list_object_versions = _ORIGINAL_LIST_VERSIONS  # type: ignore[method-assign]
    _ROOT = None


def _live_keys() -> Iterator[FakeKey]:
    for account in s3_backends.values():
        for backend in account.values():
            for bucket in backend.buckets.values():
                for _name, versions in bucket.keys.iterlists():
                    yield from versions
                for multipart in bucket.multiparts.values():
                    assert isinstance(multipart, FakeMultipart)  # noqa: S101 - moto's type
                    yield from multipart.parts.values()


def live_files() -> set[str]:
    """The content files live keys refer to (call with the local AWS's request lock held)."""
    return {key._value_buffer.name for key in _live_keys()  # noqa: SLF001
            if isinstance(key._value_buffer, ContentFile)}  # noqa: SLF001


def collect_garbage(live: set[str] | None = None, min_age: float = 0.0) -> int:
    """Delete content files that no live key refers to — objects deleted or overwritten, files
    left by a crash — and that are older than ``min_age`` seconds (a key being written right
    now may not be in its bucket yet); returns how many."""
    if _ROOT is None:
        return 0
    live = live_files() if live is None else live
    cutoff = time.time() - min_age
    removed = 0
    for folder in _ROOT.iterdir():
        if folder.is_dir():
            for path in folder.iterdir():
                if path.name not in live and path.stat().st_mtime <= cutoff:
                    path.unlink(missing_ok=True)
                    removed += 1
    return removed
