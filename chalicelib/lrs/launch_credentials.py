"""Temporary launch-scoped LRS credentials, handed to xAPI and cmi5 content when it launches.

cmi5 (Content on the LMS, §8.2 "fetch" URL / §8.1 launch parameters) and xAPI launch give
content an LRS endpoint and an authorization good for one learner's attempt. A launch
credential is a Basic key and secret that:

* works on exactly one endpoint (``/lrs/{appId}`` or ``/lrs/{realmId}``) until it expires
  (``expires``: the statements table's TTL attribute, and checked on every use → 401);
* writes statements only for its actor (same IFI, Data §2.4.2.1) and registration
  (``context.registration``), never voiding ones (a voiding statement could target another
  learner's statement); anything else → 403;
* reads only the statements it stored itself (the ``USER`` permission level);
* reads and writes State documents of its actor, activity and registration only; reads the
  Agent Profile of its actor and Activity Profiles; writes no profile.

The player calls :func:`issue` when it launches xAPI (TinCan) or cmi5 content, with ``launch``:
the registration, launch and activity it belongs to (:class:`RegistrationLaunch`), so that the
statements the content stores update that registration (:mod:`chalicelib.runtime.statement_tracking`).
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import BadRequest, Forbidden
from chalicelib.lrs import agents, credentials, schema
from chalicelib.lrs.validation import fail
from chalicelib.store import lrs_credentials as store
from chalicelib.store import repos

KEY_PREFIX = "launch-"
MAX_TTL_SECONDS = 7 * 24 * 3600
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
LAUNCH_DATA = "LMS.LaunchData"  # cmi5 §10


@dataclass(frozen=True)
class RegistrationLaunch:
    """The player launch a credential was issued for."""

    registration_id: str
    launch_id: str
    instance: int
    activity: str  # the launched leaf of the registration's activity tree
    standard: str  # XAPI | CMI5
    session_id: str = ""  # cmi5: the session id (cmi5 §9.6.2.1 context extension)

    def to_dict(self) -> dict[str, Any]:
        return {"g": self.registration_id, "l": self.launch_id, "i": self.instance, "a": self.activity,
                "s": self.standard, "x": self.session_id}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> RegistrationLaunch:
        return cls(str(raw["g"]), str(raw["l"]), int(raw["i"]), str(raw["a"]), str(raw["s"]), str(raw.get("x", "")))


@dataclass(frozen=True)
class LaunchScope:
    """What a launch credential may touch."""

    actor_key: str  # agents.key() of the learner
    registration: str  # lower-case UUID
    activity_id: str
    launch: RegistrationLaunch | None = None  # set when the player issued it for a registration


@dataclass(frozen=True)
class Launch:
    key: str
    secret: str
    realm_id: str
    endpoint: str
    scope: LaunchScope
    expires: int

    @property
    def expired(self) -> bool:
        return self.expires <= int(time.time())


def issue(realm_id: str, endpoint: str, actor: dict[str, Any], registration: str,  # noqa: PLR0913, PLR0917
          activity_id: str, ttl_seconds: int, launch: RegistrationLaunch | None = None) -> tuple[str, str]:
    """Store a launch credential and return its (key, secret) for the content's launch URL."""
    if endpoint != realm_id:
        app = repos.get_app(endpoint)
        if app is None or app.realm_id != realm_id:
            raise BadRequest(f"endpoint: {endpoint} is not an app of this realm")
    found = agents.parse_param(json.dumps(actor), "actor")
    if found.get("objectType", "Agent") != "Agent":
        raise fail("actor", "must be an Agent")
    if not isinstance(registration, str) or not schema.UUID.match(registration):
        raise fail("registration", "must be a UUID")
    if not isinstance(activity_id, str) or not schema.IRI.match(activity_id):
        raise fail("activityId", "must be an IRI")
    if not isinstance(ttl_seconds, int) or not 0 < ttl_seconds <= MAX_TTL_SECONDS:
        raise BadRequest(f"ttl_seconds must be between 1 and {MAX_TTL_SECONDS}")
    key, secret = KEY_PREFIX + secrets.token_urlsafe(18), secrets.token_urlsafe(24)
    store.save_launch(key, store.LaunchItem(
        realm_id=realm_id, endpoint=endpoint, secret_sealed=credentials.seal(secret),
        actor=json.dumps(found), registration=registration.lower(), activity_id=activity_id,
        expires=int(time.time()) + ttl_seconds,
        launch=json.dumps(launch.to_dict()) if launch is not None else None))
    return key, secret


