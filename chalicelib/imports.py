"""Import jobs: from an uploaded (or fetched) file to a stored course version.

Three ways in, one way through (SCORM Cloud API v2 "importJobs"):

* ``POST /courses/importJobs/upload`` stores the multipart file at ``uploads/{realm}/{job}/{file}``;
* a presigned POST lets a caller put big files (API Gateway caps bodies at 10 MB) at that key;
* ``POST /courses/importJobs`` queues a fetch task: the import function downloads the URL
  (SSRF-safe, :mod:`chalicelib.outbound`) and stores it at that key.

S3 notifies the import queue; :func:`run` (through :func:`chalicelib.uploads.receive`) claims
the job, reads the package (:func:`chalicelib.standards.read_package`), extracts it to
``content/...`` in parallel, stores the original package and the activity tree, writes the
course and its new version in one transaction, counts the storage and finishes the job
COMPLETE or ERROR. Whatever happens, the upload is deleted; on ERROR nothing else is left.
Duplicate S3 events (at-least-once delivery) find the job claimed or finished and do nothing.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from chalicelib import course_files, courses, outbound, plans
from chalicelib.errors import BadRequest, Conflict, NotFound, PayloadTooLarge
from chalicelib.observability import log_event
from chalicelib.postbacks import delivery
from chalicelib.standards import PackageReading, read_package
from chalicelib.standards.activity_tree import to_dict
from chalicelib.standards.package import PackageError
from chalicelib.store import blobs, queues
from chalicelib.store import courses as store
from chalicelib.store.repos import now
from chalicelib.store.tables import ImportJobItem

if TYPE_CHECKING:
    from chalicelib.store.tables import CourseItem
    from chalicelib.uploads import UploadedObject

LOG = logging.getLogger("nimbus.imports")
LEASE_SECONDS = 15 * 60
MAX_FETCH_BYTES = 2 * 1024 * 1024 * 1024
MAX_PRESIGNED_BYTES = 2 * 1024 * 1024 * 1024
UPLOAD_WORKERS = 8
MAX_STORED_WARNINGS = 200
#: How long an import job (status, warnings, result) stays readable: then DynamoDB TTL drops it.
JOB_RETENTION_SECONDS = 30 * 24 * 3600
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._()+ -]+")


class ImportRefused(Exception):
    """The import cannot proceed (course exists, upload missing...): the job ends in ERROR."""


@dataclass
class Options:
    """What the caller asked for when starting the job."""

    course_id: str
    may_create_new_version: bool = False
    postback_url: str | None = None
    tags: list[str] = field(default_factory=list)
    file_name: str = "course.zip"
    content_type: str | None = None
    media_metadata: dict[str, Any] = field(default_factory=dict)


def safe_file_name(name: str | None) -> str:
    base = PurePosixPath((name or "").replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).strip(" .")[:200]
    return cleaned or "course.zip"


def upload_key(realm_id: str, job_id: str, file_name: str) -> str:
    return f"uploads/{realm_id}/{job_id}/{file_name}"


def _new_job(realm_id: str, options: Options) -> ImportJobItem:
    courses.check_course_id(options.course_id)
    if options.postback_url:
        try:
            outbound.resolve(options.postback_url)
        except outbound.OutboundRefused as err:
            raise BadRequest(f"postbackUrl is refused: {err}.") from err
    if not options.may_create_new_version and store.get_course(realm_id, options.course_id):
        raise Conflict(f"Course {options.course_id!r} already exists; set mayCreateNewVersion=true "
                       "to import a new version of it.")
    moment = now()
    job = ImportJobItem(realm_id=realm_id, job_id=uuid.uuid4().hex, course_id=options.course_id,
                        may_create_new_version=options.may_create_new_version,
                        postback_url=options.postback_url, options=asdict(options),
                        created=moment, updated=moment,
                        expires=int(moment.timestamp()) + JOB_RETENTION_SECONDS)
    return store.create_job(job)


def start_upload(realm_id: str, options: Options, data: bytes) -> str:
    """Store an uploaded file for import; return the job id."""
    if not data:
        raise BadRequest("The 'file' part is empty: attach the course package.")
    options.file_name = safe_file_name(options.file_name)
    job = _new_job(realm_id, options)
    blobs.put_bytes(upload_key(realm_id, job.job_id, options.file_name), data, "application/octet-stream")
    return str(job.job_id)


def start_presigned(realm_id: str, options: Options) -> dict[str, Any]:
    """A job and a presigned POST form to upload its (big) file straight to S3."""
    options.file_name = safe_file_name(options.file_name)
    job = _new_job(realm_id, options)
    form = blobs.presigned_post(upload_key(realm_id, job.job_id, options.file_name), MAX_PRESIGNED_BYTES)
    return {"jobId": job.job_id, "url": form["url"], "fields": form["fields"], "maxBytes": MAX_PRESIGNED_BYTES}


def start_fetch(realm_id: str, options: Options, url: object) -> str:
    """A job whose package the import function will fetch from ``url``."""
    if not isinstance(url, str) or not url.strip():
        raise BadRequest("url is required: the package's http(s) address.")
    try:
        outbound.resolve(url)
    except outbound.OutboundRefused as err:
        raise BadRequest(f"url is refused: {err}.") from err
    if options.file_name == "course.zip":
        options.file_name = safe_file_name(PurePosixPath(url.split("?")[0]).name or "course.zip")
    job = _new_job(realm_id, options)
    queues.send_import_task({"nimbus": "fetch", "realmId": realm_id, "jobId": job.job_id, "url": url})
    return str(job.job_id)


def fetch(realm_id: str, job_id: str, url: str) -> None:
    """The queued fetch task: download ``url`` (SSRF-safe) into the job's upload key."""
    job = store.get_job(realm_id, job_id)
    if job is None or job.status != "RUNNING" or job.upload_key:
        return
    options = Options(**(job.options or {"course_id": job.course_id}))
    with tempfile.TemporaryFile() as sink:
        try:
            _final, kind = outbound.download(url, sink, MAX_FETCH_BYTES)
        except outbound.OutboundRefused as err:
            _finish_error(job, options, f"The package could not be fetched: {err}.")
            return
        size = sink.tell()
        sink.seek(0)
        blobs.put_stream(upload_key(realm_id, job_id, options.file_name), sink, size, kind or None)


