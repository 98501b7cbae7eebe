"""Basic LTI 1.1 for dispatches: Nimbus is the Tool Provider (1EdTech "LTI Implementation Guide
v1.1.1"; "LTI Basic Outcomes Service v1.1").

* Each dispatch has its own launch URL, consumer key and shared secret (sealed at rest);
  GetLtiDispatch (``DispatchLtiInfoSchema``) hands them to the customer for the tool consumer.
* A launch (``POST`` of the signed form to the launch URL) is verified as OAuth 1.0a HMAC-SHA1
  (RFC 5849 §3.4) with oauthlib: the key must be the dispatch's, the timestamp within
  :data:`TIMESTAMP_WINDOW` seconds, the nonce never seen before (stored once, with a TTL); then
  the LTI user (``user_id``, ``lis_person_name_given`` / ``_family``,
  ``lis_person_contact_email_primary``) becomes the dispatch learner and the player opens — in the
  window or frame the consumer chose. ``launch_presentation_return_url`` is where Exit goes.
* Results: when the launch carries ``lis_outcome_service_url`` and ``lis_result_sourcedid``, each
  registration event of that registration sends ``replaceResult`` (a POX message, score 0.0–1.0,
  signed with oauthlib including ``oauth_body_hash``) through :func:`chalicelib.outbound.send`,
  until the consumer acknowledges it (``imsx_codeMajor`` = success); an unacknowledged send raises
  :class:`OutcomeNotAcknowledged`, so the event is retried.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlsplit

from oauthlib.oauth1 import SIGNATURE_HMAC, Client, SignatureOnlyEndpoint

from chalicelib import outbound, reportage
from chalicelib.config import settings
from chalicelib.dispatch import dispatches, learners
from chalicelib.errors import BadRequest, Unauthorized
from chalicelib.oauth1 import Oauth1Validator
from chalicelib.store import dispatch as store
from chalicelib.store import registrations as registration_store

if TYPE_CHECKING:
    from chalicelib.store.changes import TableChange
    from chalicelib.store.dispatch import DispatchItem

TIMESTAMP_WINDOW = 600  # seconds either side of now (oauthlib's default lifetime)
#: How long an unacknowledged result holds its registration event for retries (the stream is
#: ordered: a consumer that stays down must not stall Reportage for long). After it, the result
#: stays pending and goes with the registration's next event.
RETRY_SECONDS = 15 * 60
OUTCOMES_NS = "http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0"
LAUNCH_MESSAGE = "basic-lti-launch-request"


class OutcomeNotAcknowledged(Exception):
    """The tool consumer did not acknowledge a replaceResult; the event should be retried."""


def launch_url(item: DispatchItem) -> str:
    base = settings().base_url.rstrip("/")
    return f"{base}/launch/dispatch/lti/{quote(item.realm_id, safe='')}/{quote(item.dispatch_id, safe='')}"


def descriptor(item: DispatchItem) -> dict[str, str]:
    """DispatchLtiInfoSchema: ``{url, consumerKey, sharedSecret}``."""
    return {"url": launch_url(item), "consumerKey": item.lti_key, "sharedSecret": dispatches.lti_secret(item)}


# --- launch ------------------------------------------------------------------------------------


class _Validator(Oauth1Validator):
    """oauthlib's questions, answered from the one dispatch the URL names."""

    timestamp_lifetime = TIMESTAMP_WINDOW
    nonce_max = 128  # LTI tool consumers send long nonces

    def __init__(self, item: DispatchItem) -> None:
        super().__init__()
        self.item = item
        self.replayed = False

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return bool(self.item.lti_key) and client_key == self.item.lti_key

    def get_client_secret(self, client_key: str, request: Any) -> str:
        return dispatches.lti_secret(self.item) if client_key == self.item.lti_key else "dummy-never-matches"

    def validate_timestamp_and_nonce(self, client_key: str, timestamp: str, nonce: str,  # noqa: PLR0917 - oauthlib's signature
                                     request: Any, request_token: str | None = None,
                                     access_token: str | None = None) -> bool:
        fresh = store.use_nonce(client_key, nonce, 2 * TIMESTAMP_WINDOW)
        self.replayed = not fresh
        return fresh


@dataclass(frozen=True)
class Launch:
    """A verified launch: who, and where results and Exit go."""

    host: learners.HostLearner
    return_url: str
    outcome_url: str
    sourcedid: str


