"""The official SDK imports a course into the running local stack (S3 → SQS → event pump →
import function), polls the job, gets, lists, downloads and deletes the course."""

from __future__ import annotations

import io
import json
import time
import zipfile
from typing import TYPE_CHECKING

import pytest

from tests.builders import course_zip as cz

if TYPE_CHECKING:
    from pathlib import Path

    from tests.e2e.stack import LocalStack

pytestmark = pytest.mark.e2e


def _sdk(stack: LocalStack):  # noqa: ANN202
    import rustici_software_cloud_v2 as scorm

    creds = stack.credentials()
    config = scorm.Configuration()
    config.host = creds["apiBase"]
    config.username, config.password = creds["appId"], creds["secretKey"]
    config.temp_folder_path = None
    return scorm, scorm.CourseApi(scorm.ApiClient(config))


def _wait(api, job_id: str, timeout: float = 60):  # noqa: ANN001, ANN202
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = api.get_import_job_status(job_id)
        if status.status != "RUNNING":
            return status
        time.sleep(0.2)
    raise AssertionError(f"import job {job_id} still RUNNING")


def test_sdk_imports_polls_gets_lists_downloads_and_deletes(stack: LocalStack, tmp_path: Path) -> None:
    scorm, api = _sdk(stack)
    package = tmp_path / "Photoshop Basics.zip"
    package.write_bytes(cz.scorm2004_zip())
    started = api.create_upload_and_import_course_job("sdk-photoshop", file=str(package),
                                                      may_create_new_version=False, tags=["e2e"])
    done = _wait(api, started.result)
    assert done.status == "COMPLETE", done.message
    assert done.import_result.course.course_learning_standard == "SCORM20044THEDITION"
    assert [c.href for c in done.import_result.course.root_activity.children][0] == "content/m1/index.html?page=1"

    course = api.get_course("sdk-photoshop", include_course_metadata=True)
    assert course.title == "Photoshop Basics" and course.tags == ["e2e"]
    assert "sdk-photoshop" in [c.id for c in api.get_courses(tags=["e2e"]).courses]

    downloaded = api.get_course_zip("sdk-photoshop")  # follows the redirect to S3 (moto)
    with open(downloaded, "rb") as saved:
        assert saved.read() == package.read_bytes()

    api.delete_course("sdk-photoshop")
    with pytest.raises(scorm.rest.ApiException) as gone:
        api.get_course("sdk-photoshop")
    assert gone.value.status == 404 and json.loads(gone.value.body)["message"]


def test_sdk_sees_a_hostile_zip_end_in_error(stack: LocalStack, tmp_path: Path) -> None:
    _scorm, api = _sdk(stack)
    package = tmp_path / "evil.zip"
    package.write_bytes(cz.zip_slip_zip())
    done = _wait(api, api.create_upload_and_import_course_job("sdk-evil", file=str(package)).result)
    assert done.status == "ERROR" and "zip slip" in done.message


def test_web_library_upload_and_course_page(stack: LocalStack) -> None:
    import requests

    creds = stack.credentials()
    with requests.Session() as browser:
        signed = browser.post(f"{stack.base_url}/api/session", timeout=10,
                              json={"email": creds["ownerEmail"], "password": creds["ownerPassword"]})
        csrf = signed.json()["csrfToken"]
        started = browser.post(f"{stack.base_url}/api/app/courses/import", timeout=10,
                               headers={"X-CSRF-Token": csrf},
                               files={"file": ("Safety.zip", cz.aicc_zip(), "application/zip")})
        assert started.status_code == 200, started.text
        job = started.json()
        deadline = time.monotonic() + 60
        while browser.get(f"{stack.base_url}/api/app/importJobs/{job['jobId']}", timeout=10).json()[
                "status"] == "RUNNING":
            assert time.monotonic() < deadline
            time.sleep(0.2)
        page = browser.get(f"{stack.base_url}/api/app/courses/{job['courseId']}", timeout=10).json()
        assert page["courseLearningStandard"] == "AICC" and page["versions"][0]["fileCount"] == 7
        assert zipfile.ZipFile(io.BytesIO(cz.aicc_zip())).namelist()
        listed = browser.get(f"{stack.base_url}/api/app/courses", timeout=10).json()
        assert job["courseId"] in [c["id"] for c in listed["courses"]] and listed["storage"]["bytesExpanded"] > 0
        assert browser.delete(f"{stack.base_url}/api/app/courses/{job['courseId']}", timeout=10,
                              headers={"X-CSRF-Token": csrf}).status_code == 204
