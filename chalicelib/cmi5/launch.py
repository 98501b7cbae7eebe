"""Launching a cmi5 AU (cmi5 §8, §10), the one-time fetch URL (§8.2), waive (§9.3.7) and abandon
(§9.3.6), with their storage.

Before the AU's URL is handed out, in this order: open sessions of the registration are abandoned
(§9.3.6: a launch with the same registration as an active session abandons it), blocks and the
course already satisfied at registration are announced (§9.6.1, once), a session id and a
launch-scoped credential are made, the ``LMS.LaunchData`` State document is written (§10) and
the "launched" statement stored (§9.3.1). The URL carries ``endpoint``, ``fetch``, ``actor``,
``registration`` and ``activityId`` (§8.1); ``fetch`` answers the credential as ``auth-token``
once (§8.2), and after that the error of §8.2.3 (code 1). The credential ends when the session
terminates or is abandoned.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from chalicelib.cmi5 import move_on, state
from chalicelib.cmi5 import statements as lms
from chalicelib.cmi5 import vocabulary as v
from chalicelib.config import settings
from chalicelib.errors import BadRequest, Conflict, NotFound
from chalicelib.lrs import credentials, documents, launch_credentials
from chalicelib.lrs import statements as lrs_statements
from chalicelib.lrs.endpoint import Endpoint
from chalicelib.lrs.schema import V1
from chalicelib.results import progress, xapi
from chalicelib.runtime import launch, sessions
from chalicelib.store import registrations as store

if TYPE_CHECKING:
    from chalicelib.store.tables import RegistrationItem

SESSION_SECONDS = sessions.SESSION_SECONDS  # a session's credential lives at most this long
FETCH_SECONDS = sessions.SESSION_SECONDS
ABANDON_SECONDS = 30 * 60  # a session silent this long is abandoned at the registration's next launch


@dataclass(frozen=True)
class Launched:
    url: str
    session_id: str
    activity_id: str
    au_id: str
    launch_method: str
    launch_mode: str


def base_url() -> str:
    return settings().base_url.rstrip("/")


def lms_endpoint(realm_id: str, lrs_id: str) -> Endpoint:
    """The LMS itself writing to an LRS endpoint of the realm (its own statements, LaunchData)."""
    authority = {"objectType": "Agent", "name": "Nimbus LMS",
                 "account": {"homePage": base_url() + "/lrs", "name": "nimbus-lms"}}
    return Endpoint(realm_id=realm_id, lrs_id=lrs_id, version=V1, credential_id="nimbus-lms", authority=authority,
                    can_read_any=True, can_read_own=True, can_write=True)


def au_of(item: RegistrationItem, node: dict[str, Any]) -> lms.Au:
    props = move_on.au_properties(node)
    mastery = props.get("masteryScore")
    return lms.Au(str(props.get("activityId") or node["id"]),
                  state.activity_iri(item.realm_id, item.course_id, "au", str(props.get("activityId") or node["id"])),
                  str(node.get("title", "")), str(props.get("moveOn") or "NotApplicable"),
                  float(mastery) if mastery is not None else None, str(props.get("launchParameters") or ""))


def _node_iri(item: RegistrationItem, node: dict[str, Any], *, course: bool) -> str:
    return state.activity_iri(item.realm_id, item.course_id, "course" if course else "block", node["id"])


def satisfied_statements(item: RegistrationItem, cmi5: dict[str, Any], actor: dict[str, Any], session_id: str,
                         moment: datetime) -> list[dict[str, Any]]:
    """"satisfied" for every block and the course that became satisfied (marked, once each)."""
    tree = (item.details or {}).get("tree") or {}
    made = []
    for node in move_on.newly_satisfied(tree, cmi5["aus"], cmi5["satisfied"]):
        course = node["id"] == tree.get("id")
        made.append(lms.satisfied(lms.Who(actor, xapi_registration(item), session_id), activity_id=_node_iri(
            item, node, course=course), publisher_id=node["id"], course=course, title=str(node.get("title", "")),
            moment=moment))
        cmi5["satisfied"].append(node["id"])
    return made


def xapi_registration(item: RegistrationItem) -> str:
    return str((item.details or {}).get("xapiRegistrationId", "")).lower()


def abandon_open(item: RegistrationItem, cmi5: dict[str, Any], moment: datetime, *,
                 only: str | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Abandon the registration's open sessions (or just ``only``): their statements and the
    credentials to end."""
    made, keys = [], []
    tree = (item.details or {}).get("tree") or {}
    for session_id, found in state.open_sessions(cmi5):
        if only is not None and session_id != only:
            continue
        node = progress.leaf(tree, found["au"])
        if node is None:
            continue
        seconds = (datetime.fromisoformat(found.get("last") or found["launched"])
                   - datetime.fromisoformat(found["launched"])).total_seconds()
        made.append(lms.abandoned(lms.Who(cmi5.get("actor") or {}, xapi_registration(item), session_id),
                                  au_of(item, node), seconds, moment))
        found["state"] = "abandoned"
        keys.append(found.get("credential", ""))
    return made, [k for k in keys if k]


