"""API v2 LearnerApi (issue 16): tags with batch puts, ``updateInfo`` across registrations and
instances, and ``delete-information`` — after which no item of any table, no S3 object and no
statement holds the learner's id, name or email (every table and the whole bucket are scanned)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3

from tests.builders import course_zip as cz
from tests.builders import statements as b
from tests.integration.registration_world import Player, create, import_course, launch_link

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials

LEARNER_ID = "learner-zebulon-4711"
FIRST, LAST, EMAIL = "Zebulon", "Quixotic", "zeb.quixotic@erase.test"
OTHER_ID, OTHER_EMAIL = "learner-ada-1815", "ada@keep.test"


def _send(client: Any, realm: RealmCredentials, method: str, path: str, body: Any = None) -> Any:
    return client.http.request(method, f"/api/v2{path}", headers={**realm.basic, "Content-Type": "application/json"},
                               body=json.dumps({} if body is None else body))


def test_learner_tags_single_and_batch(client, realm) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    create(client, realm.basic, "r1", "golf", learner_id="l-1")
    assert _send(client, realm, "GET", "/learner/l-1/tags").json_body == {"tags": []}
    assert _send(client, realm, "PUT", "/learner/l-1/tags", {"tags": ["blue", "green"]}).status_code == 204
    assert _send(client, realm, "PUT", "/learner/tags", {"ids": ["l-1", "l-2"], "tags": ["red"]}).status_code == 204
    assert _send(client, realm, "GET", "/learner/l-1/tags").json_body == {"tags": ["blue", "green", "red"]}
    assert _send(client, realm, "GET", "/learner/l-2/tags").json_body == {"tags": ["red"]}  # before a registration
    assert _send(client, realm, "DELETE", "/learner/l-1/tags", {"tags": ["green"]}).status_code == 204
    assert _send(client, realm, "GET", "/learner/l-1/tags").json_body == {"tags": ["blue", "red"]}

    unknown = _send(client, realm, "GET", "/learner/nobody/tags")
    assert unknown.status_code == 404 and "nobody" in unknown.json_body["message"]
    for method, path, body, named in (("PUT", "/learner/l-1/tags", {"tags": "x"}, "tags"),
                                      ("PUT", "/learner/l-1/tags", [], "TagListSchema"),
                                      ("PUT", "/learner/tags", {"tags": ["x"]}, "ids"),
                                      ("PUT", "/learner/tags", {"ids": [7], "tags": ["x"]}, "learnerId")):
        refused = _send(client, realm, method, path, body)
        assert refused.status_code == 400 and named in refused.json_body["message"], (body, refused.body)


def test_update_info_changes_every_registration_and_instance(client, realm) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    for registration_id in ("r1", "r2"):
        create(client, realm.basic, registration_id, "golf", learner_id="l-1")
    create(client, realm.basic, "r3", "golf", learner_id="l-other")
    assert _send(client, realm, "POST", "/registrations/r1/instances").status_code == 204
    changed = _send(client, realm, "POST", "/learner/l-1/updateInfo",
                    {"id": "l-1", "firstName": "Grace", "email": "grace@navy.test"})
    assert changed.status_code == 204, changed.body
    for registration_id in ("r1", "r2"):
        learner = _send(client, realm, "GET", f"/registrations/{registration_id}").json_body["learner"]
        assert learner == {"id": "l-1", "firstName": "Grace", "lastName": "Lovelace", "email": "grace@navy.test"}
    frozen = _send(client, realm, "GET", "/registrations/r1/instances/0").json_body["learner"]
    assert frozen["firstName"] == "Grace" and frozen["email"] == "grace@navy.test"
    assert _send(client, realm, "GET", "/registrations/r3").json_body["learner"]["firstName"] == "Ada"
    emptied = _send(client, realm, "POST", "/learner/l-1/updateInfo", {"id": "l-1", "email": ""})
    assert emptied.status_code == 204
    assert _send(client, realm, "GET", "/registrations/r2").json_body["learner"]["email"] == ""

    for body, named in (({"id": "l-2", "firstName": "X"}, "does not match"), ({"firstName": 5}, "firstName"),
                        ([], "LearnerSchema")):
        refused = _send(client, realm, "POST", "/learner/l-1/updateInfo", body)
        assert refused.status_code == 400 and named in refused.json_body["message"]
    assert _send(client, realm, "POST", "/learner/nobody/updateInfo", {"firstName": "X"}).status_code == 404


def _needles_in_tables(needles: tuple[str, ...]) -> list[str]:
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    found = []
    for table in dynamodb.list_tables()["TableNames"]:
        for page in dynamodb.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                text = json.dumps(item, default=lambda v: v.decode("latin-1") if isinstance(v, bytes) else str(v))
                found += [f"{table}: {needle} in {text[:160]}" for needle in needles if needle.lower() in text.lower()]
    return found


def _needles_in_bucket(needles: tuple[str, ...]) -> list[str]:
    s3 = boto3.client("s3", region_name="us-east-1")
    found = []
    for bucket in s3.list_buckets()["Buckets"]:
        versions = s3.list_object_versions(Bucket=bucket["Name"]).get("Versions", [])
        for version in versions:
            body = s3.get_object(Bucket=bucket["Name"], Key=version["Key"], VersionId=version["VersionId"])["Body"]
            text = version["Key"] + body.read().decode("latin-1")
            found += [f"s3://{bucket['Name']}/{version['Key']}: {n}" for n in needles if n.lower() in text.lower()]
    return found


def test_delete_information_erases_the_learner_everywhere(client, realm) -> None:
    from chalicelib.lrs import credentials

    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    learner = {"id": LEARNER_ID, "firstName": FIRST, "lastName": LAST, "email": EMAIL}
    for registration_id in ("erase-1", "erase-2"):
        made = client.http.post("/api/v2/registrations", headers={**realm.basic, "Content-Type": "application/json"},
                                body=json.dumps({"courseId": "golf", "registrationId": registration_id,
                                                 "learner": learner}))
        assert made.status_code == 204, made.body
    create(client, realm.basic, "keep-1", "golf", learner_id=OTHER_ID)
    player = Player(client, launch_link(client, realm.basic, "erase-1"))  # launch history + debug log
    one = player.deliver()
    assert player.commit(one, [["set", "cmi.core.lesson_location", "p2"], ["set", "cmi.core.score.raw", "70"],
                               ["commit"], ["finish"]]).status_code == 200
    assert _send(client, realm, "POST", "/registrations/erase-1/instances").status_code == 204
    tagged = _send(client, realm, "PUT", "/learner/tags", {"ids": [LEARNER_ID, OTHER_ID], "tags": ["t"]})
    assert tagged.status_code == 204

    root = credentials.create_root(realm.realm_id, "root", "rootkey-erase", "rootsecret-erase")
    lrs_headers = {"Authorization": b.basic(root.credential_id, root.secret), "X-Experience-API-Version": "1.0.3",
                   "Content-Type": "application/json"}
    xapi_id = _send(client, realm, "GET", "/registrations/erase-2").json_body["xapiRegistrationId"]
    keep_xapi = _send(client, realm, "GET", "/registrations/keep-1").json_body["xapiRegistrationId"]
    zeb = {"objectType": "Agent", "name": f"{FIRST} {LAST}", "mbox": f"mailto:{EMAIL}"}
    in_registration = b.statement(registration=xapi_id, actor="anon")
    in_registration["actor"] = {"objectType": "Agent", "name": FIRST, "account": {"homePage": "https://lms.test",
                                                                                   "name": LEARNER_ID}}
    elsewhere = b.statement(activity="http://example.com/quiz")
    elsewhere["actor"] = zeb
    attached, sha2 = b.with_attachment(f"notes of {FIRST} {LAST}".encode())
    attached["actor"] = zeb
    body, content_type = b.multipart([attached], [(f"notes of {FIRST} {LAST}".encode(), "text/plain", sha2)])
    kept = b.statement(registration=keep_xapi, actor="ada")
    for lrs_id in (realm.app_id, realm.realm_id):
        posted = client.http.post(f"/lrs/{lrs_id}/statements", headers=lrs_headers,
                                  body=json.dumps([in_registration, elsewhere, kept]))  # each LRS its own copy
        assert posted.status_code == 200, posted.body
    assert client.http.post(f"/lrs/{realm.app_id}/statements", body=body,
                            headers={**lrs_headers, "Content-Type": content_type}).status_code == 200
    state = client.http.put(f"/lrs/{realm.app_id}/activities/state?activityId=http%3A%2F%2Fexample.com%2Fquiz"
                            f"&agent={json.dumps(zeb)}&stateId=progress", headers=lrs_headers,
                            body=json.dumps({"learner": EMAIL}))
    assert state.status_code == 204, state.body
    profile = client.http.put(f"/lrs/{realm.app_id}/agents/profile?agent={json.dumps(zeb)}&profileId=prefs",
                              headers={**lrs_headers, "If-None-Match": "*"},
                              body=json.dumps({"name": f"{FIRST} {LAST}"}))
    assert profile.status_code == 204, profile.body

    needles = (LEARNER_ID, FIRST, LAST, EMAIL)
    assert _needles_in_tables(needles) and _needles_in_bucket(needles)  # the scans can see them

    refused = _send(client, realm, "POST", f"/learner/{LEARNER_ID}/delete-information?userEmail=stranger@else.test")
    assert refused.status_code == 400 and "userEmail" in refused.json_body["message"]
    assert _send(client, realm, "POST", f"/learner/{LEARNER_ID}/delete-information").status_code == 400
    erased = _send(client, realm, "POST", f"/learner/{LEARNER_ID}/delete-information?userEmail={realm.owner_email}")
    assert erased.status_code == 200, erased.body
    report = erased.json_body["erased"]
    assert report["registrations"] == 2 and report["xapiStatements"] == 5 and report["xapiAttachments"] == 1
    assert report["xapiDocuments"] == 2 and report["learnerTags"] == 1 and report["registrationItems"] >= 5
    assert LEARNER_ID not in json.dumps(report)

    assert _needles_in_tables(needles) == []
    assert _needles_in_bucket(needles) == []
    assert _send(client, realm, "GET", "/registrations/erase-1").status_code == 404
    assert _send(client, realm, "GET", "/registrations/keep-1").status_code == 200  # others stay
    assert _send(client, realm, "GET", f"/learner/{OTHER_ID}/tags").json_body == {"tags": ["t"]}
    assert len(_send(client, realm, "GET", "/registrations/keep-1/xAPIStatements").json_body["statements"]) == 2
    course = _send(client, realm, "GET", "/courses/golf?includeRegistrationCount=true").json_body
    assert course["registrationCount"] == 1
