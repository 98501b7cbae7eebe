"""API v2 DispatchApi over HTTP (chalice's test client, moto): destinations, dispatches, their
defaults, filters, switches, counts, tags, LTI descriptors and the 4xx answers for bad input."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.builders import course_zip as cz
from tests.integration.registration_world import import_course

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials


class Api:
    def __init__(self, client: Any, realm: RealmCredentials) -> None:
        self.client, self.headers = client, {**realm.basic, "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None) -> Any:
        send = getattr(self.client.http, method.lower())
        kwargs = {"body": json.dumps(body)} if body is not None else {}
        return send(f"/api/v2/dispatch{path}", headers=self.headers, **kwargs)

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        answer = self.call(method, path, body)
        assert 200 <= answer.status_code < 300, (method, path, answer.status_code, answer.body)
        return answer.json_body if answer.body else None


@pytest.fixture
def api(client: Any, realm: RealmCredentials) -> Api:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    import_course(client, realm.basic, cz.scorm2004_zip(), "photo")
    made = Api(client, realm)
    made.ok("POST", "/destinations", {"destinations": [
        {"id": "acme-lms", "data": {"name": "Acme LMS", "tags": ["client"], "email": "ops@acme.test"}},
        {"id": "beta-lms", "data": {"name": "Beta LMS"}}]})
    return made


def _dispatch(dispatch_id: str, course: str, destination: str, **data: Any) -> dict[str, Any]:
    return {"id": dispatch_id, "data": {"courseId": course, "destinationId": destination, **data}}


def test_destinations_create_get_list_set_tags_and_delete(api: Api) -> None:
    got = api.ok("GET", "/destinations/acme-lms?includeDispatchCount=True")
    assert got["name"] == "Acme LMS" and got["tags"] == ["client"] and got["email"] == "ops@acme.test"
    assert got["dispatchCount"] == 0 and got["launchAuth"]["type"] == "cookies"
    listed = api.ok("GET", "/destinations?orderBy=name_asc")
    assert [d["id"] for d in listed["destinations"]] == ["acme-lms", "beta-lms"]
    assert [d["id"] for d in api.ok("GET", "/destinations?filter=beta&filterBy=name")["destinations"]] == ["beta-lms"]
    api.ok("PUT", "/destinations/beta-lms", {"notes": "renewed"})
    assert api.ok("GET", "/destinations/beta-lms")["notes"] == "renewed"
    api.ok("PUT", "/destinations/gamma", {"name": "Gamma"})  # SetDestination creates
    assert api.call("PUT", "/destinations/delta", {"notes": "x"}).status_code == 400  # ... but needs a name
    api.ok("PUT", "/destinations/gamma/tags", {"tags": ["a", "b"]})
    api.ok("DELETE", "/destinations/gamma/tags", {"tags": ["a"]})
    assert api.ok("GET", "/destinations/gamma/tags") == {"tags": ["b"]}
    api.ok("PUT", "/destinations/tags", {"ids": ["gamma", "beta-lms"], "tags": ["z"]})
    assert [d["id"] for d in api.ok("GET", "/destinations?tags=z&orderBy=name_asc")["destinations"]] == \
        ["beta-lms", "gamma"]
    api.ok("DELETE", "/destinations/gamma")
    assert api.call("GET", "/destinations/gamma").status_code == 404


def test_dispatch_defaults_course_flag_and_one_per_course_and_destination(api: Api) -> None:
    api.ok("POST", "/dispatches", {"dispatches": [_dispatch("d1", "golf", "acme-lms")]})
    got = api.ok("GET", "/dispatches/d1")
    assert got["enabled"] and got["instanced"] and got["allowNewRegistrations"]
    assert got["registrationCap"] == 0 and got["registrationCount"] == 0 and "expirationDate" not in got
    assert got["courseTitle"] == "Golf Explained" and got["destinationName"] == "Acme LMS"
    course = api.client.http.get("/api/v2/courses/golf", headers=api.headers).json_body
    assert course["dispatched"] is True
    listed = api.client.http.get("/api/v2/courses", headers=api.headers).json_body["courses"]
    assert {c["id"]: c["dispatched"] for c in listed} == {"golf": True, "photo": False}

    again = api.call("POST", "/dispatches", {"dispatches": [_dispatch("d2", "golf", "acme-lms")]})
    message = again.json_body["message"]
    assert again.status_code == 400 and "courseId" in message and "'d1'" in message
    same_id = api.call("POST", "/dispatches", {"dispatches": [_dispatch("d1", "photo", "acme-lms")]})
    assert same_id.status_code == 400 and same_id.json_body["message"].startswith("id:")
    assert api.call("GET", "/dispatches/d2").status_code == 404


@pytest.mark.parametrize(("data", "field"), [
    ({"courseId": "nope", "destinationId": "acme-lms"}, "courseId"),
    ({"courseId": "golf", "destinationId": "nope"}, "destinationId"),
    ({"courseId": "golf"}, "destinationId"),
    ({"courseId": "golf", "destinationId": "acme-lms", "registrationCap": -1}, "registrationCap"),
    ({"courseId": "golf", "destinationId": "acme-lms", "expirationDate": "soon"}, "expirationDate"),
    ({"courseId": "golf", "destinationId": "acme-lms", "enabled": "perhaps"}, "enabled"),
    ({"courseId": "golf", "destinationId": "acme-lms", "postBack": {"url": "ftp://x"}}, "postBack.url"),
])
def test_bad_dispatch_input_names_the_field_and_stores_nothing(api: Api, data: dict[str, Any], field: str) -> None:
    answer = api.call("POST", "/dispatches", {"dispatches": [_dispatch("ok", "photo", "beta-lms"),
                                                             {"id": "bad", "data": data}]})
    assert answer.status_code == 400 and field in answer.json_body["message"], answer.body
    assert api.ok("GET", "/dispatches")["dispatches"] == []  # the good entry was not stored either


def test_update_switches_counts_tags_and_filters(api: Api) -> None:
    api.ok("POST", "/dispatches", {"dispatches": [
        _dispatch("d1", "golf", "acme-lms", tags=["spring"]), _dispatch("d2", "photo", "acme-lms"),
        _dispatch("d3", "golf", "beta-lms", enabled=False, registrationCap=5,
                  expirationDate="2030-01-01T00:00:00", notes="pilot")]})
    assert api.ok("GET", "/dispatches/d3")["expirationDate"] == "2030-01-01T00:00:00.000Z"
    assert [d["id"] for d in api.ok("GET", "/dispatches?isEnabled=False")["dispatches"]] == ["d3"]
    assert sorted(d["id"] for d in api.ok("GET", "/dispatches?courseId=golf")["dispatches"]) == ["d1", "d3"]
    assert [d["id"] for d in api.ok("GET", "/destinations?courseId=photo")["destinations"]] == ["acme-lms"]
    assert [d["id"] for d in api.ok("GET", "/destinations/beta-lms/dispatches")["dispatches"]] == ["d3"]
    assert [d["id"] for d in api.ok("GET", "/dispatches?tags=spring")["dispatches"]] == ["d1"]
    assert api.ok("GET", "/destinations/acme-lms?includeDispatchCount=true")["dispatchCount"] == 2

    api.ok("PUT", "/dispatches/d1", {"registrationCap": 10, "instanced": False, "notes": "renewed"})
    got = api.ok("GET", "/dispatches/d1")
    assert (got["registrationCap"], got["instanced"], got["notes"], got["enabled"]) == (10, False, "renewed", True)
    assert api.call("PUT", "/dispatches", {"enabled": False}).status_code == 400  # no filter: refused
    api.ok("PUT", "/dispatches?courseId=golf", {"allowNewRegistrations": False})
    assert [api.ok("GET", f"/dispatches/{d}")["allowNewRegistrations"] for d in ("d1", "d2", "d3")] == \
        [False, True, False]

    api.ok("PUT", "/dispatches/d2/enabled", {"enabled": False})
    assert api.ok("GET", "/dispatches/d2/enabled") == {"enabled": False}
    api.ok("POST", "/destinations/acme-lms/dispatches/enabled", {"enabled": True})
    assert api.ok("GET", "/dispatches/d2/enabled") == {"enabled": True}
    api.ok("POST", "/destinations/acme-lms/dispatches/registrationInstancing", {"enabled": True})
    assert api.ok("GET", "/dispatches/d1")["instanced"] is True
    api.ok("PUT", "/destinations/acme-lms/dispatches/hashUserInfo", {"enabled": True})
    assert api.ok("GET", "/destinations/acme-lms/dispatches/hashUserInfo") == {"enabled": True}
    assert api.ok("GET", "/dispatches/d2/hashUserInfo") == {"enabled": True}
    api.ok("PUT", "/dispatches/d2/hashUserInfo", {"enabled": False})
    assert api.ok("GET", "/dispatches/d2/hashUserInfo") == {"enabled": False}
    assert api.call("PUT", "/dispatches/d2/enabled", {"enabled": "maybe"}).status_code == 400

    api.ok("PUT", "/dispatches/d1", {"registrationCount": 3})
    assert api.ok("GET", "/dispatches/d1/registrationCount") == {"registrationCount": 3}
    assert api.ok("GET", "/destinations/acme-lms/dispatches/registrationCount") == {"result": 3}
    api.ok("DELETE", "/destinations/acme-lms/dispatches/registrationCount")
    count = api.ok("GET", "/dispatches/d1/registrationCount")
    assert count["registrationCount"] == 0 and count["lastResetDate"].endswith("Z")
    api.ok("DELETE", "/dispatches/d1/registrationCount")

    api.ok("PUT", "/dispatches/d2/tags", {"tags": ["x", "y"]})
    api.ok("DELETE", "/dispatches/d2/tags", {"tags": ["x"]})
    api.ok("PUT", "/dispatches/tags", {"ids": ["d2", "d3"], "tags": ["batch"]})
    assert api.ok("GET", "/dispatches/d2/tags") == {"tags": ["y", "batch"]}
    api.ok("PUT", "/dispatches/d3", {"postBack": {"url": "https://example.com/hook", "password": "pw"}})
    api.ok("DELETE", "/dispatches/d3/postback")


def test_lti_descriptor_lti13_and_deletes(api: Api) -> None:
    api.ok("POST", "/dispatches", {"dispatches": [_dispatch("d1", "golf", "acme-lms"),
                                                  _dispatch("d2", "photo", "beta-lms", tags=["old"])]})
    info = api.ok("GET", "/dispatches/d1/lti")
    assert "/launch/dispatch/lti/" in info["url"] and info["url"].endswith("/d1")
    assert info["consumerKey"] and len(info["sharedSecret"]) > 30
    assert api.ok("GET", "/dispatches/d1/lti") == info  # stable
    for path in ("/dispatches/d1/lti13", "/destinations/acme-lms/lti13",
                 "/dispatches/d1/launches?externalConfig=x&jwt=y"):
        answer = api.call("GET", path)
        assert answer.status_code == 501 and "LTI 1.3" in answer.json_body["message"]

    assert api.call("DELETE", "/dispatches").status_code == 400  # no filter: refused
    api.ok("DELETE", "/dispatches?tags=old")
    assert api.call("GET", "/dispatches/d2").status_code == 404
    api.ok("DELETE", "/destinations/acme-lms")  # takes d1 with it
    assert api.call("GET", "/dispatches/d1").status_code == 404
    assert api.client.http.get("/api/v2/courses/golf", headers=api.headers).json_body["dispatched"] is False
    api.ok("POST", "/dispatches", {"dispatches": [_dispatch("d9", "photo", "beta-lms")]})
    api.client.http.delete("/api/v2/courses/photo", headers=api.headers)
    assert api.call("GET", "/dispatches/d9").status_code == 404  # the course took its dispatch


def test_the_web_apps_dispatch_tab_routes(api: Api, realm: RealmCredentials) -> None:
    from chalicelib import accounts
    from chalicelib.store import repos

    user = repos.get_user(realm.owner_email)
    assert user is not None
    done = accounts.open_session(user, realm.realm_id)
    web = {"Cookie": f"nimbus_session={done.token}", "X-CSRF-Token": done.csrf_token,
           "Content-Type": "application/json"}
    http = api.client.http
    assert http.post("/api/app/dispatch/destinations", headers=web,
                     body=json.dumps({"id": "gamma", "name": "Gamma LMS"})).status_code == 204
    made = http.post("/api/app/dispatch/dispatches", headers=web, body=json.dumps(
        {"courseIds": ["golf", "photo"], "destinationId": "gamma", "registrationCap": 20}))
    assert made.status_code == 200 and len(made.json_body["ids"]) == 2
    bad = http.post("/api/app/dispatch/dispatches", headers=web, body=json.dumps(
        {"courseIds": ["golf"], "destinationId": "gamma"}))
    assert bad.status_code == 400 and "courseId" in bad.json_body["message"]
    listed = http.get("/api/app/dispatch/dispatches?destinationId=gamma&orderBy=course_title_asc", headers=web)
    rows = listed.json_body["dispatches"]
    assert [r["data"]["courseTitle"] for r in rows] == ["Golf Explained", "Photoshop Basics"]
    assert all(r["data"]["registrationCap"] == 20 for r in rows)
    first = rows[0]["id"]
    assert http.put(f"/api/app/dispatch/dispatches/{first}", headers=web,
                    body=json.dumps({"enabled": False})).status_code == 204
    zipped = http.get(f"/api/app/dispatch/dispatches/{first}/zip?type=AICC", headers={**web, "Accept": "*/*"})
    assert zipped.status_code == 200 and zipped.headers["Content-Type"] == "application/zip"
    assert set(http.get(f"/api/app/dispatch/dispatches/{first}/lti", headers=web).json_body) == {
        "url", "consumerKey", "sharedSecret"}
    shown = http.get("/api/app/dispatch/destinations", headers=web).json_body["destinations"]
    assert {d["id"]: d["data"]["dispatchCount"] for d in shown}["gamma"] == 2
    assert http.get("/api/app/dispatch/dispatches", headers=realm.basic).status_code == 401  # app keys: no
