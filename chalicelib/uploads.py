"""Course-package uploads: from S3 event notifications to import jobs.

Uploads land in the content bucket under ``uploads/{realmId}/{jobId}/{fileName}`` (through a
presigned POST/PUT or the upload route); S3 notifies the import queue and the import function
receives the queue messages (the brief: CloudFormation cannot attach a Lambda to an existing
bucket's notifications, S3→SQS it can). S3 delivers at least once and moto raises two events
for one multipart upload, so everything here is idempotent.

The notification format is "Event message structure" in the Amazon S3 User Guide; object keys
arrive URL-encoded with ``+`` for spaces.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from urllib.parse import unquote_plus

from chalicelib import imports
from chalicelib.observability import log_event
from chalicelib.store import repos

LOG = logging.getLogger("nimbus.uploads")
UPLOAD_PREFIX = "uploads/"


class MalformedNotification(ValueError):
    """A queue message that is not an S3 event notification."""


@dataclass(frozen=True)
class UploadedObject:
    bucket: str
    key: str
    size: int
    realm_id: str
    job_id: str


def upload_key(realm_id: str, job_id: str, file_name: str) -> str:
    return f"{UPLOAD_PREFIX}{realm_id}/{job_id}/{file_name}"


def parse_notification(body: str) -> list[UploadedObject]:
    """Uploaded objects named by one S3 notification (none for ``s3:TestEvent``)."""
    try:
        message = json.loads(body)
    except ValueError as err:
        raise MalformedNotification(f"message body is not JSON: {err}") from err
    if not isinstance(message, dict):
        raise MalformedNotification("message body is not a JSON object")
    if message.get("Event") == "s3:TestEvent":
        return []
    found = []
    for record in message.get("Records") or []:
        if not str(record.get("eventName", "")).startswith("ObjectCreated:"):
            continue
        s3 = record.get("s3") or {}
        key = unquote_plus(str((s3.get("object") or {}).get("key", "")))
        parts = key.split("/")
        if not key.startswith(UPLOAD_PREFIX) or len(parts) < 4 or not all(parts[1:3]):
            log_event(LOG, "ignored object outside uploads/{realm}/{job}/", key=key)
            continue
        found.append(UploadedObject(
            bucket=str((s3.get("bucket") or {}).get("name", "")), key=key,
            size=int((s3.get("object") or {}).get("size") or 0), realm_id=parts[1], job_id=parts[2]))
    return found


def receive(upload: UploadedObject) -> bool:
    """Record the arrival of an upload on its import job and run the import; False if the job
    is unknown or the upload was seen before (duplicate S3 events change nothing)."""
    applied = repos.mark_upload_received(upload.realm_id, upload.job_id, upload.key, upload.size)
    log_event(LOG, "upload received" if applied else "upload ignored", key=upload.key,
              size=upload.size, applied=applied)
    if applied:
        imports.run(upload)
    return applied


def parse_task(body: str) -> dict[str, str] | None:
    """An import task the API queued itself (``{"nimbus": "fetch", ...}``), else None."""
    try:
        message = json.loads(body)
    except ValueError:
        return None
    if isinstance(message, dict) and message.get("nimbus") == "fetch" and \
            all(isinstance(message.get(k), str) for k in ("realmId", "jobId", "url")):
        return {k: message[k] for k in ("realmId", "jobId", "url")}
    return None


def handle(body: str) -> None:
    """One import-queue message: an invitation email task, a fetch task or an S3 notification
    (see app.import_course)."""
    from chalicelib.invitations import jobs as invitation_jobs  # noqa: PLC0415 - invitations' email job (issue 13)

    email_task = invitation_jobs.parse_task(body)
    if email_task is not None:
        invitation_jobs.handle(email_task)
        return
    task = parse_task(body)
    if task is not None:
        imports.fetch(task["realmId"], task["jobId"], task["url"])
        return
    for upload in parse_notification(body):
        receive(upload)
