"""The built-in LRS over chalice's test client and moto (issue 5): statements, voiding,
queries, documents, attachments, bad input, batches, credentials and realm isolation."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest

from tests.builders import statements as b

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials


class Lrs:
    """A small xAPI client over chalice's test client."""

    def __init__(self, client: Any, lrs_id: str, key: str, secret: str,
                 version: str = "2.0.0") -> None:
        self.client, self.base = client, f"/lrs/{lrs_id}"
        self.headers = {"Authorization": b.basic(key, secret),
                        "X-Experience-API-Version": version}

    def call(self, method: str, path: str, params: dict[str, Any] | None = None,
             body: Any = None, headers: dict[str, str] | None = None) -> Any:
        raw = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        all_headers = {**self.headers, **({"Content-Type": "application/json"} if body is not None
                                          else {}), **(headers or {})}
        url = self.base + path + (f"?{urlencode(params)}" if params else "")
        return getattr(self.client.http, method.lower())(url, headers=all_headers, body=raw)

    def post(self, statements: Any) -> Any:
        return self.call("POST", "/statements", body=statements)

    def query(self, **params: Any) -> Any:
        response = self.call("GET", "/statements", params=params)
        assert response.status_code == 200, response.body
        return json.loads(response.body)


@pytest.fixture
def lrs(client: Any, realm: RealmCredentials) -> Lrs:
    from chalicelib.lrs import credentials

    made = credentials.create_root(realm.realm_id, "root", "rootkey-test", "rootsecret-test")
    return Lrs(client, realm.app_id, made.credential_id, made.secret)


def test_post_then_get_by_id_with_xapi_headers(lrs: Lrs) -> None:
    sent = b.statement()
    response = lrs.post(sent)
    assert response.status_code == 200
    assert json.loads(response.body) == [sent["id"]]
    got = lrs.call("GET", "/statements", params={"statementId": sent["id"]})
    assert got.status_code == 200
    assert got.headers["X-Experience-API-Version"] == "2.0.0"
    assert "X-Experience-API-Consistent-Through" in got.headers
    assert "Last-Modified" in got.headers
    stored = json.loads(got.body)
    assert stored["actor"] == sent["actor"] and stored["authority"]["account"]["name"]


def test_answers_in_the_version_asked(client: Any, lrs: Lrs) -> None:
    lrs.headers["X-Experience-API-Version"] = "1.0.3"
    response = lrs.call("GET", "/statements")
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    lrs.headers["X-Experience-API-Version"] = "3.0.0"
    assert lrs.call("GET", "/statements").status_code == 400


@pytest.mark.parametrize(("change", "field"), [
    (lambda s: s.pop("actor"), "statement.actor"),
    (lambda s: s.update(verb={"id": "not an iri"}), "statement.verb.id"),
    (lambda s: s.update(id="123"), "statement.id"),
    (lambda s: s["actor"].update(openid="http://openid.example.com/x"), "statement.actor"),
    (lambda s: s.update(timestamp="yesterday"), "statement.timestamp"),
    (lambda s: s.update(result={"score": {"scaled": 2}}), "statement.result.score.scaled"),
    (lambda s: s.update(result={"duration": "1 hour"}), "statement.result.duration"),
    (lambda s: s.update(context={"registration": "abc"}), "statement.context.registration"),
    (lambda s: s["verb"].update(display={"not a tag!": "x"}), "statement.verb.display"),
    (lambda s: s.update(Verb={"id": "http://x.com"}), "statement.Verb"),
    (lambda s: s.update(result=None), "statement.result"),
    (lambda s: s.update(object={"objectType": "StatementRef", "id": "nope"}), "statement.object.id"),
    (lambda s: s.update(object={"objectType": "SubStatement", "actor": b.agent(),
                                "verb": {"id": b.VERB},
                                "object": {"objectType": "SubStatement"}}),
     "statement.object.object.objectType"),
])
def test_each_malformed_statement_is_a_400_naming_the_field(lrs: Lrs, change: Any,
                                                            field: str) -> None:
    bad = b.statement()
    change(bad)
    response = lrs.post(bad)
    assert response.status_code == 400
    assert json.loads(response.body)["message"].startswith(field)


