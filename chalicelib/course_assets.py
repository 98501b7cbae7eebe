"""Course assets: the files of an imported course version (SCORM Cloud API v2 CourseApi
``getCourseFileList``, ``getCourseAsset``, ``uploadCourseAssetFile``, ``importCourseAssetFile``,
``deleteCourseAsset`` and their ``/versions/{versionId}`` forms; the latest version by default).

A course's files are served out of its stored package or, stored on their own, under its
version's content prefix (:mod:`chalicelib.course_files`; an asset written here replaces the
packed file). Changing them keeps the package deliverable:

* paths are relative to the package root and may not leave it (no ``..``, no absolute paths);
* the package's structure files (``imsmanifest.xml``, ``tincan.xml``, ``cmi5.xml``, AICC
  descriptors) cannot be replaced or deleted here — their content *is* the course structure,
  which only an import parses: import a new version instead;
* a file an activity launches (its ``href``) cannot be deleted;
* ``updateAssetPolicy``: ``reject`` refuses to overwrite, ``strict`` refuses to create, ``lax``
  (the default) does either;
* bytes count against the realm's storage plan like imported content does.
"""

from __future__ import annotations

import io
import posixpath
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from chalicelib import course_files, courses, outbound, plans
from chalicelib.errors import BadRequest, Conflict, NotFound
from chalicelib.store import blobs
from chalicelib.store import courses as course_store

if TYPE_CHECKING:
    from chalicelib.standards.activity_tree import Activity
    from chalicelib.store.tables import CourseVersionItem

POLICIES = ("lax", "reject", "strict")
STRUCTURE_FILES = frozenset({"imsmanifest.xml", "tincan.xml", "cmi5.xml"})
STRUCTURE_SUFFIXES = (".crs", ".au", ".des", ".cst", ".ort", ".pre", ".cmp")
MAX_ASSET_BYTES = 100 * 1024 * 1024
MAX_PATH = 1024


@dataclass(frozen=True)
class Asset:
    """One file of a course version, as the API returns it."""

    body: bytes
    file_name: str
    content_type: str
    link: str | None = None  # a short-lived S3 link instead of the body, for large files


def check_path(raw: object, what: str = "relativePath") -> str:
    """A package-relative file path (leading ``/`` allowed, as SCORM Cloud writes them)."""
    if not isinstance(raw, str) or not raw.strip().strip("/"):
        raise BadRequest(f"{what} is required: a file path inside the course.")
    text = raw.strip().lstrip("/")
    segments = text.split("/")
    if (len(text) > MAX_PATH or "\\" in text or "\x00" in text
            or any(s in ("", ".", "..") for s in segments)):
        raise BadRequest(f"{what} {raw!r} is not a file path inside the course (no '..', '\\' or empty parts).")
    return text


def check_policy(raw: str | None) -> str:
    policy = (raw or "lax").lower()
    if policy not in POLICIES:
        raise BadRequest(f"updateAssetPolicy must be one of {', '.join(POLICIES)}, not {raw!r}.")
    return policy


def _version(realm_id: str, course_id: str, number: int | None) -> CourseVersionItem:
    return courses.version_of(realm_id, courses.require(realm_id, course_id), number)


def _launch_files(version: CourseVersionItem) -> dict[str, str]:
    """Package path → title of every activity launching it."""
    found = courses.structure(version)
    launched: dict[str, str] = {}

    def walk(node: Activity) -> None:
        href = (node.href or "").split("?", 1)[0].split("#", 1)[0]
        if href and "://" not in href:
            launched[posixpath.normpath(href.lstrip("/"))] = node.title or node.identifier
        for child in node.children:
            walk(child)

    if found is not None:
        walk(found.root)
    return launched


def _structural(path: str) -> bool:
    name = posixpath.basename(path).lower()
    return (path.lower() in STRUCTURE_FILES or name.endswith(STRUCTURE_SUFFIXES)) and "/" not in path


def file_list(realm_id: str, course_id: str, number: int | None = None) -> dict[str, Any]:
    """FileListSchema: every file of the version, path-sorted — those served out of the stored
    package (dated by the import) and those stored on their own."""
    version = _version(realm_id, course_id, number)
    prefix = version.content_prefix
    imported = courses.iso(version.created.astimezone(UTC))
    files = {path: {"path": path, "size": size, "modified": imported}
             for path, size in course_files.packed_files(prefix).items()}
    for key, size, modified in blobs.list_files(prefix):
        files[key[len(prefix):]] = {"path": key[len(prefix):], "size": size,
                                    "modified": courses.iso(modified.astimezone(UTC))}
    return {"files": [files[path] for path in sorted(files)]}


def _size(version: CourseVersionItem, path: str) -> int | None:
    """A file's size, whether stored on its own or inside the package; None if there is none."""
    size = blobs.size_of(version.content_prefix + path)
    return size if size is not None else course_files.size_of(version.content_prefix, path)