def status(realm_id: str, job_id: str) -> dict[str, Any]:
    """ImportJobResultSchema."""
    job = store.get_job(realm_id, job_id)
    if job is None:
        raise NotFound(f"Import job {job_id!r} does not exist.")
    shown: dict[str, Any] = {"jobId": job.job_id, "status": job.status, "message": job.message or ""}
    if job.result:
        shown["importResult"] = job.result
    return shown


# --- the import function --------------------------------------------------------------------


def run(upload: UploadedObject) -> str | None:
    """Import one uploaded file for its job; return the final status (None: nothing done)."""
    job = store.get_job(upload.realm_id, upload.job_id)
    if job is None or job.status != "RUNNING":
        return None
    if not store.claim_job(upload.realm_id, upload.job_id, LEASE_SECONDS):
        log_event(LOG, "import already claimed or finished", job=upload.job_id)
        return None
    options = Options(**(job.options or {"course_id": job.course_id}))
    upload_prefix = f"uploads/{upload.realm_id}/{upload.job_id}/"
    try:
        return _import(job, options, upload)
    finally:
        blobs.delete_prefix(upload_prefix)


def _import(job: ImportJobItem, options: Options, upload: UploadedObject) -> str:
    with tempfile.TemporaryDirectory(prefix="nimbus-import-") as work:
        path = Path(work) / "package"
        try:
            if not blobs.download(upload.bucket, upload.key, path):
                raise ImportRefused("The uploaded file is gone; upload it again.")
            file_name = options.file_name or PurePosixPath(upload.key).name
            reading = read_package(path, file_name, options.content_type, media_metadata=options.media_metadata)
            try:
                result = _store(job, options, reading, path, upload)
            finally:
                reading.close()
        except (PackageError, ImportRefused) as err:
            return _finish_error(job, options, str(err))
        except Exception:
            LOG.exception("import failed", extra={"job": job.job_id})
            return _finish_error(job, options, f"The import failed unexpectedly; quote job {job.job_id}.")
    store.finish_job(job.realm_id, job.job_id, "COMPLETE", "Import complete.", result)
    log_event(LOG, "import complete", job=job.job_id, course=options.course_id,
              standard=result["course"]["courseLearningStandard"])
    _postback(job, options)
    return "COMPLETE"


def _finish_error(job: ImportJobItem, options: Options, message: str) -> str:
    store.finish_job(job.realm_id, job.job_id, "ERROR", message, None)
    log_event(LOG, "import failed", job=job.job_id, reason=message)
    _postback(job, options)
    return "ERROR"