def test_nothing_of_a_rejected_batch_is_stored(lrs: Lrs) -> None:
    good, bad = b.statement(actor="good"), b.statement(verb="bad verb")
    assert lrs.post([good, bad]).status_code == 400
    assert lrs.query()["statements"] == []
    stored = b.statement()
    assert lrs.post(stored).status_code == 200
    clash = {**stored, "verb": {"id": "http://example.com/other"}}
    assert lrs.post([b.statement(actor="fresh"), clash]).status_code == 409
    assert [s["id"] for s in lrs.query()["statements"]] == [stored["id"]]
    assert lrs.post(stored).status_code == 200  # the same statement again is no conflict


def test_voiding_hides_the_target_and_cannot_be_voided(lrs: Lrs) -> None:
    target = b.statement()
    lrs.post(target)
    voider = b.voiding(target["id"])
    assert lrs.post(voider).status_code == 200
    assert lrs.call("GET", "/statements", params={"statementId": target["id"]}).status_code == 404
    found = lrs.call("GET", "/statements", params={"voidedStatementId": target["id"]})
    assert json.loads(found.body)["id"] == target["id"]
    assert lrs.post(b.voiding(voider["id"])).status_code == 400
    ids = [s["id"] for s in lrs.query()["statements"]]
    assert voider["id"] in ids and target["id"] not in ids


def test_queries_use_every_filter_and_page_with_more(lrs: Lrs) -> None:
    registration = str(uuid.uuid4())
    batch = [b.statement(actor="ann", registration=registration) for _ in range(3)]
    batch += [b.statement(actor="bob", activity="http://example.com/a2"),
              b.statement(actor="bob", verb="http://example.com/verbs/passed")]
    assert lrs.post(batch).status_code == 200
    ann = json.dumps(b.agent("ann"))
    assert len(lrs.query(agent=ann)["statements"]) == 3
    assert len(lrs.query(registration=registration)["statements"]) == 3
    assert len(lrs.query(activity="http://example.com/a2")["statements"]) == 1
    assert len(lrs.query(verb="http://example.com/verbs/passed")["statements"]) == 1
    assert len(lrs.query(verb=b.VERB, agent=json.dumps(b.agent("bob")))["statements"]) == 1
    first = lrs.query(agent=ann, limit=2)
    assert len(first["statements"]) == 2 and first["more"]
    rest = lrs.call("GET", first["more"].removeprefix(lrs.base))
    assert len(json.loads(rest.body)["statements"]) == 1
    assert lrs.call("GET", "/statements", params={"agent": "{}"}).status_code == 400
    assert lrs.call("GET", "/statements", params={"Verb": b.VERB}).status_code == 400


