"""Course files served out of the stored package (chalicelib.course_files): what is packed, what
is written on its own, what a damaged package does, and that nothing is left of a failed import."""

from __future__ import annotations

import io
import os
import zipfile
from typing import TYPE_CHECKING, Any

import boto3

from tests.builders import course_zip as cz
from tests.integration.test_courses_api import _import, _keys

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials

BIG = os.urandom(6 * 1024 * 1024)  # over the 5 MB inline limit: stored on its own, served by S3 link


def _package() -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w") as archive:
        archive.writestr("imsmanifest.xml", cz.scorm12_manifest(scos=1), zipfile.ZIP_DEFLATED)
        archive.writestr("lesson1/index.html", cz.SCO_PAGE, zipfile.ZIP_DEFLATED)
        archive.writestr("shared/style.css", "body{color:#123}", zipfile.ZIP_STORED)
        archive.writestr("shared/empty.txt", b"", zipfile.ZIP_DEFLATED)
        archive.writestr("media/big.bin", BIG, zipfile.ZIP_STORED)
    return sink.getvalue()


def test_small_files_are_read_from_the_package_and_big_ones_stored_alone(client: Any, realm: RealmCredentials) -> None:
    from chalicelib import course_files, courses
    from chalicelib.store import blobs

    package = _package()
    job = _import(client, realm, package, query="courseId=packed")
    assert job["status"] == "COMPLETE", job
    version, _tree = courses.tree(realm.realm_id, "packed")
    objects = [k for k in _keys() if k.startswith(version.content_prefix)]
    assert objects == [version.content_prefix + "media/big.bin"]  # the only file written on its own
    with zipfile.ZipFile(io.BytesIO(package)) as original:
        for name in ("imsmanifest.xml", "lesson1/index.html", "shared/style.css", "shared/empty.txt"):
            assert course_files.read(version.content_prefix, name) == original.read(name), name
    assert course_files.read(version.content_prefix, "media/big.bin") is None
    assert blobs.get_bytes(version.content_prefix + "media/big.bin") == BIG
    assert course_files.read(version.content_prefix, "lesson1/missing.html") is None
    assert version.file_count == 5

    assert client.http.delete("/api/v2/courses/packed", headers=realm.basic).status_code == 204
    assert _keys() == []  # the index went with the course


def test_a_damaged_stored_package_is_refused_at_read_not_served_wrong(client: Any, realm: RealmCredentials) -> None:
    from chalicelib import course_files, courses
    from chalicelib.store import blobs

    job = _import(client, realm, _package(), query="courseId=damaged")
    assert job["status"] == "COMPLETE", job
    version, _tree = courses.tree(realm.realm_id, "damaged")
    stored = bytearray(blobs.get_bytes(version.package_key) or b"")
    start = stored.find(b"body{color:#123}")
    stored[start] = ord("B")  # the stored css entry now fails its CRC
    boto3.client("s3", region_name="us-east-1").put_object(Bucket=blobs.bucket(), Key=version.package_key,
                                                          Body=bytes(stored))
    try:
        course_files.read(version.content_prefix, "shared/style.css")
    except course_files.PackedFileCorrupt as err:
        assert "does not match its index" in str(err)
    else:
        raise AssertionError("a damaged entry was served")


def test_an_entry_failing_its_crc_fails_the_import_and_leaves_nothing(client: Any, realm: RealmCredentials) -> None:
    package = bytearray(_package())
    start = package.find(b"body{color:#123}")
    package[start] = ord("B")
    job = _import(client, realm, bytes(package), query="courseId=broken")
    assert job["status"] == "ERROR" and "shared/style.css" in job["message"], job
    assert _keys() == []


def test_assets_replace_and_delete_packed_files(client: Any, realm: RealmCredentials) -> None:
    from chalicelib import course_assets, course_files, courses

    job = _import(client, realm, _package(), query="courseId=assets")
    assert job["status"] == "COMPLETE", job
    version, _tree = courses.tree(realm.realm_id, "assets")
    listed = {f["path"]: f["size"] for f in course_assets.file_list(realm.realm_id, "assets")["files"]}
    assert listed == {"imsmanifest.xml": listed["imsmanifest.xml"], "lesson1/index.html": len(cz.SCO_PAGE),
                      "shared/style.css": 16, "shared/empty.txt": 0, "media/big.bin": len(BIG)}

    course_assets.put(realm.realm_id, "assets", "shared/style.css", b"body{color:red}", policy="strict")
    assert course_files.read(version.content_prefix, "shared/style.css") is None  # no longer from the package
    assert course_assets.get(realm.realm_id, "assets", "shared/style.css").body == b"body{color:red}"

    course_assets.delete(realm.realm_id, "assets", "shared/empty.txt")
    listed_after = {f["path"] for f in course_assets.file_list(realm.realm_id, "assets")["files"]}
    assert "shared/empty.txt" not in listed_after and "shared/style.css" in listed_after
    assert course_files.read(version.content_prefix, "shared/empty.txt") is None