def _http_url(raw: str, what: str) -> str:
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in raw for c in "\r\n\"'<> "):
        raise BadRequest(f"{what} must be an http(s) URL.")
    return raw


def verify(item: DispatchItem, url: str, body: str, content_type: str) -> Launch:
    """The OAuth 1.0a check and the LTI parameters (LTI 1.1.1 §4, §B.1), or an
    :class:`Unauthorized` / :class:`BadRequest` saying what is wrong."""
    form = dict(parse_qsl(body, keep_blank_values=True))
    try:
        stamp = int(form.get("oauth_timestamp", ""))
    except ValueError as err:
        raise Unauthorized("The launch is not signed (no OAuth timestamp).") from err
    if abs(time.time() - stamp) > TIMESTAMP_WINDOW:
        raise Unauthorized("The launch request is too old or from the future: its OAuth timestamp is more than "
                           f"{TIMESTAMP_WINDOW // 60} minutes away from now. Check the LMS's clock and launch again.")
    validator = _Validator(item)
    valid, _ = SignatureOnlyEndpoint(validator).validate_request(url, "POST", body=body,
                                                                 headers={"Content-Type": content_type})
    if validator.replayed:
        raise Unauthorized("This launch request was already used (its OAuth nonce was seen before). "
                           "Launch again from your LMS.")
    if not valid:
        raise Unauthorized("The launch signature is not valid: check the consumer key and shared secret "
                           "entered in your LMS for this dispatch.")
    if form.get("lti_message_type") != LAUNCH_MESSAGE or form.get("lti_version") not in ("LTI-1p0", "LTI-1p1"):
        raise BadRequest("lti_message_type must be basic-lti-launch-request and lti_version LTI-1p0.")
    if not form.get("resource_link_id"):
        raise BadRequest("resource_link_id is required for a Basic LTI launch.")
    if not form.get("user_id"):
        raise BadRequest("user_id is required: Nimbus records results per LTI user.")
    host = learners.HostLearner(form["user_id"][:255], form.get("lis_person_name_given", "")[:255],
                                form.get("lis_person_name_family", "")[:255],
                                form.get("lis_person_contact_email_primary", "")[:255])
    return Launch(host, _http_url(form.get("launch_presentation_return_url", ""), "launch_presentation_return_url"),
                  _http_url(form.get("lis_outcome_service_url", ""), "lis_outcome_service_url"),
                  form.get("lis_result_sourcedid", "")[:1024])


def admit(realm_id: str, dispatch_id: str, url: str, body: str, content_type: str) -> tuple[learners.Admitted, Launch]:
    """Check the dispatch and the signed launch; the learner's registration, with where its
    outcomes go remembered on it."""
    item = learners.playable(realm_id, dispatch_id)
    launch = verify(item, url, body, content_type)
    admitted = learners.enroll(item, launch.host, None)
    if launch.outcome_url and launch.sourcedid:
        _remember_outcomes(realm_id, admitted.registration_id, launch)
    return admitted, launch


def _remember_outcomes(realm_id: str, registration_id: str, launch: Launch) -> None:
    for _ in range(5):
        found = registration_store.get(realm_id, registration_id)
        if found is None:
            return
        previous = dict((found.details or {}).get("lti") or {})
        if previous.get("url") == launch.outcome_url and previous.get("sourcedid") == launch.sourcedid:
            return
        found.details = {**(found.details or {}), "lti": {"url": launch.outcome_url, "sourcedid": launch.sourcedid,
                                                          "sent": None}}
        try:
            registration_store.save(found)
            return
        except registration_store.VersionConflict:
            continue


# --- outcomes ----------------------------------------------------------------------------------


def result_score(completion: str, success: str, score: float | None) -> float | None:
    """The 0.0–1.0 result for the consumer: the score when there is one, else 1 / 0 for
    passed / failed, else (no result yet) None."""
    if score is not None:
        return round(max(0.0, min(100.0, float(score))) / 100, 4)
    return {"PASSED": 1.0, "FAILED": 0.0}.get(success)