def test_related_agents_and_activities_find_direct_and_related_matches(lrs: Lrs, realm: RealmCredentials) -> None:
    """``related_agents``/``related_activities`` (Communication §2.1.3) match the actor or object
    too; the store files no related entry where the direct one is there, so both lists are read
    together — in stored order, paged with ``more``, each statement once (also one stored with
    both entries, as statements were before)."""
    from chalicelib.store import statements as store

    parent = "http://example.com/course"
    as_actor = [b.statement(actor="cat") for _ in range(3)]
    as_instructor = {**b.statement(actor="dan", activity="http://example.com/a9"),
                     "context": {"instructor": b.agent("cat"), "contextActivities": {"parent": [{"id": parent}]}}}
    on_course = b.statement(actor="eve", activity=parent)
    for sent in (as_actor[0], as_instructor, as_actor[1], on_course, as_actor[2]):
        assert lrs.post(sent).status_code == 200
    cat = json.dumps(b.agent("cat"))
    newest_first = [as_actor[2]["id"], as_actor[1]["id"], as_instructor["id"], as_actor[0]["id"]]
    assert [s["id"] for s in lrs.query(agent=cat)["statements"]] == [newest_first[i] for i in (0, 1, 3)]
    assert [s["id"] for s in lrs.query(agent=cat, related_agents="true")["statements"]] == newest_first
    assert [s["id"] for s in lrs.query(agent=cat, related_agents="true", ascending="true")["statements"]] == \
        newest_first[::-1]
    paged, page = [], lrs.query(agent=cat, related_agents="true", limit=1)
    while True:
        paged += [s["id"] for s in page["statements"]]
        if not page["more"]:
            break
        page = json.loads(lrs.call("GET", page["more"].removeprefix(lrs.base)).body)
    assert paged == newest_first
    assert {s["id"] for s in lrs.query(activity=parent, related_activities="true")["statements"]} == \
        {as_instructor["id"], on_course["id"]}
    assert [s["id"] for s in lrs.query(activity=parent)["statements"]] == [on_course["id"]]
    # A statement filed under both the direct and the related entry (stored before the thinning):
    item = next(iter(store.StatementItem.scan((store.StatementItem.statement_id == as_actor[1]["id"])
                                                      & (store.StatementItem.sk == "STMT"))))
    assert item.realm_id == realm.realm_id
    related = "r" + next(key for key in item.index_keys if key.startswith("agent|"))
    assert related in item.index_keys
    store.IndexEntryItem(store.index_pk(item.pk.split("#STMT#")[0], related),
                         f"{item.stored}#{item.statement_id}", statement_id=item.statement_id).save()
    assert [s["id"] for s in lrs.query(agent=cat, related_agents="true")["statements"]] == newest_first


def test_attachments_in_multipart_with_sha2_checks(lrs: Lrs) -> None:
    content = b"attachment body \xe2\x9c\x93"
    sent, sha2 = b.with_attachment(content)
    body, content_type = b.multipart([sent], [(content, "text/plain", sha2)])
    ok = lrs.call("POST", "/statements", body=body, headers={"Content-Type": content_type})
    assert ok.status_code == 200, ok.body
    wrong, _ = b.with_attachment(b"other")
    body, content_type = b.multipart([wrong], [(b"tampered", "text/plain", wrong["attachments"][0]
                                                 ["sha2"])])
    bad = lrs.call("POST", "/statements", body=body, headers={"Content-Type": content_type})
    assert bad.status_code == 400 and "X-Experience-API-Hash" in json.loads(bad.body)["message"]
    missing = lrs.post(b.with_attachment(b"no part")[0])
    assert missing.status_code == 400


def test_documents_etags_preconditions_and_merge(lrs: Lrs) -> None:
    params = {"activityId": "http://example.com/a1", "profileId": "p1"}
    created = lrs.call("PUT", "/activities/profile", params=params, body={"a": 1},
                       headers={"If-None-Match": "*"})
    assert created.status_code == 204
    etag = created.headers["ETag"]
    again = lrs.call("PUT", "/activities/profile", params=params, body={"a": 2})
    assert again.status_code == 409
    stale = lrs.call("PUT", "/activities/profile", params=params, body={"a": 2},
                     headers={"If-Match": '"stale"'})
    assert stale.status_code == 412
    merged = lrs.call("POST", "/activities/profile", params=params, body={"b": 2},
                      headers={"If-Match": etag})
    assert merged.status_code == 204
    got = lrs.call("GET", "/activities/profile", params=params)
    assert json.loads(got.body) == {"a": 1, "b": 2}
    assert got.headers["ETag"] == merged.headers["ETag"]
    listed = lrs.call("GET", "/activities/profile", params={"activityId": "http://example.com/a1"})
    assert json.loads(listed.body) == ["p1"]
    state = {"activityId": "http://example.com/a1", "agent": json.dumps(b.agent()),
             "stateId": "bookmark"}
    assert lrs.call("PUT", "/activities/state", params=state, body="page 3",
                    headers={"Content-Type": "text/plain"}).status_code == 204
    assert lrs.call("POST", "/activities/state", params=state, body={"x": 1}).status_code == 400
    assert lrs.call("GET", "/activities/state", params=state).body == b"page 3"


