"""Basic LTI 1.1 launches of a dispatch (chalice's test client, moto): a launch signed with oauthlib
plays and makes the LTI user the dispatch learner; a wrong signature, an old timestamp and a
replayed nonce are refused with a clear page; a stub outcomes service on 127.0.0.1 receives a
signed replaceResult with the registration's score, retried until it acknowledges."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from lxml import etree
from oauthlib.oauth1 import SIGNATURE_TYPE_BODY, Client
from oauthlib.oauth1.rfc5849 import signature
from oauthlib.oauth1.rfc5849.utils import parse_authorization_header, unescape

from tests.builders import course_zip as cz
from tests.integration.registration_world import Player, import_course, registration_change_records

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import RealmCredentials

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class OutcomesService:
    """A tool consumer's outcomes endpoint: records requests; answers failure until told to succeed."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.acknowledge = False
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                service.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                major = "success" if service.acknowledge else "failure"
                answer = (f'<?xml version="1.0"?><imsx_POXEnvelopeResponse xmlns="http://www.imsglobal.org/services/'
                          f'ltiv1p1/xsd/imsoms_v1p0"><imsx_POXHeader><imsx_POXResponseHeaderInfo><imsx_statusInfo>'
                          f"<imsx_codeMajor>{major}</imsx_codeMajor></imsx_statusInfo></imsx_POXResponseHeaderInfo>"
                          "</imsx_POXHeader><imsx_POXBody><replaceResultResponse/></imsx_POXBody>"
                          "</imsx_POXEnvelopeResponse>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/outcomes"


@pytest.fixture
def outcomes(monkeypatch: pytest.MonkeyPatch) -> Iterator[OutcomesService]:
    monkeypatch.setenv("NIMBUS_OUTBOUND_ALLOW", "127.0.0.1/32")
    service = OutcomesService()
    yield service
    service.server.shutdown()
    service.server.server_close()


@pytest.fixture
def lti_info(client: Any, realm: RealmCredentials) -> dict[str, str]:
    import_course(client, realm.basic, cz.scorm12_zip(scos=1), "golf")
    headers = {**realm.basic, "Content-Type": "application/json"}
    client.http.post("/api/v2/dispatch/destinations", headers=headers,
                     body=json.dumps({"destinations": [{"id": "moodle", "data": {"name": "Moodle"}}]}))
    client.http.post("/api/v2/dispatch/dispatches", headers=headers, body=json.dumps(
        {"dispatches": [{"id": "d1", "data": {"courseId": "golf", "destinationId": "moodle"}}]}))
    return client.http.get("/api/v2/dispatch/dispatches/d1/lti", headers=realm.basic).json_body  # type: ignore[no-any-return]


def _launch(client: Any, info: dict[str, str], *, secret: str | None = None, timestamp: str | None = None,
            **params: str) -> tuple[Any, str]:
    form = {"lti_message_type": "basic-lti-launch-request", "lti_version": "LTI-1p0", "resource_link_id": "rl-1",
            "user_id": "moodle-user-42", "lis_person_name_given": "Grace", "lis_person_name_family": "Hopper",
            "lis_person_contact_email_primary": "grace@school.test", "roles": "Learner", **params}
    signer = Client(info["consumerKey"], client_secret=secret or info["sharedSecret"],
                    signature_type=SIGNATURE_TYPE_BODY, timestamp=timestamp)
    _, _, body = signer.sign(info["url"], "POST", body=form, headers=FORM)
    return client.http.post(urlsplit(info["url"]).path, body=body, headers=FORM), body


def _registrations(client: Any, realm: RealmCredentials) -> list[dict[str, Any]]:
    return client.http.get("/api/v2/registrations", headers=realm.basic).json_body["registrations"]


def test_a_signed_launch_plays_and_bad_ones_are_refused_with_a_clear_page(client, realm, lti_info) -> None:
    played, body = _launch(client, lti_info, launch_presentation_return_url="https://lms.school.test/course/7")
    assert played.status_code == 302 and played.headers["Location"].startswith("/launch/s/")
    [made] = _registrations(client, realm)
    assert made["dispatchId"] == "d1" and made["learner"] == {
        "id": "moodle-user-42", "firstName": "Grace", "lastName": "Hopper", "email": "grace@school.test"}
    player = client.http.get(played.headers["Location"])
    assert player.status_code == 200 and b"runtime.js" in player.body

    replayed = client.http.post(urlsplit(lti_info["url"]).path, body=body, headers=FORM)
    assert replayed.status_code == 401 and b"already used" in replayed.body
    forged, _ = _launch(client, lti_info, secret="not-the-secret")
    assert forged.status_code == 401 and b"signature is not valid" in forged.body
    stale, _ = _launch(client, lti_info, timestamp=str(int(time.time()) - 3600))
    assert stale.status_code == 401 and b"too old" in stale.body
    nobody, _ = _launch(client, lti_info, user_id="")
    assert nobody.status_code == 400 and b"user_id" in nobody.body
    for answer in (replayed, forged, stale, nobody):
        assert answer.headers["Content-Type"].startswith("text/html")
    assert len(_registrations(client, realm)) == 1

    again, _ = _launch(client, lti_info)  # the same LTI user resumes the same registration
    assert again.status_code == 302 and len(_registrations(client, realm)) == 1


def _deliver_events(client: Any) -> Any:
    """The registrations table's changes so far, handed to the LTI outcomes consumer."""
    kinesis = client.events.generate_kinesis_event(registration_change_records(),
                                                   stream_name="nimbus-registration-events")
    return client.lambda_.invoke("registration_lti_outcomes", kinesis).payload


def test_results_go_to_the_outcomes_service_signed_until_acknowledged(client, realm, lti_info, outcomes) -> None:
    played, _ = _launch(client, lti_info, lis_outcome_service_url=outcomes.url, lis_result_sourcedid="grade-cell-9")
    player = Player.__new__(Player)
    player.client, player.base, player.seq = client, played.headers["Location"].rsplit("/player", 1)[0], {}
    delivered = player.deliver()
    done = player.commit(delivered, [["set", "cmi.core.score.raw", "90"],
                                     ["set", "cmi.core.lesson_status", "completed"], ["finish"]])
    assert done.status_code == 200, done.body

    first = _deliver_events(client)
    assert first["batchItemFailures"], "an unacknowledged result must be retried"
    outcomes.acknowledge = True
    assert _deliver_events(client)["batchItemFailures"] == []
    sent = len(outcomes.received)
    assert _deliver_events(client)["batchItemFailures"] == []  # acknowledged: not sent again
    assert len(outcomes.received) == sent

    headers, body = outcomes.received[-1]
    document = etree.fromstring(body)
    ns = {"o": "http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0"}
    assert document.findtext(".//o:sourcedId", namespaces=ns) == "grade-cell-9"
    assert float(document.findtext(".//o:resultScore/o:textString", namespaces=ns)) == 0.9
    oauth = {k: unescape(v) for k, v in parse_authorization_header(headers["authorization"])}
    assert oauth["oauth_consumer_key"] == lti_info["consumerKey"]
    assert oauth["oauth_signature_method"] == "HMAC-SHA1"
    assert oauth["oauth_body_hash"] == base64.b64encode(hashlib.sha1(body).digest()).decode()  # noqa: S324
    from oauthlib.common import Request

    request = Request(outcomes.url, "POST", body=None, headers={"Authorization": headers["authorization"]})
    request.params = [(k, v) for k, v in oauth.items() if k != "oauth_signature"]
    request.signature = oauth["oauth_signature"]
    assert signature.verify_hmac_sha1(request, client_secret=lti_info["sharedSecret"])
    assert not signature.verify_hmac_sha1(request, client_secret="another-secret")
