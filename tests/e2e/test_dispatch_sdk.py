"""Acceptance (issue 14): the official SDK (rustici-software-cloud-v2 5.0.0, unchanged) drives every
one of DispatchApi's 41 operations against the running local stack."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.builders import course_zip as cz
from tests.e2e import play

pytestmark = pytest.mark.e2e

OPERATIONS = 41


def test_the_sdk_drives_every_dispatch_operation(sdk: Any, tmp_path: Any) -> None:  # noqa: PLR0915 - one tour
    scorm, courses, _ = sdk
    api = scorm.DispatchApi(courses.api_client)
    called: set[str] = set()

    def call(name: str, *args: Any, **kwargs: Any) -> Any:
        called.add(name)
        return getattr(api, name)(*args, **kwargs)

    play.import_course(sdk, tmp_path, "sdk-golf", cz.scorm12_zip())
    play.import_course(sdk, tmp_path, "sdk-photo", cz.scorm2004_zip())
    call("create_destinations", scorm.DestinationListSchema(destinations=[
        scorm.DestinationIdSchema(id="sdk-acme", data=scorm.DestinationSchema(name="Acme LMS", tags=["client"])),
        scorm.DestinationIdSchema(id="sdk-beta", data=scorm.DestinationSchema(name="Beta LMS"))]))
    call("set_destination", "sdk-beta", scorm.DestinationSchema(notes="renewed", email="ops@beta.test"))
    got = call("get_destination", "sdk-beta", include_dispatch_count=True)
    assert (got.name, got.notes, got.email, got.dispatch_count) == ("Beta LMS", "renewed", "ops@beta.test", 0)
    assert {d.id for d in call("get_destinations", filter="sdk-", include_total_count=True).destinations} >= \
        {"sdk-acme", "sdk-beta"}
    call("put_destination_tags", "sdk-beta", scorm.TagListSchema(tags=["x", "y"]))
    call("delete_destination_tags", "sdk-beta", scorm.TagListSchema(tags=["x"]))
    call("put_destination_tags_batch", scorm.BatchTagsSchema(ids=["sdk-acme", "sdk-beta"], tags=["batch"]))
    assert call("get_destination_tags", "sdk-beta").tags == ["y", "batch"]

    expires = datetime(2031, 1, 1, tzinfo=UTC)
    call("create_dispatches", scorm.CreateDispatchListSchema(dispatches=[
        scorm.CreateDispatchIdSchema(id="sdk-d1", data=scorm.CreateDispatchSchema(
            destination_id="sdk-acme", course_id="sdk-golf", tags=["spring"], expiration_date=expires)),
        scorm.CreateDispatchIdSchema(id="sdk-d2", data=scorm.CreateDispatchSchema(
            destination_id="sdk-acme", course_id="sdk-photo", registration_cap=5)),
        scorm.CreateDispatchIdSchema(id="sdk-d3", data=scorm.CreateDispatchSchema(
            destination_id="sdk-beta", course_id="sdk-golf"))]))
    with pytest.raises(scorm.rest.ApiException) as twice:
        api.create_dispatches(scorm.CreateDispatchListSchema(dispatches=[scorm.CreateDispatchIdSchema(
            id="sdk-d4", data=scorm.CreateDispatchSchema(destination_id="sdk-acme", course_id="sdk-golf"))]))
    assert twice.value.status == 400 and "courseId" in json.loads(twice.value.body)["message"]
    assert courses.get_course("sdk-golf").dispatched is True

    d1 = call("get_dispatch", "sdk-d1")
    assert (d1.enabled, d1.instanced, d1.allow_new_registrations, d1.registration_cap) == (True, True, True, 0)
    assert d1.expiration_date == expires and d1.course_title == "Golf Explained" and d1.destination_name == "Acme LMS"
    assert {d.id for d in call("get_dispatches", course_id="sdk-golf").dispatches} == {"sdk-d1", "sdk-d3"}
    assert [d.id for d in call("get_destination_dispatches", "sdk-beta").dispatches] == ["sdk-d3"]
    call("update_dispatch", "sdk-d2", scorm.UpdateDispatchSchema(registration_cap=7, notes="pilot"))
    assert call("get_dispatch", "sdk-d2").registration_cap == 7
    call("update_dispatches", scorm.UpdateDispatchSchema(allow_new_registrations=False), course_id="sdk-golf")
    assert call("get_dispatch", "sdk-d3").allow_new_registrations is False

    call("set_dispatch_enabled", "sdk-d1", scorm.EnabledSchema(enabled=False))
    assert call("get_dispatch_enabled", "sdk-d1").enabled is False
    call("set_destination_dispatch_enabled", "sdk-acme", scorm.EnabledSchema(enabled=True))
    assert call("get_dispatch_enabled", "sdk-d1").enabled is True
    call("enable_registration_instancing", "sdk-acme", scorm.EnabledSchema(enabled=False))
    assert call("get_dispatch", "sdk-d2").instanced is False
    call("update_destination_hash_user_info", "sdk-acme", scorm.EnabledSchema(enabled=True))
    assert call("get_destination_hash_user_info", "sdk-acme").enabled is True
    call("update_dispatch_hash_user_info", "sdk-d2", scorm.EnabledSchema(enabled=False))
    assert call("get_dispatch_hash_user_info", "sdk-d2").enabled is False

    assert call("get_dispatch_registration_count", "sdk-d1").registration_count == 0
    assert call("get_destination_dispatch_registration_count", "sdk-acme").result == 0
    call("reset_dispatch_registration_count", "sdk-d1")
    assert call("get_dispatch_registration_count", "sdk-d1").last_reset_date is not None
    call("reset_destination_dispatch_registration_count", "sdk-acme")

    call("put_dispatch_tags", "sdk-d2", scorm.TagListSchema(tags=["a", "b"]))
    call("delete_dispatch_tags", "sdk-d2", scorm.TagListSchema(tags=["a"]))
    call("put_dispatch_tags_batch", scorm.BatchTagsSchema(ids=["sdk-d2", "sdk-d3"], tags=["z"]))
    assert call("get_dispatch_tags", "sdk-d2").tags == ["b", "z"]
    call("update_dispatch", "sdk-d2", scorm.UpdateDispatchSchema(post_back=scorm.PostBackSchema(
        url="https://example.com/hook", auth_type="HTTPBASIC", user_name="u", password="p")))
    call("delete_dispatch_postback_info", "sdk-d2")

    with open(call("get_dispatch_zip", "sdk-d1", type="SCORM_12"), "rb") as saved:
        with zipfile.ZipFile(io.BytesIO(saved.read())) as package:
            assert "imsmanifest.xml" in package.namelist()
    with open(call("get_destination_dispatch_zip", "sdk-acme", type="SCORM_2004_3RD"), "rb") as saved:
        with zipfile.ZipFile(io.BytesIO(saved.read())) as bundle:
            assert len(bundle.namelist()) == 2
    lti = call("get_lti_dispatch", "sdk-d1")
    assert lti.url.endswith("/launch/dispatch/lti/local/sdk-d1") and lti.consumer_key and lti.shared_secret
    for name, args in (("get_lti13_dispatch", ("sdk-d1",)), ("get_lti13_tool_configuration_schema", ("sdk-acme",)),
                       ("get_lti13_dispatch_launch", ("sdk-d1", "{}", "jwt"))):
        with pytest.raises(scorm.rest.ApiException) as refused:
            call(name, *args)
        assert refused.value.status == 501 and "LTI 1.3" in json.loads(refused.value.body)["message"]

    call("delete_dispatches", tags=["spring"])
    call("delete_dispatch", "sdk-d3")
    call("delete_destination_dispatches", "sdk-acme")
    assert call("get_dispatches", filter="sdk-").dispatches == []
    call("delete_destination", "sdk-beta")
    with pytest.raises(scorm.rest.ApiException) as gone:
        api.get_destination("sdk-beta")
    assert gone.value.status == 404
    assert courses.get_course("sdk-golf").dispatched is False
    public = {n for n in dir(scorm.DispatchApi) if not n.startswith("_") and not n.endswith("_with_http_info")}
    assert called == public and len(called) == OPERATIONS
