"""API v2 courses over HTTP (chalice's test client) with the real import function run on what
moto's S3 really put on the import queue."""

from __future__ import annotations

import io
import json
import zipfile
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from tests.builders import course_zip as cz
from tests.builders.events import s3_notification
from tests.integration.import_pump import drain

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials


def _upload(client: Any, realm: RealmCredentials, data: bytes, query: str = "courseId=golf", *,
            file_name: str = "course.zip", content_type: str = "application/zip") -> Any:
    boundary = "nimbusBoundary42"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client.http.post(f"/api/v2/courses/importJobs/upload?{query}", body=body, headers={
        **realm.basic, "Content-Type": f"multipart/form-data; boundary={boundary}"})


def _import(client: Any, realm: RealmCredentials, data: bytes, **kwargs: Any) -> dict[str, Any]:
    started = _upload(client, realm, data, **kwargs)
    assert started.status_code == 200, started.body
    drain(client)
    job = client.http.get(f"/api/v2/courses/importJobs/{started.json_body['result']}", headers=realm.basic)
    assert job.status_code == 200
    return job.json_body  # type: ignore[no-any-return]


def _keys() -> list[str]:
    s3 = boto3.client("s3", region_name="us-east-1")
    versions = s3.list_object_versions(Bucket="nimbus-content")
    return sorted(v["Key"] for v in versions.get("Versions", []) + versions.get("DeleteMarkers", []))


def test_scorm12_upload_imports_and_the_course_can_be_read_listed_downloaded_and_deleted(client, realm) -> None:
    package = cz.scorm12_zip()
    job = _import(client, realm, package, query="courseId=golf&tags=sport,outdoor")
    assert job["status"] == "COMPLETE", job
    course = job["importResult"]["course"]
    assert course["courseLearningStandard"] == "SCORM12" and course["title"] == "Golf Explained"
    assert course["tags"] == ["sport", "outdoor"] and course["version"] == 0
    lesson = course["rootActivity"]["children"][0]
    assert lesson["activityType"] == "SCO" and lesson["href"] == "lesson1/index.html"
    assert lesson["scaledPassingScore"] == "0.8"

    got = client.http.get("/api/v2/courses/golf?includeCourseMetadata=True", headers=realm.basic).json_body
    assert got["metadata"]["title"] == "Golf Explained" and got["rootActivity"]["title"] == "Golf Explained"
    listed = client.http.get("/api/v2/courses", headers=realm.basic).json_body
    assert [c["id"] for c in listed["courses"]] == ["golf"] and "more" not in listed

    zipped = client.http.get("/api/v2/courses/golf/zip", headers={**realm.basic, "Accept": "application/zip"})
    assert zipped.status_code == 200 and zipped.headers["Content-Type"] == "application/zip"
    assert zipped.body == package
    # The SDK sends Accept: application/json: it is sent to S3, which answers application/zip.
    redirected = client.http.get("/api/v2/courses/golf/zip", headers={**realm.basic, "Accept": "application/json"})
    assert redirected.status_code == 302 and "response-content-type=application%2Fzip" in redirected.headers["Location"]

    stored = [k for k in _keys() if k.startswith(("content/", "packages/", "trees/", "packs/"))]
    assert any(k.startswith("packs/") for k in stored) and not any(k.startswith("uploads/") for k in _keys())
    # small files are served out of the stored package, byte for byte as in the zip
    from chalicelib import course_files, courses

    version, _tree = courses.tree(realm.realm_id, "golf")
    with zipfile.ZipFile(io.BytesIO(package)) as original:
        for name in original.namelist():
            if not name.endswith("/"):
                assert course_files.read(version.content_prefix, name) == original.read(name), name
    usage = client.http.get("/api/app/courses", headers=realm.basic)  # web route: app credentials refused
    assert usage.status_code == 401

    assert client.http.delete("/api/v2/courses/golf", headers=realm.basic).status_code == 204
    assert client.http.get("/api/v2/courses/golf", headers=realm.basic).status_code == 404
    assert _keys() == []


def test_scorm2004_tree_keeps_sequencing_xml_base_and_parameters(client, realm) -> None:
    from chalicelib import courses

    job = _import(client, realm, cz.scorm2004_zip(), query="courseId=ps")
    assert job["status"] == "COMPLETE" and job["importResult"]["parserWarnings"] == []
    root = job["importResult"]["course"]["rootActivity"]
    assert [c["href"] for c in root["children"]] == [f"content/m{n}/index.html?page={n}" for n in (1, 2, 3)]
    _version, tree = courses.tree(realm.realm_id, "ps")
    assert tree is not None and tree.sequencing.control_mode.flow and not tree.sequencing.control_mode.choice
    first = tree.children[0]
    assert first.sequencing.limit_conditions.attempt_limit == 2
    assert first.sequencing.delivery.completion_set_by_content  # from the sequencingCollection
    assert not first.sequencing.control_mode.choice_exit
    assert [(r.kind, r.action) for r in first.sequencing.rules] == [("pre", "skip"), ("post", "retry")]
    primary = first.sequencing.primary_objective
    assert primary is not None and primary.min_normalized_measure == 0.8
    assert primary.map_info[0].write_satisfied_status and primary.map_info[0].write_completion_status
    assert first.completion_threshold.completed_by_measure and first.completion_threshold.min_progress_measure == 0.75
    assert first.shared_data[0].target_id == "notes" and first.shared_data[0].write_shared_data
    assert tree.children[1].hide_lms_ui == ["continue"]


