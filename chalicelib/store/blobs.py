"""S3: uploaded packages, extracted course content, stored trees, presigned URLs.

Layout of the content bucket (every key after the first segment starts with the realm id):

* ``uploads/{realm}/{jobId}/{file}``       what a caller uploaded (S3 → SQS → import);
* ``packages/{realm}/{course}/{n}/{file}`` the original package of course version n;
* ``content/{realm}/{course}/{n}/...``      its files written one by one (large media, generated
                                            files; :mod:`chalicelib.course_files`);
* ``packs/{realm}/{course}/{n}.json``       where its other files lie inside the package;
* ``trees/{realm}/{course}/{n}.json``       its activity tree (too big for a DynamoDB item).

The bucket is versioned, so "delete" here removes every version of every key under a prefix:
an import that fails or a deleted course leaves nothing behind.
"""

from __future__ import annotations

import mimetypes
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from chalicelib.config import settings

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

SMALL_OBJECT = 8 * 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@lru_cache(maxsize=1)
def _s3() -> Any:
    return boto3.client("s3", region_name=settings().region,
                        config=Config(max_pool_connections=32, retries={"mode": "standard"}))


def bucket() -> str:
    return settings().content_bucket


def content_type(path: str) -> str:
    kind = mimetypes.guess_type(path)[0]
    if path.lower().endswith((".js", ".mjs")):
        kind = "text/javascript"
    return kind or "application/octet-stream"


def put_bytes(key: str, data: bytes, kind: str | None = None) -> None:
    _s3().put_object(Bucket=bucket(), Key=key, Body=data, ContentType=kind or content_type(key))


def put_stream(key: str, stream: Readable, size: int, kind: str | None = None) -> None:
    """Store a stream; small ones in one PUT, large ones by multipart upload."""
    if size <= SMALL_OBJECT:
        put_bytes(key, stream.read(), kind)
        return
    _s3().upload_fileobj(stream, bucket(), key, ExtraArgs={"ContentType": kind or content_type(key)})


def get_bytes(key: str) -> bytes | None:
    try:
        return _s3().get_object(Bucket=bucket(), Key=key)["Body"].read()  # type: ignore[no-any-return]
    except ClientError as err:
        if err.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return None
        raise


def get_range(key: str, start: int, length: int) -> bytes | None:
    """``length`` bytes of an object from ``start`` (an HTTP Range GET); None if it is gone."""
    try:
        answer = _s3().get_object(Bucket=bucket(), Key=key, Range=f"bytes={start}-{start + length - 1}")
    except ClientError as err:
        if err.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return None
        raise
    return answer["Body"].read()  # type: ignore[no-any-return]


def size_of(key: str) -> int | None:
    try:
        return int(_s3().head_object(Bucket=bucket(), Key=key)["ContentLength"])
    except ClientError as err:
        if err.response["Error"]["Code"] in ("NoSuchKey", "404", "NotFound"):
            return None
        raise


def download(source_bucket: str, key: str, dest: Path) -> bool:
    """Copy an object to a local file; False when it does not exist."""
    try:
        _s3().download_file(source_bucket or bucket(), key, str(dest))
    except ClientError as err:
        if err.response["Error"]["Code"] in ("NoSuchKey", "404", "NotFound", "NoSuchBucket"):
            return False
        raise
    return True


def copy(source_key: str, dest_key: str) -> None:
    _s3().copy({"Bucket": bucket(), "Key": source_key}, bucket(), dest_key)


def copy_whole(source_bucket: str, source_key: str, dest_key: str, kind: str) -> None:
    """One server-side ``CopyObject`` (objects up to 5 GB) with a new Content-Type: no bytes
    pass through the caller."""
    _s3().copy_object(Bucket=bucket(), Key=dest_key, CopySource={"Bucket": source_bucket, "Key": source_key},
                      ContentType=kind, MetadataDirective="REPLACE")


def delete_prefix(prefix: str) -> int:
    """Delete every version of every object under ``prefix``; return how many were removed."""
    if not prefix or prefix.count("/") < 2:
        raise ValueError(f"refusing to delete a top-level prefix: {prefix!r}")
    client = _s3()
    removed = 0
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket(), Prefix=prefix):
        doomed = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                  for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        for start in range(0, len(doomed), 1000):
            client.delete_objects(Bucket=bucket(), Delete={"Objects": doomed[start:start + 1000], "Quiet": True})
        removed += len(doomed)
    return removed


def delete_key(key: str) -> int:
    """Delete every version of exactly ``key`` (not the keys it is a prefix of)."""
    client = _s3()
    doomed = [{"Key": v["Key"], "VersionId": v["VersionId"]}
              for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket(), Prefix=key)
              for v in page.get("Versions", []) + page.get("DeleteMarkers", []) if v["Key"] == key]
    for start in range(0, len(doomed), 1000):
        client.delete_objects(Bucket=bucket(), Delete={"Objects": doomed[start:start + 1000], "Quiet": True})
    return len(doomed)


def list_files(prefix: str) -> list[tuple[str, int, datetime]]:
    """(key, size, last modified) of every current object under ``prefix``."""
    return [(obj["Key"], int(obj["Size"]), obj["LastModified"])
            for page in _s3().get_paginator("list_objects_v2").paginate(Bucket=bucket(), Prefix=prefix)
            for obj in page.get("Contents", [])]


def list_keys(prefix: str) -> list[str]:
    keys: list[str] = []
    for page in _s3().get_paginator("list_objects_v2").paginate(Bucket=bucket(), Prefix=prefix):
        keys.extend(obj["Key"] for obj in page.get("Contents", []))
    return keys


def presigned_post(key: str, max_bytes: int, expires: int = 3600) -> dict[str, Any]:
    """A browser/SDK-usable POST form for one upload key, capped at ``max_bytes``."""
    return _s3().generate_presigned_post(  # type: ignore[no-any-return]
        bucket(), key, Conditions=[["content-length-range", 1, max_bytes]], ExpiresIn=expires)


def presigned_put(key: str, expires: int = 3600) -> str:
    return _s3().generate_presigned_url(  # type: ignore[no-any-return]
        "put_object", Params={"Bucket": bucket(), "Key": key}, ExpiresIn=expires)


def presigned_get(key: str, file_name: str, kind: str, expires: int = 300) -> str:
    return _s3().generate_presigned_url(  # type: ignore[no-any-return]
        "get_object", ExpiresIn=expires, Params={
            "Bucket": bucket(), "Key": key, "ResponseContentType": kind,
            "ResponseContentDisposition": f'attachment; filename="{file_name}"'})