def _extract(reading: PackageReading, prefix: str, upload_path: Path, package_key: str) -> int:
    """Make the package's files servable under ``prefix``: small ones indexed inside the stored
    package (:mod:`chalicelib.course_files`), the rest written as objects; return how many."""
    package = reading.package
    count = 0
    if package is not None:
        packed, extract = course_files.plan(package, upload_path)
        course_files.write_index(prefix, package_key, packed)
        count += len(packed)

        def put(name: str) -> None:
            with package.open(name) as stream:
                blobs.put_stream(prefix + name, stream, package.entries[name].file_size)

        with ThreadPoolExecutor(UPLOAD_WORKERS) as pool:
            for _ in pool.map(put, extract):
                count += 1
    for name, data in reading.generated.items():
        blobs.put_bytes(prefix + name, data)
        count += 1
    if reading.upload_as:
        with open(upload_path, "rb") as stream:
            blobs.put_stream(prefix + reading.upload_as, stream, upload_path.stat().st_size)
        count += 1
    return count


def _store(job: ImportJobItem, options: Options, reading: PackageReading, upload_path: Path,
           upload: UploadedObject) -> dict[str, Any]:
    realm_id, course_id = job.realm_id, options.course_id
    existing = store.get_course(realm_id, course_id)
    if existing is not None and not options.may_create_new_version:
        raise ImportRefused(f"Course {course_id!r} already exists and mayCreateNewVersion is false.")
    number = int(existing.latest_version) + 1 if existing is not None else 0
    content_prefix = f"content/{realm_id}/{course_id}/{job.job_id}/"
    package_key = f"packages/{realm_id}/{course_id}/{job.job_id}/{safe_file_name(options.file_name)}"
    tree_key = f"trees/{realm_id}/{course_id}/{job.job_id}.json"
    try:
        plans.check_storage(realm_id, reading.expanded_bytes)
    except plans.PlanLimitReached as err:
        raise ImportRefused(err.message) from err
    try:
        # the upload becomes the stored package by a server-side copy (it is deleted afterwards)
        blobs.copy_whole(upload.bucket, upload.key, package_key, "application/zip")
        files = _extract(reading, content_prefix, upload_path, package_key)
        blobs.put_bytes(tree_key, json.dumps(to_dict(reading.structure)).encode(), "application/json")
        course = _save(existing, reading, options, realm_id, number=number, keys=
                       {"content_prefix": content_prefix, "package_key": package_key, "tree_key": tree_key,
                        "file_count": files, "import_job_id": job.job_id})
    except BaseException:
        for prefix in (content_prefix, package_key.rsplit("/", 1)[0] + "/", tree_key,
                       course_files.index_key(content_prefix)):
            blobs.delete_prefix(prefix)
        raise
    store.add_storage(realm_id, bytes_expanded=reading.expanded_bytes, courses=0 if existing else 1, versions=1)
    plans.record_storage(realm_id, reading.expanded_bytes)
    version = store.get_version(realm_id, course_id, number)
    found = reading.structure
    return {"webPathToCourse": content_prefix, "parserWarnings": found.warnings[:MAX_STORED_WARNINGS],
            "courseLanguages": found.languages, "course": courses.course_json(course, version)}


def _save(existing: CourseItem | None, reading: PackageReading, options: Options, realm_id: str, *, number: int,
          keys: dict[str, Any]) -> CourseItem:
    found = reading.structure
    moment = now()
    course = existing or store.new_course(realm_id, options.course_id, moment)
    course.title, course.standard, course.latest_version = found.title, found.standard, number
    course.description, course.activity_id, course.updated = found.description, found.activity_id, moment
    tags: list[str] = [str(t) for t in course.tags or []]
    course.tags = list(dict.fromkeys([*tags, *options.tags]))  # type: ignore[assignment,list-item]
    version = store.new_version(realm_id, options.course_id, number, moment)
    version.standard, version.title, version.size_bytes = found.standard, found.title, reading.expanded_bytes
    version.warnings = found.warnings[:MAX_STORED_WARNINGS]  # type: ignore[assignment]
    for name, value in keys.items():
        setattr(version, name, value)
    try:
        store.save_version(course, version, creating=existing is None)
    except store.Conflict as err:
        raise ImportRefused(f"Course {options.course_id!r} was changed by another import at the same "
                            "time; start the import again.") from err
    return course


def _postback(job: ImportJobItem, options: Options) -> None:
    """Queue the finished job's postback to ``postbackUrl`` (retried with backoff, logged:
    chalicelib.postbacks.delivery)."""
    if options.postback_url:
        delivery.schedule_import(job.realm_id, job.job_id, options.postback_url)


def too_big(size: int, limit: int) -> None:
    if size > limit:
        raise PayloadTooLarge(f"The file is {size} bytes; upload files over {limit} bytes through "
                              "POST /courses/importJobs/upload/presigned.")
