"""Invitations over HTTP (chalice's test client, moto): the API v2 operations, bad input, private
invitations with their email job and .eml outbox, the plan, and the public splash page's flow
(CSRF cookie, honeypot, reuse by email, cap, disabled / expired / deleted-course pages)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import pytest

from tests.builders import course_zip as cz
from tests.integration.import_pump import drain
from tests.integration.registration_world import Player, import_course

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import RealmCredentials


@pytest.fixture
def golf(client: Any, realm: RealmCredentials) -> str:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    return "golf"


@pytest.fixture
def outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "outbox"
    monkeypatch.setenv("NIMBUS_OUTBOX", str(folder))
    return folder


def _json(client: Any, realm: RealmCredentials, method: str, path: str, body: Any = None) -> Any:
    return getattr(client.http, method)(path, headers={**realm.basic, "Content-Type": "application/json"},
                                        **({"body": json.dumps(body)} if body is not None else {}))


def _later(days: int = 7) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def _registrations(client: Any, realm: RealmCredentials) -> list[dict[str, Any]]:
    return _json(client, realm, "get", "/api/v2/registrations").json_body["registrations"]  # type: ignore[no-any-return]


def _usage(realm: RealmCredentials) -> int:
    from chalicelib import plans

    return plans.registrations_counted(realm.realm_id, plans.plan_of(realm.realm_id))


def test_public_invitation_create_get_update_list_tags(client, realm, golf) -> None:
    made = _json(client, realm, "post", "/api/v2/invitations/public",
                 {"courseId": golf, "creatingUserEmail": "owner@acme.test", "registrationCap": 5,
                  "expirationDate": _later(), "tags": ["spring"],
                  "postBack": {"url": "https://hooks.example.com/p", "authType": "HTTPBASIC", "userName": "u",
                               "password": "s3cret", "resultsFormat": "COURSE"}})
    assert made.status_code == 200, made.body
    inv = made.json_body
    assert inv["courseId"] == golf and inv["courseTitle"] == "Golf Explained"
    assert inv["allowLaunch"] is True and inv["allowNewRegistrations"] is True
    assert inv["registrationCap"] == 5 and inv["registrationCount"] == 0
    assert inv["url"].endswith(f"/invite/{realm.realm_id}.{inv['id']}")
    assert inv["postBack"]["url"] == "https://hooks.example.com/p" and inv["postBack"]["password"] == "********"
    got = _json(client, realm, "get", f"/api/v2/invitations/public/{inv['id']}").json_body
    assert got["id"] == inv["id"] and got["expirationDate"].startswith(inv["expirationDate"][:16])
    changed = _json(client, realm, "put", f"/api/v2/invitations/public/{inv['id']}",
                    {"allowLaunch": False, "registrationCap": 2}).json_body
    assert changed["allowLaunch"] is False and changed["registrationCap"] == 2 and changed["allowNewRegistrations"]
    assert _json(client, realm, "get", f"/api/v2/invitations/private/{inv['id']}").status_code == 404
    assert _json(client, realm, "put", f"/api/v2/invitations/{inv['id']}/tags", {"tags": ["a", "b"]}).status_code == 204
    assert _json(client, realm, "delete", f"/api/v2/invitations/{inv['id']}/tags", {"tags": ["a"]}).status_code == 204
    assert _json(client, realm, "get", f"/api/v2/invitations/{inv['id']}/tags").json_body == {"tags": ["spring", "b"]}
    listed = _json(client, realm, "get", "/api/v2/invitations?tags=b").json_body["invitations"]
    assert [i["id"] for i in listed] == [inv["id"]] and listed[0]["isPublic"] is True
    assert _json(client, realm, "get", "/api/v2/invitations?tags=zzz").json_body == {"invitations": []}


def test_lists_page_with_more_and_filters(client, realm, golf) -> None:
    from chalicelib.invitations import catalog

    ids = [_json(client, realm, "post", "/api/v2/invitations/public", {"courseId": golf}).json_body["id"]
           for _ in range(catalog.PAGE_SIZE + 3)]
    first = _json(client, realm, "get", "/api/v2/invitations/public?includeTotalCount=true")
    assert first.headers["X-Total-Count"] == str(len(ids))
    page = first.json_body
    assert len(page["invitations"]) == catalog.PAGE_SIZE and page["more"]
    assert _json(client, realm, "get", f"/api/v2/invitations/public?more={page['more']}&courseId=x").status_code == 400
    rest = _json(client, realm, "get", f"/api/v2/invitations/public?more={page['more']}").json_body
    assert "more" not in rest
    assert sorted(i["id"] for i in page["invitations"] + rest["invitations"]) == sorted(ids)
    assert _json(client, realm, "get", "/api/v2/invitations/private").json_body == {"invitations": []}
    assert _json(client, realm, "get", "/api/v2/invitations/public?courseId=other").json_body == {"invitations": []}
    future = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert _json(client, realm, "get", f"/api/v2/invitations?since={future}").json_body == {"invitations": []}
    assert _json(client, realm, "get", "/api/v2/invitations?orderBy=sideways").status_code == 400


@pytest.mark.parametrize(("body", "field", "status"), [
    ({"courseId": "nope"}, "courseId", 404),
    ({"courseId": "golf", "registrationCap": -1}, "registrationCap", 400),
    ({"courseId": "golf", "registrationCap": "many"}, "registrationCap", 400),
    ({"courseId": "golf", "expirationDate": "2001-01-01T00:00:00Z"}, "expirationDate", 400),
    ({"courseId": "golf", "expirationDate": "soon"}, "expirationDate", 400),
    ({"courseId": "golf", "postBack": {"url": "ftp://x"}}, "postBack.url", 400),
    ({}, "courseId", 400),
])
def test_bad_public_input_names_the_field_and_stores_nothing(client, realm, golf, body, field,  # noqa: PLR0917
                                                            status) -> None:
    refused = _json(client, realm, "post", "/api/v2/invitations/public", body)
    assert refused.status_code == status and field in refused.json_body["message"], refused.body
    assert _json(client, realm, "get", "/api/v2/invitations").json_body == {"invitations": []}


@pytest.mark.parametrize(("addresses", "field"), [
    (["Ada\r\nBcc: all@example.com <ada@example.com>"], "invitationEmail.addresses[0]"),
    ([{"email": "ada@example.com", "firstName": "Ada\nBcc: x@y.z", "lastName": "L"}],
     "invitationEmail.addresses[0].firstName"),
    ([f"p{n}@example.com" for n in range(1001)], "invitationEmail.addresses"),
    ([], "invitationEmail.addresses"),
    ([42], "invitationEmail.addresses[0]"),
])
def test_bad_private_input_names_the_field_and_stores_nothing(client, realm, golf, outbox,  # noqa: PLR0917
                                                             addresses, field) -> None:
    refused = _json(client, realm, "post", "/api/v2/invitations/private",
                    {"courseId": golf, "invitationEmail": {"subject": "Hi", "addresses": addresses}})
    assert refused.status_code == 400 and field in refused.json_body["message"], refused.body
    assert _json(client, realm, "get", "/api/v2/invitations").json_body == {"invitations": []}
    assert _registrations(client, realm) == [] and _usage(realm) == 0
    assert drain(client) == 0 and not outbox.exists()


def test_subject_with_a_line_break_is_refused(client, realm, golf, outbox) -> None:
    refused = _json(client, realm, "post", "/api/v2/invitations/private",
                    {"courseId": golf, "invitationEmail": {"subject": "Hi\r\nBcc: x@y.z", "addresses": ["a@b.cd"]}})
    assert refused.status_code == 400 and "invitationEmail.subject" in refused.json_body["message"]


def _eml(path: Path) -> Any:
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


def test_private_invitation_registers_everyone_at_once_and_emails_links(client, realm, golf, outbox) -> None:
    made = _json(client, realm, "post", "/api/v2/invitations/private", {
        "courseId": golf, "creatingUserEmail": "owner@acme.test",
        "postBack": {"url": "https://hooks.example.com/p", "resultsFormat": "FULL"},
        "invitationEmail": {"subject": "Golf for you", "body": "Please take this course.", "addresses": [
            "Ada Lovelace <ada@example.com>",
            {"email": "grace@example.com", "firstName": "Grace", "lastName": "Hopper"},
            "alan@example.com", "not-an-address"]}})
    assert made.status_code == 200, made.body
    summary = made.json_body
    assert summary["isPublic"] is False and summary["courseId"] == golf
    regs = _registrations(client, realm)
    assert sorted(r["learner"]["email"] for r in regs) == ["ada@example.com", "alan@example.com", "grace@example.com"]
    assert _usage(realm) == 3  # counted at invitation time, before any launch
    from chalicelib.store import registrations as registration_store

    stored = registration_store.get(realm.realm_id, regs[0]["id"])
    assert stored is not None and stored.details["invitationId"] == summary["id"]
    assert stored.details["postBack"]["url"] == "https://hooks.example.com/p"
    status = _json(client, realm, "get", f"/api/v2/invitations/private/{summary['id']}/jobStatus").json_body
    assert status["status"] == "STARTED" and status["total"] == 4
    assert drain(client) == 1
    status = _json(client, realm, "get", f"/api/v2/invitations/private/{summary['id']}/jobStatus").json_body
    assert status["status"] == "COMPLETE" and status["processed"] == 4
    assert len(status["errors"]) == 1 and status["errors"][0].startswith("not-an-address")
    files = sorted((outbox / summary["id"]).glob("*.eml"))
    assert [f.name for f in files] == ["1.eml", "2.eml", "3.eml"]
    messages = [_eml(f) for f in files]
    by_to = {m["To"].addresses[0].addr_spec: m for m in messages}
    assert set(by_to) == {"ada@example.com", "grace@example.com", "alan@example.com"}
    ada = by_to["ada@example.com"]
    assert ada["Subject"] == "Golf for you" and ada["To"].addresses[0].display_name == "Ada Lovelace"
    text = ada.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/invite/\S+", text).group(0)  # type: ignore[union-attr]
    from chalicelib.store import invitations as invitation_store

    stored_secrets = {p.link_secret for p in invitation_store.users(realm.realm_id, summary["id"])}
    assert link.rsplit(".", 1)[1] not in str(stored_secrets)  # sealed at rest, not in clear
    opened = client.http.get(urlsplit(link).path)
    assert opened.status_code == 303, opened.body
    player = Player(client, opened.headers["Location"])
    assert player.deliver()["activityId"]
    ada_reg = next(r for r in regs if r["learner"]["email"] == "ada@example.com")
    people = _json(client, realm, "get", f"/api/v2/invitations/private/{summary['id']}/userInvitations"
                                         "?includeRegistrationReport=true").json_body["userInvitations"]
    started = {p["email"]: p for p in people}
    assert started["ada@example.com"]["isStarted"] is True and started["alan@example.com"]["isStarted"] is False
    assert started["ada@example.com"]["registrationId"] == ada_reg["id"]
    assert started["ada@example.com"]["registrationReport"]["complete"] in ("UNKNOWN", "INCOMPLETE")
    assert started["alan@example.com"]["registrationReport"]["complete"] == "UNKNOWN"
    detail = _json(client, realm, "get",
                   f"/api/v2/invitations/private/{summary['id']}?includeRegistrationCount=true").json_body
    assert detail["registrationCount"] == 3 and detail["launchedRegistrationCount"] == 1
    assert detail["invitationEmail"]["subject"] == "Golf for you"
    # disabled: the personal link says so and launches nothing
    _json(client, realm, "put", f"/api/v2/invitations/private/{summary['id']}", {"allowLaunch": False})
    refused = client.http.get(urlsplit(link).path)
    assert refused.status_code == 403 and "disabled" in refused.body.decode()
    assert client.http.get(urlsplit(link).path[:-3] + "xyz").status_code in (403, 404)


def test_trial_plan_refuses_a_private_invitation_that_does_not_fit(client, realm, golf, outbox) -> None:
    from chalicelib import plans

    plans.record_registration(realm.realm_id, 9)
    refused = _json(client, realm, "post", "/api/v2/invitations/private",
                    {"courseId": golf, "invitationEmail": {"addresses": ["a@example.com", "b@example.com"]}})
    assert refused.status_code == 402, refused.body
    assert "allows 10 registrations" in refused.json_body["message"] and "used 9" in refused.json_body["message"]
    assert _registrations(client, realm) == [] and _usage(realm) == 9
    assert _json(client, realm, "get", "/api/v2/invitations").json_body == {"invitations": []}
    assert drain(client) == 0


# --- the public splash page ----------------------------------------------------------------------------


class Visitor:
    """One browser without an account: keeps the invitation cookie, submits the splash form."""

    def __init__(self, client: Any, url: str) -> None:
        self.client, self.path, self.cookie = client, urlsplit(url).path, ""

    def open(self) -> Any:
        page = self.client.http.get(self.path, headers={"Cookie": self.cookie} if self.cookie else {})
        if "Set-Cookie" in page.headers:
            self.cookie = page.headers["Set-Cookie"].split(";")[0]
        return page

    def submit(self, email: str, first: str = "Ada", last: str = "Lovelace", **extra: str) -> Any:
        page = self.open()
        assert page.status_code == 200, page.body
        token = re.search(r'name="csrf" value="([^"]+)"', page.body.decode()).group(1)  # type: ignore[union-attr]
        form = {"firstName": first, "lastName": last, "email": email, "csrf": token, "website": "", **extra}
        return self.client.http.post(self.path, body=urlencode(form), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie})


def _public(client: Any, realm: RealmCredentials, course: str, **fields: Any) -> dict[str, Any]:
    made = _json(client, realm, "post", "/api/v2/invitations/public", {"courseId": course, **fields})
    assert made.status_code == 200, made.body
    return made.json_body  # type: ignore[no-any-return]


def test_splash_registers_new_people_reuses_an_address_and_honours_the_cap(client, realm, golf) -> None:
    inv = _public(client, realm, golf, registrationCap=2)
    first = Visitor(client, inv["url"])
    page = first.open()
    assert page.status_code == 200 and "Golf Explained" in page.body.decode() and 'name="website"' in page.body.decode()
    assert "HttpOnly" in page.headers["Set-Cookie"] and "SameSite=Strict" in page.headers["Set-Cookie"]
    went = first.submit("Ada@Example.com")
    assert went.status_code == 303 and "/launch/" in went.headers["Location"]
    Player(client, went.headers["Location"]).deliver()
    again = Visitor(client, inv["url"]).submit("ada@example.com")  # another browser, same address
    assert again.status_code == 303
    assert len(_registrations(client, realm)) == 1
    second = Visitor(client, inv["url"]).submit("grace@example.com", "Grace", "Hopper")
    assert second.status_code == 303
    third = Visitor(client, inv["url"]).submit("alan@example.com", "Alan", "Turing")
    assert third.status_code == 409 and "full" in third.body.decode()
    assert len(_registrations(client, realm)) == 2 and _usage(realm) == 2
    got = _json(client, realm, "get", f"/api/v2/invitations/public/{inv['id']}").json_body
    assert got["registrationCount"] == 2
    people = _json(client, realm, "get", f"/api/v2/invitations/public/{inv['id']}/userInvitations").json_body
    assert sorted(p["email"] for p in people["userInvitations"]) == ["ada@example.com", "grace@example.com"]


def test_splash_refuses_forged_bot_and_bad_submissions(client, realm, golf) -> None:
    inv = _public(client, realm, golf)
    visitor = Visitor(client, inv["url"])
    assert visitor.submit("bot@example.com", website="http://spam").status_code == 400
    forged = client.http.post(urlsplit(inv["url"]).path, body=urlencode({
        "firstName": "A", "lastName": "B", "email": "x@example.com", "csrf": "forged"}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": visitor.cookie})
    assert forged.status_code == 403
    bad = visitor.submit("not an email", first="<script>alert(1)</script>")
    assert bad.status_code == 400 and "<script>alert" not in bad.body.decode()
    assert "&lt;script&gt;" in bad.body.decode()
    assert _registrations(client, realm) == []


def test_splash_rate_limit_per_ip_and_invitation(client, realm, golf) -> None:
    from chalicelib.invitations import splash

    inv = _public(client, realm, golf)
    visitor = Visitor(client, inv["url"])
    visitor.open()
    allowed, _ = splash.LIMITS["submit"]
    answers = [client.http.post(urlsplit(inv["url"]).path, body="csrf=x",
                                headers={"Content-Type": "application/x-www-form-urlencoded",
                                         "Cookie": visitor.cookie}).status_code for _ in range(allowed + 1)]
    assert answers[:allowed] == [403] * allowed and answers[-1] == 429


@pytest.mark.parametrize("state", ["disabled", "expired", "closed", "deleted"])
def test_splash_pages_for_invitations_that_let_nobody_in(client, realm, golf, state) -> None:
    inv = _public(client, realm, golf)
    visitor = Visitor(client, inv["url"])
    assert visitor.open().status_code == 200
    if state == "disabled":
        _json(client, realm, "put", f"/api/v2/invitations/public/{inv['id']}", {"allowLaunch": False})
    elif state == "expired":
        _json(client, realm, "put", f"/api/v2/invitations/public/{inv['id']}",
              {"expirationDate": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()})
    elif state == "closed":
        _json(client, realm, "put", f"/api/v2/invitations/public/{inv['id']}", {"allowNewRegistrations": False})
    else:
        assert _json(client, realm, "delete", f"/api/v2/courses/{golf}").status_code == 204
        assert _json(client, realm, "get", f"/api/v2/invitations/public/{inv['id']}").status_code == 404
    if state == "closed":
        answer = visitor.submit("new@example.com")
    else:
        answer = client.http.get(urlsplit(inv["url"]).path)
    assert answer.status_code in (403, 410), answer.body
    assert answer.headers["X-Invitation-State"] == state
    assert _registrations(client, realm) == []


# --- the web app's routes ----------------------------------------------------------------------------------


def _owner(client: Any, realm: RealmCredentials) -> dict[str, str]:
    signed = client.http.post("/api/session", body=json.dumps({"email": realm.owner_email,
                                                               "password": realm.owner_password}),
                              headers={"Content-Type": "application/json"})
    assert signed.status_code == 200, signed.body
    return {"Cookie": signed.headers["Set-Cookie"].split(";")[0], "X-CSRF-Token": signed.json_body["csrfToken"],
            "Content-Type": "application/json"}


def test_web_app_creates_lists_shows_updates_resends_and_reads_the_outbox(client, realm, golf, outbox) -> None:
    owner = _owner(client, realm)
    made = client.http.post("/api/app/invitations/private", headers=owner, body=json.dumps({
        "courseId": golf, "invitationEmail": {"subject": "Golf", "addresses": ["Ada Lovelace <ada@example.com>"]}}))
    assert made.status_code == 200, made.body
    assert made.json_body["jobStatus"]["status"] == "STARTED"
    public_made = client.http.post("/api/app/invitations/public", headers=owner,
                                   body=json.dumps({"courseId": golf, "registrationCap": 3}))
    assert public_made.status_code == 200
    drain(client)
    listed = client.http.get("/api/app/invitations?kind=private", headers=owner).json_body
    assert [i["id"] for i in listed["invitations"]] == [made.json_body["id"]] and listed["total"] == 1
    assert client.http.get(f"/api/app/invitations?courseId={golf}", headers=owner).json_body["total"] == 2
    detail = client.http.get(f"/api/app/invitations/{made.json_body['id']}", headers=owner).json_body
    assert detail["kind"] == "private" and detail["jobStatus"]["status"] == "COMPLETE"
    assert detail["people"][0]["firstName"] == "Ada" and detail["people"][0]["registrationReport"]["complete"] == \
        "UNKNOWN"
    changed = client.http.put(f"/api/app/invitations/{public_made.json_body['id']}", headers=owner,
                              body=json.dumps({"registrationCap": 9, "expirationDate": None}))
    assert changed.json_body["registrationCap"] == 9
    refused = client.http.put(f"/api/app/invitations/{public_made.json_body['id']}", headers=owner,
                              body=json.dumps({"registrationCap": -2}))
    assert refused.status_code == 400 and "registrationCap" in refused.json_body["message"]
    resent = client.http.post(f"/api/app/invitations/{made.json_body['id']}/resend", headers=owner, body="{}")
    assert resent.status_code == 200 and resent.json_body["status"] == "STARTED"
    drain(client)
    box = client.http.get("/api/app/outbox", headers=owner).json_body
    assert box["enabled"] is True and len(box["messages"]) == 2
    assert all(m["to"] == "Ada Lovelace <ada@example.com>" and "/u/1." in m["links"][0] for m in box["messages"])
    assert sorted(m["number"] for m in box["messages"]) == [1, 2]
    other = accounts_realm_owner(client)
    assert client.http.get("/api/app/outbox", headers=other).json_body["messages"] == []
    assert client.http.get(f"/api/app/invitations/{made.json_body['id']}", headers=other).status_code == 404


def accounts_realm_owner(client: Any) -> dict[str, str]:
    """The owner of another realm (signs up)."""
    signed = client.http.post("/api/signup", headers={"Content-Type": "application/json"}, body=json.dumps({
        "realmName": "Other", "email": "other@example.com", "password": "correct horse battery"}))
    assert signed.status_code == 200, signed.body
    return {"Cookie": signed.headers["Set-Cookie"].split(";")[0], "X-CSRF-Token": signed.json_body["csrfToken"],
            "Content-Type": "application/json"}


def test_splash_says_so_when_the_plan_has_no_registrations_left(client, realm, golf) -> None:
    from chalicelib import plans

    inv = _public(client, realm, golf)
    plans.record_registration(realm.realm_id, 10)  # the trial plan's 10 are used
    answer = Visitor(client, inv["url"]).submit("late@example.com")
    assert answer.status_code == 403 and answer.headers["X-Invitation-State"] == "plan"
    assert _registrations(client, realm) == []
    assert _json(client, realm, "get", f"/api/v2/invitations/public/{inv['id']}").json_body["registrationCount"] == 0


def _ses_template() -> None:
    """The SES template as infra/resources.json declares it (CloudFormation creates it on AWS)."""
    import boto3

    from chalicelib.invitations import emails

    boto3.client("ses", region_name="us-east-1").create_template(Template=dict(emails.TEMPLATE))


def test_on_aws_the_job_sends_through_ses_and_names_what_ses_refused(client, realm, golf,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    monkeypatch.delenv("NIMBUS_OUTBOX", raising=False)
    monkeypatch.setenv("MAIL_FROM", "courses@acme.test")
    _ses_template()
    ses = boto3.client("ses", region_name="us-east-1")
    made = _json(client, realm, "post", "/api/v2/invitations/private", {
        "courseId": golf, "invitationEmail": {"subject": "Golf", "addresses": ["ada@example.com", "alan@example.com"]}})
    assert made.status_code == 200, made.body
    drain(client)  # the sender is not verified yet: SES refuses every message
    status = _json(client, realm, "get", f"/api/v2/invitations/private/{made.json_body['id']}/jobStatus").json_body
    assert status["status"] == "ERROR" and len(status["errors"]) == 2
    assert {e.split(":")[0] for e in status["errors"]} == {"ada@example.com", "alan@example.com"}
    ses.verify_email_identity(EmailAddress="courses@acme.test")
    client.http.post(f"/api/app/invitations/{made.json_body['id']}/resend", headers=_owner(client, realm), body="{}")
    drain(client)
    status = _json(client, realm, "get", f"/api/v2/invitations/private/{made.json_body['id']}/jobStatus").json_body
    assert status == {"status": "COMPLETE", "errors": [], "total": 2, "processed": 2}
    assert ses.get_send_quota()["SentLast24Hours"] == 2


def test_an_address_whose_registration_was_deleted_registers_again(client, realm, golf) -> None:
    inv = _public(client, realm, golf, registrationCap=1)
    assert Visitor(client, inv["url"]).submit("ada@example.com").status_code == 303
    (first,) = _registrations(client, realm)
    assert _json(client, realm, "delete", f"/api/v2/registrations/{first['id']}").status_code == 204
    again = Visitor(client, inv["url"]).submit("ada@example.com")
    assert again.status_code == 303, again.body
    (second,) = _registrations(client, realm)
    assert second["id"] != first["id"] and second["learner"]["email"] == "ada@example.com"
    assert _json(client, realm, "get", f"/api/v2/invitations/public/{inv['id']}").json_body["registrationCount"] == 1


def test_web_detail_lists_people_beyond_one_api_page(client, realm, golf, outbox) -> None:
    from chalicelib import plans
    from chalicelib.invitations import catalog

    plans.set_plan(realm.realm_id, "enterprise")
    count = catalog.PAGE_SIZE + 10
    made = _json(client, realm, "post", "/api/v2/invitations/private", {
        "courseId": golf, "invitationEmail": {"addresses": [f"p{n}@example.com" for n in range(count)]}})
    assert made.status_code == 200, made.body
    detail = client.http.get(f"/api/app/invitations/{made.json_body['id']}", headers=_owner(client, realm)).json_body
    assert detail["peopleTotal"] == count and len({p["email"] for p in detail["people"]}) == count
    first = _json(client, realm, "get", f"/api/v2/invitations/private/{made.json_body['id']}/userInvitations")
    assert len(first.json_body["userInvitations"]) == catalog.PAGE_SIZE and first.json_body["more"]


def test_private_invitation_to_an_unknown_course_names_the_field(client, realm, golf, outbox) -> None:
    refused = _json(client, realm, "post", "/api/v2/invitations/private",
                    {"courseId": "nope", "invitationEmail": {"addresses": ["a@example.com"]}})
    assert refused.status_code == 404 and "courseId" in refused.json_body["message"]
    assert _registrations(client, realm) == [] and _usage(realm) == 0
    assert _json(client, realm, "get", "/api/v2/invitations").json_body == {"invitations": []}


def test_a_private_invitation_with_only_bad_addresses_ends_in_error(client, realm, golf, outbox) -> None:
    made = _json(client, realm, "post", "/api/v2/invitations/private",
                 {"courseId": golf, "invitationEmail": {"addresses": ["nobody", "no@where"]}})
    assert made.status_code == 200, made.body
    drain(client)
    status = _json(client, realm, "get", f"/api/v2/invitations/private/{made.json_body['id']}/jobStatus").json_body
    assert status["status"] == "ERROR" and status["total"] == 2 and status["processed"] == 2
    assert [e.split(":")[0] for e in status["errors"]] == ["nobody", "no@where"]
    assert _registrations(client, realm) == [] and _usage(realm) == 0 and not outbox.exists()


def test_registrations_inherit_the_invitations_postback_sealed_for_themselves(client, realm, golf, outbox,
                                                                            monkeypatch) -> None:
    """The postBack of a private invitation becomes each registration's own postback setting (the
    postbacks feature delivers it), its password re-sealed for that registration."""
    from chalicelib.postbacks import config as postback_config
    from chalicelib.store import registrations as registration_store

    monkeypatch.setenv("NIMBUS_OUTBOUND_ALLOW", "127.0.0.1/32")
    made = _json(client, realm, "post", "/api/v2/invitations/private", {
        "courseId": golf, "creatingUserEmail": "owner@acme.test",
        "postBack": {"url": "http://127.0.0.1:9/hook", "authType": "HTTPBASIC", "userName": "lms",
                     "password": "s3cret", "resultsFormat": "ACTIVITY"},
        "invitationEmail": {"subject": "Golf", "body": "Take it.", "addresses": ["a@example.com", "b@example.com"]}})
    assert made.status_code == 200, made.body
    regs = _registrations(client, realm)
    assert len(regs) == 2
    for reg in regs:
        stored = registration_store.get(realm.realm_id, reg["id"])
        assert stored is not None and stored.postback is not None
        assert (stored.postback["url"], stored.postback["authType"], stored.postback["resultsFormat"]) == (
            "http://127.0.0.1:9/hook", "HTTPBASIC", "ACTIVITY")
        assert postback_config.password(stored.postback, realm.realm_id, reg["id"]) == "s3cret"
    log = client.http.get(f"/api/v2/registrations/{regs[0]['id']}/postBackLog", headers=realm.basic)
    assert log.status_code == 200 and log.json_body["postBack"]["passwordSet"] is True