def get(realm_id: str, course_id: str, raw_path: object, number: int | None = None) -> Asset:
    version = _version(realm_id, course_id, number)
    path = check_path(raw_path)
    key, name, kind = version.content_prefix + path, posixpath.basename(path), blobs.content_type(path)
    packed = course_files.read(version.content_prefix, path)
    if packed is not None:
        return Asset(packed, name, kind)
    size = blobs.size_of(key)
    if size is None:
        raise NotFound(f"Course {course_id!r} version {int(version.number)} has no file {path!r}.")
    if size > courses.INLINE_ZIP_BYTES:  # Lambda answers cap at 6 MB
        return Asset(b"", name, kind, blobs.presigned_get(key, name, kind))
    return Asset(blobs.get_bytes(key) or b"", name, kind)


def put(realm_id: str, course_id: str, raw_destination: object, data: bytes, *, file_name: str = "",
        policy: str | None = None, number: int | None = None) -> dict[str, str]:
    """Store one file into the version; AssetFileSchema ``{filename, destination}``."""
    chosen = check_policy(policy)
    if not isinstance(raw_destination, str) or not raw_destination.strip():
        raise BadRequest("destination is required: the file's path inside the course.")
    destination = raw_destination.strip()
    if destination.endswith("/"):
        if not file_name:
            raise BadRequest("destination names a folder and the file part has no file name.")
        destination += posixpath.basename(file_name)
    path = check_path(destination, "destination")
    if _structural(path):
        raise BadRequest(f"destination {path!r} is the package's structure file; import a new version of the "
                         "course to change its structure.")
    if len(data) > MAX_ASSET_BYTES:
        raise BadRequest(f"The file is {len(data)} bytes; an asset may be at most {MAX_ASSET_BYTES} bytes.")
    version = _version(realm_id, course_id, number)
    key = version.content_prefix + path
    existing = _size(version, path)
    if chosen == "reject" and existing is not None:
        raise Conflict(f"{path!r} already exists and updateAssetPolicy is reject.")
    if chosen == "strict" and existing is None:
        raise Conflict(f"{path!r} does not exist and updateAssetPolicy is strict.")
    delta = len(data) - (existing or 0)
    if delta > 0:
        plans.check_storage(realm_id, delta)
    blobs.put_bytes(key, data)
    course_files.unpack(version.content_prefix, path)  # the new file is served, not the packed one
    _account(version, delta, added=existing is None)
    return {"filename": posixpath.basename(path), "destination": "/" + path}


def fetch(realm_id: str, course_id: str, body: object, *, policy: str | None = None,
          number: int | None = None) -> dict[str, str]:
    """ImportAssetRequestSchema ``{fetchUrl, destination}``: download (SSRF-safe) then :func:`put`."""
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object with fetchUrl and destination (ImportAssetRequestSchema).")
    url = body.get("fetchUrl")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise BadRequest("fetchUrl is required: an http(s) URL.")
    check_policy(policy)
    check_path(body.get("destination"), "destination")
    _version(realm_id, course_id, number)
    sink = io.BytesIO()
    try:
        final, _kind = outbound.download(url, sink, MAX_ASSET_BYTES)
    except outbound.OutboundRefused as err:
        raise BadRequest(f"fetchUrl could not be fetched: {err}.") from err
    return put(realm_id, course_id, body.get("destination"), sink.getvalue(),
               file_name=posixpath.basename(final.split("?", 1)[0]), policy=policy, number=number)


def delete(realm_id: str, course_id: str, raw_path: object, number: int | None = None) -> None:
    """Delete one file; never a structure file or a file an activity launches."""
    version = _version(realm_id, course_id, number)
    path = check_path(raw_path)
    if _structural(path):
        raise BadRequest(f"{path!r} is the package's structure file; it cannot be deleted.")
    launched_by = _launch_files(version).get(posixpath.normpath(path))
    if launched_by is not None:
        raise Conflict(f"{path!r} is the launch file of activity {launched_by!r}; the course could no longer "
                       "be delivered without it.")
    key = version.content_prefix + path
    size = _size(version, path)
    if size is None:
        raise NotFound(f"Course {course_id!r} version {int(version.number)} has no file {path!r}.")
    course_files.unpack(version.content_prefix, path)
    blobs.delete_key(key)
    _account(version, -size, added=False, removed=True)


def _account(version: CourseVersionItem, delta: int, *, added: bool, removed: bool = False) -> None:
    """Keep the version's size and file count, the realm's storage counters and the plan's usage true."""
    version.size_bytes = int(version.size_bytes or 0) + delta
    version.file_count = int(version.file_count or 0) + (1 if added else 0) - (1 if removed else 0)
    course_store.save_version_counts(version)
    course_store.add_storage(version.realm_id, bytes_expanded=delta)
    plans.record_storage(version.realm_id, delta)