def revoke(key: str) -> None:
    """End a launch credential now (a cmi5 session that terminated or was abandoned)."""
    store.set_launch_expires(key, int(time.time()))


def learner_agent(learner: dict[str, str], home_page: str) -> dict[str, Any]:
    """A registration's learner as the xAPI Agent launched content is given: an account on this
    Nimbus (cmi5 §8.1.3 / §9.2 ask for an account; TinCan content gets the same)."""
    name = " ".join(p for p in (learner.get("firstName", ""), learner.get("lastName", "")) if p)
    agent: dict[str, Any] = {"objectType": "Agent", "account": {"homePage": home_page, "name": learner.get("id", "")}}
    if name:
        agent["name"] = name
    return agent


def find(key: str) -> Launch | None:
    if not key.startswith(KEY_PREFIX):
        return None
    item = store.get_launch(key)
    if item is None:
        return None
    scope = LaunchScope(agents.key(json.loads(item.actor)) or "", item.registration,
                        item.activity_id,
                        RegistrationLaunch.from_dict(json.loads(item.launch)) if item.launch else None)
    return Launch(key, credentials.unseal(item.secret_sealed), item.realm_id, item.endpoint,
                  scope, int(item.expires))


def check_statements(scope: LaunchScope, sent: Any) -> None:
    """403 unless every statement is this learner's, in this registration, and not voiding.
    Statements that are not objects are left to validation (400)."""
    for statement in sent if isinstance(sent, list) else [sent]:
        if not isinstance(statement, dict):
            continue
        actor = statement.get("actor")
        if not isinstance(actor, dict) or agents.key(actor) != scope.actor_key:
            raise Forbidden("this launch credential may only store statements of its learner "
                            "(statement.actor)")
        context = statement.get("context")
        registration = context.get("registration") if isinstance(context, dict) else None
        if not isinstance(registration, str) or registration.lower() != scope.registration:
            raise Forbidden("this launch credential may only store statements of its "
                            "registration (statement.context.registration)")
        verb = statement.get("verb")
        if isinstance(verb, dict) and verb.get("id") == VOIDED:
            raise Forbidden("this launch credential may not void statements (statement.verb)")


def _agent_key(params: dict[str, str]) -> str | None:
    raw = params.get("agent")
    return agents.key(agents.parse_param(raw)) if raw is not None else None


def check_document(scope: LaunchScope, kind: str, params: dict[str, str], *,
                   write: bool) -> None:
    """403 unless the document request stays inside the launch (State: actor, activity and
    registration; Agent Profile: read the actor's; Activity Profile: read)."""
    if kind == "state":
        if write and scope.launch is not None and scope.launch.standard == "CMI5" \
                and params.get("stateId") == LAUNCH_DATA:
            raise Forbidden("stateId: the AU must not modify or delete LMS.LaunchData (cmi5 §10.2.1)")
        if _agent_key(params) != scope.actor_key:
            raise Forbidden("agent: this launch credential may only use its learner's state")
        if params.get("activityId") != scope.activity_id:
            raise Forbidden("activityId: this launch credential may only use its activity's "
                            "state")
        if (params.get("registration") or "").lower() != scope.registration:
            raise Forbidden("registration: this launch credential may only use its "
                            "registration's state")
        return
    if write:
        raise Forbidden("this launch credential may not write profiles")
    if kind == "agent_profile" and _agent_key(params) != scope.actor_key:
        raise Forbidden("agent: this launch credential may only read its learner's profile")