@pytest.mark.parametrize(("edition", "standard"), [("2nd", "SCORM20042NDEDITION"), ("3rd", "SCORM20043RDEDITION"),
                                                   ("4th", "SCORM20044THEDITION")])
def test_scorm2004_editions(client, realm, edition: str, standard: str) -> None:
    job = _import(client, realm, cz.scorm2004_zip(edition=edition), query=f"courseId=e{edition}")
    assert job["importResult"]["course"]["courseLearningStandard"] == standard


HOSTILE = [cz.zip_slip_zip, cz.absolute_path_zip, cz.symlink_zip, cz.bomb_zip, cz.many_entries_zip,
           cz.corrupt_central_directory_zip]


@pytest.mark.parametrize("build", HOSTILE, ids=lambda b: b.__name__)
def test_hostile_zip_ends_in_error_and_leaves_nothing_in_s3(client, realm, build) -> None:
    job = _import(client, realm, build(), query="courseId=evil")
    assert job["status"] == "ERROR" and len(job["message"]) > 20 and "importResult" not in job
    assert _keys() == []
    assert client.http.get("/api/v2/courses/evil", headers=realm.basic).status_code == 404


def test_duplicate_s3_events_import_once(client, realm) -> None:
    from chalicelib.store import courses as store

    job = _import(client, realm, cz.scorm12_zip())
    notification = s3_notification("nimbus-content", f"uploads/{realm.realm_id}/{job['jobId']}/course.zip")
    client.lambda_.invoke("import_course", client.events.generate_sqs_event([notification]))
    assert store.storage(realm.realm_id).versions == 1
    assert client.http.get("/api/v2/courses/golf/versions", headers=realm.basic).json_body["courses"][0]["version"] == 0


def test_new_versions_need_may_create_new_version(client, realm) -> None:
    _import(client, realm, cz.scorm12_zip())
    refused = _upload(client, realm, cz.scorm12_zip("Golf 2"))
    assert refused.status_code == 409 and "mayCreateNewVersion" in refused.json_body["message"]
    job = _import(client, realm, cz.scorm12_zip("Golf 2"), query="courseId=golf&mayCreateNewVersion=True")
    assert job["importResult"]["course"]["version"] == 1
    versions = client.http.get("/api/v2/courses/golf/versions", headers=realm.basic).json_body["courses"]
    assert [v["version"] for v in versions] == [0, 1]
    assert client.http.get("/api/v2/courses/golf", headers=realm.basic).json_body["title"] == "Golf 2"
    assert client.http.delete("/api/v2/courses/golf/versions/1", headers=realm.basic).status_code == 204
    assert client.http.get("/api/v2/courses/golf", headers=realm.basic).json_body["version"] == 0


def test_tags_title_paging_and_filters(client, realm) -> None:
    from chalicelib import courses

    for n in range(3):
        _import(client, realm, cz.scorm12_zip(f"Course {n}"), query=f"courseId=c{n}")
    put = client.http.put("/api/v2/courses/c1/tags", headers={**realm.basic, "Content-Type": "application/json"},
                          body=json.dumps({"tags": ["red", "blue"]}))
    assert put.status_code == 204
    assert client.http.get("/api/v2/courses/c1/tags", headers=realm.basic).json_body == {"tags": ["red", "blue"]}
    client.http.delete("/api/v2/courses/c1/tags", headers={**realm.basic, "Content-Type": "application/json"},
                       body=json.dumps({"tags": ["red"]}))
    assert client.http.get("/api/v2/courses?tags=blue", headers=realm.basic).json_body["courses"][0]["id"] == "c1"
    client.http.put("/api/v2/courses/c2/title", headers={**realm.basic, "Content-Type": "application/json"},
                    body=json.dumps({"title": "Renamed"}))
    found = client.http.get("/api/v2/courses?filter=renam&filterBy=title", headers=realm.basic).json_body
    assert [c["id"] for c in found["courses"]] == ["c2"]
    courses.PAGE_SIZE, saved = 2, courses.PAGE_SIZE
    try:
        first = client.http.get("/api/v2/courses?orderBy=title_asc&includeTotalCount=true", headers=realm.basic)
        assert first.headers["X-Total-Count"] == "3" and len(first.json_body["courses"]) == 2
        more = first.json_body["more"]
        second = client.http.get(f"/api/v2/courses?more={more}", headers=realm.basic).json_body
        titles = [c["title"] for c in first.json_body["courses"] + second["courses"]]
        assert titles == ["Course 0", "Course 1", "Renamed"]
        assert client.http.get(f"/api/v2/courses?more={more}&tags=x", headers=realm.basic).status_code == 400
    finally:
        courses.PAGE_SIZE = saved