def test_activities_agents_and_about(client: Any, lrs: Lrs) -> None:
    lrs.post(b.statement())
    activity = json.loads(lrs.call("GET", "/activities",
                                   params={"activityId": "http://example.com/a1"}).body)
    assert activity["definition"]["name"] == {"en-US": "Activity"}
    person = json.loads(lrs.call("GET", "/agents", params={"agent": json.dumps(b.agent())}).body)
    assert person == {"objectType": "Person", "name": ["learner"],
                      "mbox": ["mailto:learner@example.com"]}
    about = client.http.get(f"{lrs.base}/about")
    assert "2.0.0" in json.loads(about.body)["version"]


def test_permissions_endpoints_and_realms_are_enforced(client: Any, realm: RealmCredentials,
                                                       lrs: Lrs) -> None:
    from chalicelib import accounts
    from chalicelib.lrs import credentials

    lrs.post(b.statement())
    writer = credentials.save(realm.realm_id, {"name": "w", "permissionsLevel": "WRITEONLY",
                                               "endpoint": realm.app_id})
    as_writer = Lrs(client, realm.app_id, writer.credential_id, writer.secret)
    assert as_writer.post(b.statement()).status_code == 200
    assert as_writer.call("GET", "/statements").status_code == 403
    own = credentials.save(realm.realm_id, {"name": "own", "permissionsLevel": "USER"})
    as_own = Lrs(client, realm.app_id, own.credential_id, own.secret)
    mine = b.statement(actor="mine")
    as_own.post(mine)
    assert [s["id"] for s in as_own.query()["statements"]] == [mine["id"]]
    other_app = accounts.create_app(realm.realm_id, "Other")
    elsewhere = Lrs(client, other_app.app_id, writer.credential_id, writer.secret)
    assert elsewhere.call("GET", "/statements").status_code == 403
    stranger = accounts.create_realm("Other realm", "o@other.test", "correct horse battery")
    cross = Lrs(client, stranger.app.app_id, "rootkey-test", "rootsecret-test")
    assert cross.call("GET", "/statements").status_code == 403
    disabled = credentials.save(realm.realm_id, {"name": "off", "isEnabled": False})
    assert Lrs(client, realm.app_id, disabled.credential_id, disabled.secret).call(
        "GET", "/statements").status_code == 401
    assert Lrs(client, realm.app_id, "rootkey-test", "wrong-secret").call(
        "GET", "/statements").status_code == 401


def test_api_v2_xapi_credentials_accept_both_forms(client: Any, realm: RealmCredentials) -> None:
    headers = {**realm.basic, "Content-Type": "application/json"}
    body = {"name": "provider", "isEnabled": True, "secret": "s3cret-enough",
            "auth": {"xapiCredentialAuthType": "OAUTH"},
            "permissionsLevel": {"xapiCredentialPermissionsLevel": "READONLY"}}
    made = client.http.post("/api/v2/xapi/credentials", headers=headers, body=json.dumps(body))
    assert made.status_code == 200, made.body
    credential_id = json.loads(made.body)["result"]
    got = json.loads(client.http.get(f"/api/v2/xapi/credentials/{credential_id}",
                                     headers=headers).body)
    assert got["auth"] == {"xapiCredentialAuthType": "OAUTH"}
    assert got["permissionsLevel"] == {"xapiCredentialPermissionsLevel": "READONLY"}
    update = {**body, "auth": "BASICAUTH", "permissionsLevel": "ROOT"}
    assert client.http.put(f"/api/v2/xapi/credentials/{credential_id}", headers=headers,
                           body=json.dumps(update)).status_code == 200
    listed = json.loads(client.http.get("/api/v2/xapi/credentials", headers=headers).body)
    assert [c["permissionsLevel"] for c in listed["xapiCredentials"]] == [
        {"xapiCredentialPermissionsLevel": "ROOT"}]
    bad = client.http.post("/api/v2/xapi/credentials", headers=headers,
                           body=json.dumps({**body, "permissionsLevel": "GOD"}))
    assert bad.status_code == 400 and "permissionsLevel" in json.loads(bad.body)["message"]
    assert client.http.delete(f"/api/v2/xapi/credentials/{credential_id}",
                              headers=realm.basic).status_code == 204
