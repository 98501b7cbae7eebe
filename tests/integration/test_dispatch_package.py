"""Dispatch packages over HTTP (chalice's test client, moto): the zips of each type, and a
package's launch (``POST /launch/dispatch/play``) as its script sends it — registrations per host
learner, resume, instances per host attempt, the cap, hashing, and refusals that store nothing."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest
from lxml import etree

from tests.builders import course_zip as cz
from tests.integration.registration_world import Player, import_course

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials


@pytest.fixture
def world(client: Any, realm: RealmCredentials) -> tuple[Any, RealmCredentials]:
    import_course(client, realm.basic, cz.scorm12_zip(scos=1), "golf")
    headers = {**realm.basic, "Content-Type": "application/json"}
    assert client.http.post("/api/v2/dispatch/destinations", headers=headers, body=json.dumps(
        {"destinations": [{"id": "acme", "data": {"name": "Acme LMS"}}]})).status_code == 204
    assert client.http.post("/api/v2/dispatch/dispatches", headers=headers, body=json.dumps(
        {"dispatches": [{"id": "d1", "data": {"courseId": "golf", "destinationId": "acme"}}]})).status_code == 204
    return client, realm


def _zip(client: Any, realm: RealmCredentials, path: str) -> Any:
    return client.http.get(f"/api/v2/dispatch/{path}", headers={**realm.basic, "Accept": "application/zip"})


def _package_config(body: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        page = archive.read("index.html").decode()
    found = re.search(r'<script type="application/json" id="nimbus-dispatch">(.*?)</script>', page)
    assert found
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_zips_of_each_type_are_packages_of_that_standard(world) -> None:
    client, realm = world
    got = _zip(client, realm, "dispatches/d1/zip?type=SCORM_12&cssUrl=https://cdn.example.com/brand.css")
    assert got.status_code == 200 and got.headers["Content-Type"] == "application/zip"
    assert got.headers["Content-Disposition"].startswith('attachment; filename="')
    with zipfile.ZipFile(io.BytesIO(got.body)) as archive:
        assert sorted(archive.namelist()) == ["imsmanifest.xml", "index.html", "nimbus-dispatch.js"]
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
        page = archive.read("index.html").decode()
    ns = {"c": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "a": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}
    assert manifest.findtext("c:metadata/c:schemaversion", namespaces=ns) == "1.2"
    resource = manifest.find("c:resources/c:resource", ns)
    assert resource.get("href") == "index.html" and resource.get(f"{{{ns['a']}}}scormtype") == "sco"
    assert manifest.findtext("c:organizations/c:organization/c:title", namespaces=ns) == "Golf Explained"
    assert 'href="https://cdn.example.com/brand.css"' in page
    config = _package_config(got.body)
    assert set(config) == {"server", "realm", "dispatch", "key", "runtime"} and config["dispatch"] == "d1"
    assert len(config["key"]) >= 40 and config["runtime"] == "scorm12"
    assert _package_config(_zip(client, realm, "dispatches/d1/zip").body)["key"] == config["key"]  # stable

    scorm2004 = _zip(client, realm, "dispatches/d1/zip?type=SCORM_2004_3RD")
    with zipfile.ZipFile(io.BytesIO(scorm2004.body)) as archive:
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    assert manifest.findtext("{http://www.imsglobal.org/xsd/imscp_v1p1}metadata/"
                             "{http://www.imsglobal.org/xsd/imscp_v1p1}schemaversion") == "2004 3rd Edition"
    aicc = _zip(client, realm, "dispatches/d1/zip?type=AICC")
    with zipfile.ZipFile(io.BytesIO(aicc.body)) as archive:
        assert {"course.crs", "course.au", "course.des", "course.cst", "index.html"} <= set(archive.namelist())
        assert '"A1","nimbus-dispatch","","index.html"' in archive.read("course.au").decode()
    assert _package_config(aicc.body)["runtime"] == "aicc"

    for bad, field in (("type=SCORM_13", "type"), ("cssUrl=javascript:alert(1)", "cssUrl")):
        answer = _zip(client, realm, f"dispatches/d1/zip?{bad}")
        assert answer.status_code == 400 and field in json.loads(answer.body)["message"]
    assert _zip(client, realm, "dispatches/nope/zip").status_code == 404

    everything = _zip(client, realm, "destinations/acme/dispatches/zip?type=SCORM_12")
    assert everything.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(everything.body)) as archive:
        inner = archive.namelist()
        assert len(inner) == 1 and inner[0].endswith("-SCORM_12.zip")
        assert _package_config(archive.read(inner[0]))["dispatch"] == "d1"


def _play(client: Any, config: dict[str, Any], learner: str, attempt: str = "", **extra: str) -> Any:
    form = {"realm": config["realm"], "dispatch": config["dispatch"], "key": config["key"], "learner_id": learner,
            "learner_name": "Lovelace, Ada", "attempt": attempt, "host_origin": "https://lms.example.com",
            "runtime": "scorm12", **extra}
    return client.http.post("/launch/dispatch/play", body=urlencode(form),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})


def _frame_config(answer: Any) -> dict[str, Any]:
    found = re.search(r'id="nimbus-dispatch-frame">(.*?)</script>', answer.body.decode())
    assert found, answer.body
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def _registrations(client: Any, realm: RealmCredentials) -> list[dict[str, Any]]:
    return client.http.get("/api/v2/registrations", headers=realm.basic).json_body["registrations"]


def _player(client: Any, frame: dict[str, Any]) -> Player:
    player = Player.__new__(Player)
    player.client, player.base, player.seq = client, frame["player"].rsplit("/player", 1)[0], {}
    return player


def test_a_host_learner_gets_one_registration_resumed_and_instanced_per_host_attempt(world) -> None:
    client, realm = world
    config = _package_config(_zip(client, realm, "dispatches/d1/zip").body)
    first = _play(client, config, "host-7")
    assert first.status_code == 200 and first.headers["Content-Type"].startswith("text/html")
    frame = _frame_config(first)
    assert frame["hostOrigin"] == "https://lms.example.com" and frame["player"].startswith("/launch/s/")
    [made] = _registrations(client, realm)
    assert made["dispatchId"] == "d1" and made["learner"]["id"] == "host-7"
    by_destination = client.http.get("/api/v2/registrations?destinationId=acme", headers=realm.basic).json_body
    assert [r["id"] for r in by_destination["registrations"]] == [made["id"]]
    assert client.http.get("/api/v2/registrations?destinationId=other",
                           headers=realm.basic).json_body["registrations"] == []
    assert (made["learner"]["firstName"], made["learner"]["lastName"]) == ("Ada", "Lovelace")

    player = _player(client, frame)
    delivered = player.deliver()
    done = player.commit(delivered, [["set", "cmi.core.lesson_status", "passed"], ["set", "cmi.core.score.raw", "90"],
                                     ["set", "cmi.core.session_time", "00:01:30"], ["finish"]])
    assert done.status_code == 200, done.body
    status = client.http.get(frame["status"]).json_body
    assert status == {"completion": "COMPLETED", "success": "PASSED", "score": 90.0, "totalSeconds": 90.0}

    again = _frame_config(_play(client, config, "host-7", attempt=frame["attempt"]))  # the host resumes
    assert again["attempt"] == frame["attempt"]
    assert [(r["id"], r["instance"]) for r in _registrations(client, realm)] == [(made["id"], 0)]
    fresh = _frame_config(_play(client, config, "host-7"))  # a new host attempt: a new instance
    assert fresh["attempt"] != frame["attempt"]
    [current] = _registrations(client, realm)
    assert current["instance"] == 1 and current["registrationCompletion"] == "UNKNOWN"
    dispatch = client.http.get("/api/v2/dispatch/dispatches/d1", headers=realm.basic).json_body
    assert dispatch["registrationCount"] == 1

    headers = {**realm.basic, "Content-Type": "application/json"}
    client.http.post("/api/v2/dispatch/destinations/acme/dispatches/registrationInstancing", headers=headers,
                     body=json.dumps({"enabled": False}))
    _play(client, config, "host-7")
    assert _registrations(client, realm)[0]["instance"] == 1  # not instanced: the same instance resumes


def _put(client: Any, realm: RealmCredentials, path: str, body: dict[str, Any]) -> None:
    answer = client.http.put(f"/api/v2/dispatch/{path}", headers={**realm.basic, "Content-Type": "application/json"},
                             body=json.dumps(body))
    assert answer.status_code == 204, answer.body


def test_refused_launches_say_why_and_store_nothing(world) -> None:
    client, realm = world
    config = _package_config(_zip(client, realm, "dispatches/d1/zip").body)
    assert _play(client, config, "a").status_code == 200
    _put(client, realm, "dispatches/d1", {"registrationCap": 1})
    full = _play(client, config, "b")
    assert full.status_code == 403 and "limit of learners" in full.body.decode()
    assert _frame_config(full)["refused"] == "This course has reached its limit of learners."
    assert _play(client, config, "a").status_code == 200  # a known learner still plays

    refusals = [
        ({"enabled": False}, "disabled by its provider"),
        ({"enabled": True, "expirationDate": "2001-01-01T00:00:00Z"}, "has expired"),
        ({"expirationDate": "2100-01-01T00:00:00Z", "allowNewRegistrations": False, "registrationCap": 0},
         "not accepting new learners"),
    ]
    for change, text in refusals:
        _put(client, realm, "dispatches/d1", change)
        answer = _play(client, config, "c")
        assert answer.status_code == 403 and text in answer.body.decode(), answer.body
    forged = _play(client, {**config, "key": "x" * 43}, "c")
    assert forged.status_code == 403 and "not valid" in forged.body.decode()
    assert [r["learner"]["id"] for r in _registrations(client, realm)] == ["a"]
    assert client.http.get("/api/v2/dispatch/dispatches/d1", headers=realm.basic).json_body["registrationCount"] == 1

    _put(client, realm, "dispatches/d1", {"allowNewRegistrations": True})
    _put(client, realm, "dispatches/d1/hashUserInfo", {"enabled": True})
    assert _play(client, config, "secret-person@example.com").status_code == 200
    hashed = [r for r in _registrations(client, realm) if r["learner"]["id"] != "a"][0]
    assert "secret" not in json.dumps(hashed["learner"]) and hashed["learner"]["firstName"] == ""

    from chalicelib.dispatch import learners

    before = len(_registrations(client, realm))
    original = learners.NEW_LEARNERS_PER_MINUTE
    learners.NEW_LEARNERS_PER_MINUTE = 1
    try:
        admitted = _play(client, config, "flood-0").status_code == 200  # takes this minute's one place
        flood = _play(client, config, "flood-1")
        assert flood.status_code == 429 and "Too many new learners" in flood.body.decode()
        assert _play(client, config, "a").status_code == 200  # known learners are never limited
    finally:
        learners.NEW_LEARNERS_PER_MINUTE = original
    assert len(_registrations(client, realm)) == before + int(admitted)

    client.http.delete("/api/v2/courses/golf", headers=realm.basic)
    gone = _play(client, config, "a")
    assert gone.status_code == 410 and "no longer available" in gone.body.decode()
