"""Launching statement-tracked content — xAPI (TinCan) packages — from the player, and tracking
the registration from the statements the content stores in the LRS.

Launch (Rustici's "Tin Can launch" convention, as SCORM Cloud launches TinCan packages): the
activity's URL gets the query parameters

* ``endpoint``: the LRS of the app that asked for the launch link, ``{BASE_URL}/lrs/{appId}/``
  (SCORM Cloud's); launches the web app opens (previews, the learner page) use the realm's own
  LRS, ``{BASE_URL}/lrs/{realmId}/``;
* ``auth``: ``Basic`` + a temporary launch-scoped credential (:mod:`chalicelib.lrs.launch_credentials`:
  this learner, this registration, this endpoint, expiring with the player session);
* ``actor``: ``{"objectType": "Agent", "name": ..., "account": {"homePage": BASE_URL, "name": learnerId}}``.
  SPEC DEVIATION: the learner's email is not added as an ``mbox`` beside the account — an Agent
  has exactly one identifier (xAPI Data §2.4.2.1) and content copies ``actor`` into its
  statements, which an LRS must then refuse;
* ``registration``: the registration's ``xapiRegistrationId``; ``activity_id``: the activity IRI.

Tracking: statements stored with such a credential (:func:`track`, called by the LRS after it
stored them) about the launched activity update the activity's results
(:mod:`chalicelib.results.xapi`), the registration's rollup, the launch record and its debug log,
in one write. Statements stored with other credentials never cost this (plain LRS ingest is
unchanged).
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from chalicelib.config import settings
from chalicelib.errors import Conflict, NotFound
from chalicelib.lrs import launch_credentials
from chalicelib.results import progress, xapi
from chalicelib.runtime import delivery, launch, sessions
from chalicelib.store import registrations as store

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.lrs.endpoint import Endpoint

STATEMENT_STANDARDS = ("XAPI", "CMI5")
CREDENTIAL_SECONDS = sessions.SESSION_SECONDS


def tracked_by_statements(details: dict[str, Any]) -> bool:
    return details.get("standard") in STATEMENT_STANDARDS


def lrs_id(session: sessions.PlayerSession) -> str:
    return session.lrs or session.realm_id


def lrs_endpoint(session: sessions.PlayerSession) -> str:
    return f"{settings().base_url.rstrip('/')}/lrs/{lrs_id(session)}/"


def actor(learner: dict[str, str]) -> dict[str, Any]:
    return launch_credentials.learner_agent(learner, settings().base_url.rstrip("/"))


def with_query(url: str, params: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


def start_activity(details: dict[str, Any], activity_id: str, moment: datetime) -> dict[str, Any]:
    """A new attempt on a statement-tracked activity (its state created on the first launch)."""
    node = progress.leaf(details.get("tree") or {}, activity_id)
    if node is None:
        raise NotFound(f"The course has no launchable activity {activity_id!r}.")
    state = details.setdefault("activities", {}).setdefault(activity_id, xapi.new_state())
    state["attempts"] = int(state.get("attempts", 0)) + 1
    stamp = moment.isoformat()
    details["firstAccess"] = details.get("firstAccess") or stamp
    details["lastAccess"] = stamp
    details["lastActivityId"] = activity_id
    return node


def issue_credential(session: sessions.PlayerSession, item: Any, node: dict[str, Any], *,
                     session_id: str = "") -> tuple[dict[str, Any], str, str]:
    """The actor, activity IRI and ``Basic`` authorization content is launched with."""
    details = item.details or {}
    agent = actor(dict(item.learner or {}))
    activity_iri = str((node.get("statements") or {}).get("activityId") or node["id"])
    scope = launch_credentials.RegistrationLaunch(
        session.registration_id, session.launch_id, session.instance, node["id"], str(details.get("standard", "")),
        session_id)
    key, secret = launch_credentials.issue(session.realm_id, lrs_id(session), agent,
                                           str(details.get("xapiRegistrationId", "")), activity_iri,
                                           CREDENTIAL_SECONDS, scope)
    return agent, activity_iri, "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def deliver_tincan(session: sessions.PlayerSession, wanted: str | None) -> dict[str, Any]:
    """POST .../deliver for a TinCan course: a new attempt and the launch URL with its parameters."""
    for _ in range(launch.COMMIT_RETRIES):
        item = launch.registration_of(session)
        details = dict(item.details or {})
        moment = launch.now()
        activity_id = wanted or delivery.first_activity(details)
        if activity_id is None:
            raise NotFound("This course has nothing to launch.")
        node = start_activity(details, activity_id, moment)
        item.details = details
        progress.roll_up_registration(item, moment)
        agent, activity_iri, auth = issue_credential(session, item, node)
        params = {"endpoint": lrs_endpoint(session), "auth": auth, "actor": json.dumps(agent),
                  "registration": str(details.get("xapiRegistrationId", "")), "activity_id": activity_iri}
        entry = {"t": moment.isoformat(), "kind": "deliver", "activityId": activity_id, "standard": "XAPI",
                 "launchParameters": {k: v for k, v in params.items() if k != "auth"}}
        try:
            store.write_commit(item, session.launch_id, _launch_actions(item, moment), [entry])
        except store.VersionConflict:
            continue
        return {"activityId": activity_id, "standard": "XAPI", "statements": True, "title": node.get("title", ""),
                "contentUrl": with_query(launch.content_url(session, node["href"]), params),
                "toc": delivery.toc(details), "buttons": None}
    raise Conflict("The registration kept changing; try again.")


def deliver(session: sessions.PlayerSession, wanted: str | None) -> dict[str, Any]:
    """POST .../deliver of a statement-tracked course."""
    if (launch.registration_of(session).details or {}).get("standard") == "CMI5":
        return deliver_cmi5(session, wanted)
    return deliver_tincan(session, wanted)


def deliver_cmi5(session: sessions.PlayerSession, wanted: str | None) -> dict[str, Any]:
    """A cmi5 AU from the player (:mod:`chalicelib.cmi5.launch`): framed when its launchMethod is
    AnyWindow, in the whole window for OwnWindow (cmi5 §8.1); its returnURL brings the learner
    back to the player's table of contents."""
    from chalicelib.cmi5 import launch as cmi5_launch  # noqa: PLC0415 - cmi5.launch builds on the runtime

    details = launch.registration_of(session).details or {}
    activity_id = wanted or delivery.first_activity(details)
    if activity_id is None:
        raise NotFound("This course has nothing to launch.")
    made = cmi5_launch.launch_au(session, activity_id, lrs_id=lrs_id(session),
                                 return_url=f"{settings().base_url.rstrip('/')}/launch/s/{session.token}/player?returned=1")
    details = launch.registration_of(session).details or {}
    node = progress.leaf(details.get("tree") or {}, activity_id) or {}
    return {"activityId": activity_id, "standard": "CMI5", "statements": True, "title": node.get("title", ""),
            "contentUrl": made.url, "ownWindow": made.launch_method == "OwnWindow", "launchMode": made.launch_mode,
            "toc": delivery.toc(details), "buttons": None}