def test_bad_requests_name_the_problem(client, realm) -> None:
    no_id = _upload(client, realm, cz.scorm12_zip(), query="")
    assert no_id.status_code == 400 and "courseId" in no_id.json_body["message"]
    assert client.http.get("/api/v2/courses/importJobs/nope", headers=realm.basic).status_code == 404
    assert client.http.get("/api/v2/courses?orderBy=sideways", headers=realm.basic).status_code == 400
    empty = client.http.post("/api/v2/courses/importJobs/upload?courseId=x", headers={
        **realm.basic, "Content-Type": "multipart/form-data; boundary=b"},
        body=b'--b\r\nContent-Disposition: form-data; name="contentMetadata"\r\n\r\n{}\r\n--b--\r\n')
    assert empty.status_code == 400 and "'file'" in empty.json_body["message"]


@pytest.mark.parametrize(("build", "standard", "leaves"), [
    (cz.aicc_zip, "AICC", ["au1/start.html?lang=en", "au2/start.html"]),
    (cz.tincan_zip, "XAPI", ["index.html"]),
    (cz.cmi5_zip, "CMI5", ["au1/index.html", "au2/index.html"]),
])
def test_other_standards_import(client, realm, build, standard: str, leaves: list[str]) -> None:
    from chalicelib import courses

    job = _import(client, realm, build(), query="courseId=other")
    assert job["status"] == "COMPLETE", job
    assert job["importResult"]["course"]["courseLearningStandard"] == standard
    _version, tree = courses.tree(realm.realm_id, "other")
    assert tree is not None and [a.href for a in tree.leaves()] == leaves


def test_pdf_becomes_a_generated_cmi5_course(client, realm) -> None:
    from chalicelib import courses
    from chalicelib.store import blobs

    job = _import(client, realm, cz.pdf_bytes(), file_name="Handbook.pdf", content_type="application/pdf",
                  query="courseId=handbook")
    assert job["status"] == "COMPLETE", job
    assert job["importResult"]["course"]["courseLearningStandard"] == "CMI5"
    version, tree = courses.tree(realm.realm_id, "handbook")
    assert tree is not None and tree.leaves()[0].cmi5 is not None and tree.leaves()[0].cmi5.move_on == "Completed"
    page = blobs.get_bytes(version.content_prefix + "index.html") or b""
    assert b'src="media/Handbook.pdf"' in page
    assert blobs.get_bytes(version.content_prefix + "media/Handbook.pdf") == cz.pdf_bytes()


def test_fetch_jobs_refuse_private_addresses(client, realm) -> None:
    for url in ("http://127.0.0.1:9/x.zip", "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/c.zip",
                "http://[::1]/c.zip", "file:///etc/passwd", "http://localhost/c.zip"):
        answer = client.http.post("/api/v2/courses/importJobs?courseId=f", headers={
            **realm.basic, "Content-Type": "application/json"}, body=json.dumps({"url": url}))
        assert answer.status_code == 400, url
        assert "refused" in answer.json_body["message"]


def test_preview_link_points_at_the_courses_launch_path(client, realm) -> None:
    _import(client, realm, cz.scorm12_zip())
    link = client.http.post("/api/v2/courses/golf/preview", headers={**realm.basic, "Content-Type": "application/json"},
                            body=json.dumps({"redirectOnExitUrl": "closer", "expiry": 120})).json_body["launchLink"]
    assert link.startswith("http") and "/launch/" in link  # the player (runtime issue) serves it
    assert client.http.post("/api/v2/courses/nope/preview", headers={**realm.basic, "Content-Type": "application/json"},
                            body="{}").status_code == 404


def test_presigned_upload_form(client, realm) -> None:
    form = client.http.post("/api/v2/courses/importJobs/upload/presigned?courseId=big", headers={
        **realm.basic, "Content-Type": "application/json"}, body=json.dumps({"fileName": "Big Course.zip"})).json_body
    assert form["fields"]["key"] == f"uploads/{realm.realm_id}/{form['jobId']}/Big Course.zip"
    # What the caller's POST to S3 does: the object lands under the key, S3 notifies the queue.
    boto3.client("s3", region_name="us-east-1").put_object(Bucket="nimbus-content", Key=form["fields"]["key"],
                                                           Body=cz.scorm12_zip())
    drain(client)
    assert client.http.get(f"/api/v2/courses/importJobs/{form['jobId']}", headers=realm.basic).json_body[
        "status"] == "COMPLETE"


def test_zip_download_has_the_original_bytes(client, realm) -> None:
    package = cz.scorm2004_zip()
    _import(client, realm, package, query="courseId=z")
    got = client.http.get("/api/v2/courses/z/versions/0/zip", headers={**realm.basic, "Accept": "application/zip"})
    assert zipfile.ZipFile(io.BytesIO(got.body)).read("imsmanifest.xml").startswith(b"<?xml")