def replace_result_xml(sourcedid: str, value: float) -> bytes:
    """A replaceResult request (LTI Basic Outcomes 1.1 §6.1)."""
    from lxml import etree  # noqa: PLC0415 - only when a result is sent

    def sub(parent: Any, name: str, text: str | None = None) -> Any:
        element = etree.SubElement(parent, f"{{{OUTCOMES_NS}}}{name}")
        if text is not None:
            element.text = text
        return element

    envelope = etree.Element(f"{{{OUTCOMES_NS}}}imsx_POXEnvelopeRequest", nsmap={None: OUTCOMES_NS})
    info = sub(sub(envelope, "imsx_POXHeader"), "imsx_POXRequestHeaderInfo")
    sub(info, "imsx_version", "V1.0")
    sub(info, "imsx_messageIdentifier", uuid.uuid4().hex)
    record = sub(sub(sub(envelope, "imsx_POXBody"), "replaceResultRequest"), "resultRecord")
    sub(sub(record, "sourcedGUID"), "sourcedId", sourcedid)
    score = sub(sub(record, "result"), "resultScore")
    sub(score, "language", "en")
    sub(score, "textString", f"{value:g}")
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"))


def _acknowledged(body: bytes) -> bool:
    from lxml import etree  # noqa: PLC0415

    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return False
    return any((e.text or "").strip() == "success" for e in root.iter("{*}imsx_codeMajor"))


def send_outcome(item: DispatchItem, url: str, sourcedid: str, value: float) -> None:
    """Sign and send one replaceResult; :class:`OutcomeNotAcknowledged` unless it was."""
    body = replace_result_xml(sourcedid, value)
    client = Client(item.lti_key, client_secret=dispatches.lti_secret(item), signature_method=SIGNATURE_HMAC)
    _, headers, _ = client.sign(url, "POST", body=body.decode(), headers={"Content-Type": "application/xml"})
    try:
        reply = outbound.send("POST", url, body, {k: str(v) for k, v in headers.items()})
    except outbound.OutboundRefused as err:
        raise OutcomeNotAcknowledged(str(err)) from err
    if reply.status != 200 or not _acknowledged(reply.body):
        raise OutcomeNotAcknowledged(f"{url} answered {reply.status} without success")


def _age(event: dict[str, Any]) -> float:
    try:
        occurred = datetime.fromisoformat(str(event.get("occurred", "")).replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    return (datetime.now(UTC) - occurred).total_seconds()


def _carries_lti(image: dict[str, Any] | None) -> bool:
    """Whether a registration image has an LTI outcome service (``details.lti``): most changes are
    of registrations that do not, and need no read of the registration."""
    details = (image or {}).get("details")
    if isinstance(details, str):
        return '"lti"' in details
    return isinstance(details, dict) and bool(details.get("lti"))


def on_registration_change(change: TableChange) -> bool:
    """A change of the registrations table (its change stream): when the registration's results
    changed, send them (:func:`on_registration_event`)."""
    found = reportage.from_change(change)
    if found is None or not _carries_lti(change.new):
        return False
    occurred = datetime.fromtimestamp(change.created_us / 1e6, UTC) if change.created_us else datetime.now(UTC)
    return on_registration_event({"realmId": found.realm_id, "registrationId": found.registration_id,
                                  "occurred": occurred.isoformat()})


def on_registration_event(event: dict[str, Any]) -> bool:
    """A registration event: send its result to the LTI consumer when it has one to send and it
    changed since the last acknowledged send. Returns whether a result was sent."""
    realm_id, registration_id = str(event.get("realmId", "")), str(event.get("registrationId", ""))
    found = registration_store.get(realm_id, registration_id) if realm_id and registration_id else None
    target = dict((found.details or {}).get("lti") or {}) if found is not None else {}
    dispatch_id = (found.details or {}).get("dispatchId") if found is not None else None
    if found is None or not target.get("url") or not dispatch_id:
        return False
    value = result_score(found.completion, found.success, found.score_scaled)
    if value is None or value == target.get("sent"):
        return False
    item = store.get_dispatch(realm_id, str(dispatch_id))
    if item is None:
        return False
    try:
        send_outcome(item, str(target["url"]), str(target.get("sourcedid", "")), value)
    except OutcomeNotAcknowledged:
        if _age(event) < RETRY_SECONDS:
            raise
        return False
    for _ in range(5):
        latest = registration_store.get(realm_id, registration_id)
        if latest is None:
            break
        latest.details = {**(latest.details or {}), "lti": {**target, "sent": value}}
        try:
            registration_store.save(latest)
            break
        except registration_store.VersionConflict:
            continue
    return True

