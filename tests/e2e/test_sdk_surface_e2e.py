"""Issue 16 through the unchanged official SDK against the running local stack: course versions
(old registrations stay on their version, new ones get the newest; per-version zip, files and
statements), course assets, registration instances and statements (paging with ``more``),
learner tags / updateInfo / erasure, configuration at every level, content connectors' 501."""

from __future__ import annotations

import json
import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.builders import course_zip as cz
from tests.builders import statements as b

if TYPE_CHECKING:
    from tests.e2e.stack import LocalStack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def apis(stack: LocalStack) -> Any:
    import rustici_software_cloud_v2 as scorm

    creds = stack.credentials()
    config = scorm.Configuration()
    config.host = creds["apiBase"]
    config.username, config.password = creds["appId"], creds["secretKey"]
    config.temp_folder_path = None
    client = scorm.ApiClient(config)
    return scorm, {name: getattr(scorm, name)(client) for name in (
        "CourseApi", "RegistrationApi", "LearnerApi", "XapiApi", "ApplicationManagementApi", "ContentConnectorsApi",
        "ReportingApi")}


def _import(scorm: Any, courses: Any, tmp_path: Any, course_id: str, data: bytes) -> Any:
    package = tmp_path / f"{course_id}-{uuid.uuid4().hex[:6]}.zip"
    package.write_bytes(data)
    job = courses.create_upload_and_import_course_job(course_id, file=str(package), may_create_new_version=True)
    deadline = time.monotonic() + 60
    while (status := courses.get_import_job_status(job.result)).status == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert status.status == "COMPLETE", status.message
    return package


def _register(scorm: Any, regs: Any, course_id: str, registration_id: str, learner: Any = None) -> str:
    regs.create_registration(scorm.CreateRegistrationSchema(
        course_id=course_id, registration_id=registration_id,
        learner=learner or scorm.LearnerSchema(id=f"l-{registration_id}", first_name="Ada", last_name="Lovelace")))
    return registration_id


def _post_statements(stack: LocalStack, xapi: Any, scorm: Any, statements: list[dict[str, Any]]) -> None:
    creds = stack.credentials()
    made = xapi.create_xapi_credential(scorm.XapiCredentialSchema(
        name=f"e2e-{uuid.uuid4().hex[:6]}", secret=uuid.uuid4().hex, is_enabled=True,
        auth=scorm.XapiCredentialAuthTypeSchema("BASICAUTH"),
        permissions_level=scorm.XapiCredentialPermissionsLevelSchema("ROOT")))
    key = xapi.get_xapi_credential(made.result)
    headers = {"Authorization": b.basic(key.id, key.secret), "Content-Type": "application/json",
               "X-Experience-API-Version": "1.0.3"}
    for start in range(0, len(statements), 100):
        answer = requests.post(f"{creds['baseUrl']}/lrs/{creds['appId']}/statements",
                               data=json.dumps(statements[start:start + 100]), timeout=30, headers=headers)
        assert answer.status_code == 200, answer.text


def test_versions_assets_instances_and_statements(apis, stack: LocalStack, tmp_path) -> None:
    scorm, api = apis
    courses, regs = api["CourseApi"], api["RegistrationApi"]
    course_id = f"sdk-ver-{uuid.uuid4().hex[:6]}"
    first = _import(scorm, courses, tmp_path, course_id, cz.scorm12_zip())
    old = _register(scorm, regs, course_id, f"{course_id}-old")
    second = _import(scorm, courses, tmp_path, course_id, cz.scorm12_zip("Golf, second edition"))
    new = _register(scorm, regs, course_id, f"{course_id}-new")
    launch = regs.build_registration_launch_link(old, scorm.LaunchLinkRequestSchema(redirect_on_exit_url="message"))
    assert requests.get(launch.launch_link, timeout=30).status_code == 200  # launching keeps the version
    assert regs.get_registration_progress(old).course.version == 0
    assert regs.get_registration_progress(new).course.version == 1
    assert [v.version for v in courses.get_course_versions(course_id).courses] == [0, 1]
    with open(courses.get_versioned_course_zip(course_id, 0), "rb") as saved:
        assert saved.read() == first.read_bytes()
    with open(courses.get_versioned_course_zip(course_id, 1), "rb") as saved:
        assert saved.read() == second.read_bytes()

    files = courses.get_course_version_file_list(course_id, 0).files
    assert "lesson1/index.html" in [f.path for f in files] and all(f.size > 0 for f in files)
    note = tmp_path / "notes.txt"
    note.write_text("version-one notes")
    made = courses.upload_course_asset_file(course_id, "/docs/", file=str(note), update_asset_policy="reject")
    assert (made.filename, made.destination) == ("notes.txt", "/docs/notes.txt")
    with open(courses.get_course_asset(course_id, "docs/notes.txt")) as saved:
        assert saved.read() == "version-one notes"
    with pytest.raises(scorm.rest.ApiException) as refused:
        courses.delete_course_asset(course_id, "lesson1/index.html")
    assert refused.value.status == 409 and "launch file" in refused.value.body
    courses.delete_course_asset(course_id, "docs/notes.txt")
    assert "docs/notes.txt" not in [f.path for f in courses.get_course_file_list(course_id).files]

    old_xapi = regs.get_registration_progress(old).xapi_registration_id
    new_xapi = regs.get_registration_progress(new).xapi_registration_id
    _post_statements(stack, api["XapiApi"], scorm, [b.statement(registration=old_xapi) for _ in range(120)]
                     + [b.statement(registration=new_xapi) for _ in range(3)])
    page = regs.get_registration_statements(old)
    assert len(page.statements) == 100 and page.more
    rest = regs.get_registration_statements(old, more=page.more)
    assert len(rest.statements) == 20 and not rest.more
    assert page.statements[0].object_activity.id == "http://example.com/a1"
    assert len(courses.get_course_version_statements(course_id, 1).statements) == 3
    assert len(courses.get_course_statements(course_id, learner_id=f"l-{new}").statements) == 3

    regs.create_new_registration_instance(old)  # moves it to the newest version
    progress = regs.get_registration_progress(old)
    assert (progress.instance, progress.course.version) == (1, 1)
    assert len(regs.get_registration_instance_statements(old, 0).statements) == 100
    assert regs.get_registration_instance_statements(old, 1).statements == []
    regs.delete_registration_instance(old, 0)
    assert [i.instance for i in regs.get_registration_instances(old).registrations] == [1]
    regs.delete_registration_global_data(old)
    regs.put_registration_tags_batch(scorm.BatchTagsSchema(ids=[old, new], tags=["cohort-7"]))
    assert regs.get_registration_tags(new).tags == ["cohort-7"]