def store_lms(realm_id: str, lrs_id: str, made: list[dict[str, Any]]) -> None:
    """Store the LMS's statements one by one: each gets its own ``stored`` time, so an ascending
    query returns them in the order they were made (a block's "satisfied" before the course's)."""
    endpoint = lms_endpoint(realm_id, lrs_id)
    for statement in made:
        lrs_statements.store_statements(endpoint, statement, {})


def _write_launch_data(realm_id: str, lrs_id: str, who: lms.Who, activity_id: str, document: dict[str, Any]) -> None:
    where = documents.address("state", {"activityId": activity_id, "agent": json.dumps(who.actor),
                                        "registration": who.registration, "stateId": v.LAUNCH_DATA}, "PUT")
    documents.write(lms_endpoint(realm_id, lrs_id), where, json.dumps(document).encode(), "application/json",
                    merge=False, if_match=None, if_none_match=None)


def choose_mode(cmi5: dict[str, Any], node: dict[str, Any], asked: str | None) -> str:
    """The launch mode: the one asked for; else Review once the AU was completed, passed or waived
    and so met its moveOn (the learner revisits it), else Normal."""
    if asked is not None:
        if asked not in v.LAUNCH_MODES:
            raise BadRequest(f"launchMode must be one of {', '.join(v.LAUNCH_MODES)}, not {asked!r}.")
        return asked
    record = cmi5["aus"].get(node["id"]) or {}
    done = record.get("waived") or record.get("completed") or record.get("passed")
    return "Review" if done and move_on.au_met(node, record) else "Normal"


def _fetch_url(session: sessions.PlayerSession, session_id: str, key: str, secret: str) -> str:
    """A one-time fetch URL (§8.2) that will answer the credential ``key``:``secret``."""
    fetch_secret = secrets.token_urlsafe(24)
    store.create_token(session.realm_id, fetch_secret, session.registration_id, FETCH_SECONDS, {
        "kind": "cmi5-fetch", "key": key, "sealed": credentials.seal(secret), "launch": session.launch_id,
        "session": session_id})
    return f"{base_url()}/launch/cmi5/fetch/{session.realm_id}.{fetch_secret}"


def _urls(session: sessions.PlayerSession, node: dict[str, Any], who: lms.Who, lrs_id: str, au: lms.Au, *,
          fetch_url: str) -> tuple[str, str]:
    """The AU's URL (the ``launchurl`` extension, §9.6.3.4) and that URL with the launch
    parameters of §8.1 added."""
    content = launch.content_url(session, node["href"])
    launch_url = content if content.startswith(("http://", "https://")) else base_url() + content
    params = {"endpoint": f"{base_url()}/lrs/{lrs_id}/", "fetch": fetch_url,
              "actor": json.dumps(who.actor, separators=(",", ":")), "registration": who.registration,
              "activityId": au.activity_id}
    return launch_url, launch_url + ("&" if "?" in launch_url else "?") + urlencode(params)