def document_read(endpoint: Endpoint, kind: str, params: dict[str, str]) -> None:
    """A launched cmi5 AU reading its learner preferences (cmi5 §11) is remembered by its session."""
    scope = endpoint.launch
    if scope is not None and scope.launch is not None and scope.launch.standard == "CMI5" \
            and kind == "agent_profile" and params.get("profileId") == "cmi5LearnerPreferences":
        from chalicelib.cmi5 import tracking  # noqa: PLC0415 - cmi5 builds on the runtime

        tracking.preferences_read(endpoint)


def check(endpoint: Endpoint, sent: Any, put_id: str | None = None) -> None:
    """Before the LRS stores statements of a cmi5 session: its rules (403 when broken)."""
    scope = endpoint.launch
    if scope is not None and scope.launch is not None and scope.launch.standard == "CMI5":
        from chalicelib.cmi5 import tracking  # noqa: PLC0415 - cmi5 builds on the runtime

        tracking.check(endpoint, sent, put_id)


def _launch_actions(item: Any, moment: datetime) -> dict[str, Any]:
    return {"last_update": moment.isoformat(), "completion": item.completion, "success": item.success,
            "score": item.score_scaled, "seconds": float(item.total_seconds or 0)}


def track(endpoint: Endpoint, sent: Any, ids: list[str], *, verbs: dict[str, tuple[str | None, str | None]]
          | None = None, extra_log: list[dict[str, Any]] | None = None) -> None:
    """After the LRS stored statements sent with a player-issued launch credential: fold those
    about the launched activity into the registration (once each), log every one of them."""
    scope = endpoint.launch
    ran = scope.launch if scope is not None else None
    if scope is None or ran is None:
        return
    if ran.standard == "CMI5":
        from chalicelib.cmi5 import tracking  # noqa: PLC0415 - cmi5 builds on the runtime

        tracking.track(endpoint, sent, ids)
        return
    batch = [{**s, "id": i} for s, i in zip(sent if isinstance(sent, list) else [sent], ids, strict=False)
             if isinstance(s, dict)]
    for _ in range(launch.COMMIT_RETRIES):
        item = store.get(endpoint.realm_id, ran.registration_id)
        if item is None or int(item.instance) != ran.instance:
            return  # deleted or reset since the launch: the statements stay in the LRS only
        details = dict(item.details or {})
        moment = launch.now()
        state = details.setdefault("activities", {}).setdefault(ran.activity, xapi.new_state())
        log: list[dict[str, Any]] = list(extra_log or [])
        log += [xapi.take(state, statement, scope.activity_id, ran.launch_id, moment, verbs=verbs)
                for statement in batch]
        details["lastAccess"] = moment.isoformat()
        item.details = details
        progress.roll_up_registration(item, moment)
        try:
            store.write_commit(item, ran.launch_id, _launch_actions(item, moment), log)
        except store.VersionConflict:
            continue
        return
    # still changing after every retry: the statements stay stored; the next ones bring the results
    store.append_log(endpoint.realm_id, ran.registration_id, ran.launch_id, [
        {"t": launch.now().isoformat(), "kind": "statements-not-counted", "ids": ids[:50]}])