def test_learners_settings_and_connectors(apis, stack: LocalStack, tmp_path) -> None:
    scorm, api = apis
    courses, regs, learners = api["CourseApi"], api["RegistrationApi"], api["LearnerApi"]
    course_id = f"sdk-lrn-{uuid.uuid4().hex[:6]}"
    _import(scorm, courses, tmp_path, course_id, cz.scorm12_zip())
    learner_id = f"learner-{uuid.uuid4().hex[:8]}"
    registration = _register(scorm, regs, course_id, f"{course_id}-r",
                             scorm.LearnerSchema(id=learner_id, first_name="Lin", last_name="Beifong"))
    learners.put_learner_tags(learner_id, scorm.TagListSchema(tags=["metal"]))
    learners.put_learner_tags_batch(scorm.BatchTagsSchema(ids=[learner_id], tags=["earth"]))
    assert learners.get_learner_tags(learner_id).tags == ["metal", "earth"]
    learners.delete_learner_tags(learner_id, scorm.TagListSchema(tags=["metal"]))
    learners.update_learner_info(learner_id, scorm.LearnerSchema(id=learner_id, email="lin@police.test"))
    assert regs.get_registration_progress(registration).learner.email == "lin@police.test"

    management = api["ApplicationManagementApi"]
    management.set_application_configuration(scorm.SettingsPostSchema(settings=[
        scorm.SettingsIndividualSchema(setting_id="ApiCommitFrequency", value="20")]))
    courses.set_course_configuration(course_id, scorm.SettingsPostSchema(settings=[
        scorm.SettingsIndividualSchema(setting_id="PlayerShowNavBar", value="false")]))
    regs.set_registration_instance_configuration(registration, 0, scorm.SettingsPostSchema(settings=[
        scorm.SettingsIndividualSchema(setting_id="PlayerDebugLogLevel", value="OFF")]))
    items = {i.id: i for i in regs.get_registration_instance_configuration(registration, 0).setting_items}
    assert (items["ApiCommitFrequency"].effective_value, items["ApiCommitFrequency"].effective_value_source) == (
        "20", "application")
    assert items["PlayerShowNavBar"].effective_value_source == "course"
    assert items["PlayerDebugLogLevel"].effective_value == "OFF"
    listed = management.get_application_configuration(include_metadata=True).setting_items
    assert next(i for i in listed if i.id == "PlayerLaunchType").metadata.default == "FRAMESET"
    management.delete_application_configuration_setting("ApiCommitFrequency")
    courses.delete_course_configuration_setting(course_id, "PlayerShowNavBar")
    items = {i.id: i for i in regs.get_registration_configuration(registration).setting_items}
    assert items["ApiCommitFrequency"].effective_value_source == items["PlayerShowNavBar"].effective_value_source \
        == "default"

    learners.delete_all_learner_data(learner_id, stack.credentials()["ownerEmail"])
    with pytest.raises(scorm.rest.ApiException) as gone:
        regs.get_registration_progress(registration)
    assert gone.value.status == 404
    with pytest.raises(scorm.rest.ApiException) as no_tags:
        learners.get_learner_tags(learner_id)
    assert no_tags.value.status == 404

    with pytest.raises(scorm.rest.ApiException) as connectors:
        api["ContentConnectorsApi"].get_connectors_list()
    assert connectors.value.status == 501 and "not offered" in json.loads(connectors.value.body)["message"]


def test_reporting_account_info_and_a_reportage_link_that_opens(apis, stack: LocalStack, tmp_path) -> None:
    """ReportingApi through the unchanged SDK: the account's plan and usage, then a Reportage
    token and link that opens once, into the web app's report of the course."""
    scorm, api = apis
    courses, regs, reporting = api["CourseApi"], api["RegistrationApi"], api["ReportingApi"]
    course_id = f"report-{uuid.uuid4().hex[:6]}"
    _import(scorm, courses, tmp_path, course_id, cz.scorm12_zip("Reported course"))
    before = reporting.get_account_info()
    _register(scorm, regs, course_id, f"{course_id}-r1")
    after = reporting.get_account_info()
    assert after.usage.total_registrations == before.usage.total_registrations + 1
    assert after.usage.total_courses >= 1 and after.account_type

    auth = reporting.get_reportage_auth_token("FREENAV", admin=False)
    assert auth.query_string
    link = reporting.get_reportage_link(auth.query_string, f"report=course&key={course_id}").reportage_link
    opened = requests.get(link, timeout=30, allow_redirects=False)  # the browser side: test_reportage_link_browser.py
    assert opened.status_code == 303 and opened.headers["Location"] == f"/reportage/link?report=course&key={course_id}"
    assert requests.get(link, timeout=30, allow_redirects=False).status_code == 401  # once only
    refused = requests.get(link.replace("auth=", "auth=x"), timeout=30)
    assert refused.status_code in (401, 403)