def launch_au(session: sessions.PlayerSession, au_id: str, *, lrs_id: str, launch_mode: str | None = None,
              actor: dict[str, Any] | None = None, return_url: str | None = None) -> Launched:
    """Everything the LMS does before an AU starts (module docstring); the URL to open."""
    for _ in range(launch.COMMIT_RETRIES):
        item = store.get(session.realm_id, session.registration_id)
        if item is None or int(item.instance) != session.instance:
            raise NotFound("The registration of this launch no longer exists or was reset.")
        details = dict(item.details or {})
        cmi5 = state.of(details)
        node = progress.leaf(details.get("tree") or {}, au_id)
        if node is None or not node.get("statements"):
            raise NotFound(f"The course has no AU {au_id!r} (cmi5 §13.1.4).")
        mode = choose_mode(cmi5, node, launch_mode)
        if (cmi5["aus"].get(au_id) or {}).get("waived") and mode == "Normal":
            raise Conflict(f"AU {au_id!r} was waived (cmi5 §9.3.7); it may be launched in Browse or Review mode only.")
        moment = launch.now()
        agent = actor or cmi5.get("actor") or launch_credentials.learner_agent(dict(item.learner or {}), base_url())
        cmi5["actor"] = agent
        made, ended = abandon_open(item, cmi5, moment)
        first = not cmi5.get("evaluated")
        if first:  # moveOn at registration time (§9.6.1), in a session of its own
            made += satisfied_statements(item, cmi5, agent, str(uuid.uuid4()), moment)
            cmi5["evaluated"] = True
        session_id = str(uuid.uuid4())
        au = au_of(item, node)
        key, secret = launch_credentials.issue(
            session.realm_id, lrs_id, agent, xapi_registration(item), au.activity_id, SESSION_SECONDS,
            launch_credentials.RegistrationLaunch(session.registration_id, session.launch_id, session.instance,
                                                  au_id, "CMI5", session_id))
        who = lms.Who(agent, xapi_registration(item), session_id)
        launch_url, url = _urls(session, node, who, lrs_id, au, fetch_url=_fetch_url(session, session_id, key, secret))
        state.remember(cmi5, session_id, {
            "au": au_id, "activityId": au.activity_id, "launchMode": mode, "masteryScore": au.mastery_score,
            "moveOn": au.move_on, "state": "launched", "verbs": [], "launched": moment.isoformat(),
            "last": moment.isoformat(), "launch": session.launch_id, "credential": key, "lrs": lrs_id})
        activity = details.setdefault("activities", {}).setdefault(au_id, xapi.new_state())
        activity["attempts"] = int(activity.get("attempts", 0)) + 1
        details["firstAccess"] = details.get("firstAccess") or moment.isoformat()
        details["lastAccess"] = moment.isoformat()
        details["lastActivityId"] = au_id
        state.apply_move_on(details, cmi5)
        item.details = details
        progress.roll_up_registration(item, moment)
        launched = lms.launched(who, au, launch_mode=mode, launch_url=launch_url, moment=moment)
        log = [{"t": moment.isoformat(), "kind": "deliver", "activityId": au_id, "standard": "CMI5",
                "sessionId": session_id, "launchMode": mode, "launchUrl": launch_url,
                "abandoned": [s["context"]["extensions"][v.SESSION_ID] for s in made
                              if s["verb"]["id"] == v.ABANDONED]}]
        try:
            store.write_commit(item, session.launch_id, {"last_update": moment.isoformat()}, log)
        except store.VersionConflict:
            launch_credentials.revoke(key)
            continue
        for old in ended:
            launch_credentials.revoke(old)
        _write_launch_data(session.realm_id, lrs_id, who, au.activity_id, lms.launch_data(
            session_id, au, launch_mode=mode, return_url=return_url,
            entitlement_key=str(move_on.au_properties(node).get("entitlementKey") or "")))
        store_lms(session.realm_id, lrs_id, [*made, launched])
        return Launched(url, session_id, au.activity_id, au_id,
                        str(move_on.au_properties(node).get("launchMethod") or "AnyWindow"), mode)
    raise Conflict("The registration kept changing; try again.")


def fetch(token: str) -> dict[str, str]:
    """POST to the fetch URL (§8.2): the ``auth-token`` once; then ``error-code`` 1 (§8.2.3.1),
    or 2 for a token that is not one of ours (§8.2.3.2). Always answered with 200."""
    realm_id, _, secret = token.partition(".")
    found = store.get_token(realm_id, secret) if realm_id and secret and len(token) < 200 else None
    if found is None or (found.options or {}).get("kind") != "cmi5-fetch":
        return {"error-code": "2", "error-text": "This is not a valid fetch URL."}
    options = dict(found.options or {})
    moment = launch.now().isoformat()
    used = store.consume_token(realm_id, secret)
    if used is None:
        store.append_log(realm_id, found.registration_id, str(options.get("launch", "")), [
            {"t": moment, "kind": "fetch-refused", "sessionId": options.get("session"), "errorCode": "1"}])
        return {"error-code": "1", "error-text": "The authorization token has already been returned, or the "
                                                 "session has expired (cmi5 §8.2.3)."}
    store.append_log(realm_id, found.registration_id, str(options.get("launch", "")), [
        {"t": moment, "kind": "fetch", "sessionId": options.get("session")}])
    pair = f"{options['key']}:{credentials.unseal(str(options['sealed']))}"
    return {"auth-token": base64.b64encode(pair.encode()).decode()}
