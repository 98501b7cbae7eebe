"""The LRS side of a cmi5 session: statements sent with a cmi5 launch credential are checked
against the session rules before anything is stored (:func:`check`), and once stored they move
the session and the registration on (:func:`track`): the session's state, the AU's record
(completed / passed / failed), the AU's results, moveOn and the "satisfied" statements of blocks
and the course it completes (cmi5 §9.3.9, with this session's id), the debug log; a terminated
session's credential ends (§9.3.8: later statements are refused).

Registration results: an AU counts as completed once it met its moveOn (or was waived), passed /
failed from its passed / failed statement, scored from ``result.score``, timed from
``result.duration`` (:mod:`chalicelib.results.xapi`); the registration is their rollup, so it
is completed when the course is satisfied.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.cmi5 import administration, rules, state
from chalicelib.cmi5 import launch as cmi5_launch
from chalicelib.cmi5 import vocabulary as v
from chalicelib.errors import ApiError, Forbidden
from chalicelib.lrs import launch_credentials
from chalicelib.results import progress, xapi
from chalicelib.runtime import launch
from chalicelib.store import registrations as store

if TYPE_CHECKING:
    from chalicelib.lrs.endpoint import Endpoint

#: what cmi5 defined verbs mean for the AU's results (completion follows moveOn instead)
VERBS: dict[str, tuple[str | None, str | None]] = {v.COMPLETED: (None, None), v.PASSED: (None, "PASSED"),
                                                    v.FAILED: (None, "FAILED")}


def _batch(sent: Any, put_id: str | None = None) -> list[Any]:
    batch = list(sent) if isinstance(sent, list) else [sent]
    if put_id is not None and batch and isinstance(batch[0], dict) and "id" not in batch[0]:
        batch[0] = {**batch[0], "id": put_id}
    return batch


def _scope(endpoint: Endpoint) -> tuple[Any, Any]:
    scope = endpoint.launch
    ran = scope.launch if scope is not None else None
    return (scope, ran) if ran is not None and ran.standard == "CMI5" else (None, None)


def check(endpoint: Endpoint, sent: Any, put_id: str | None = None) -> None:
    """403 (the rule's section and requirement) when a statement breaks a cmi5 session rule; the
    refusal goes to the launch's debug log. A session silent for longer than
    :data:`chalicelib.cmi5.launch.ABANDON_SECONDS` is abandoned first."""
    scope, ran = _scope(endpoint)
    if scope is None:
        return
    item = store.get(endpoint.realm_id, ran.registration_id)
    if item is None or int(item.instance) != ran.instance:
        raise Forbidden("The registration of this cmi5 session was deleted or reset.")
    cmi5 = state.of(dict(item.details or {}))
    found = cmi5["sessions"].get(ran.session_id) or {}
    if found.get("state") in state.OPEN and _silent(found):
        try:
            administration.abandon(endpoint.realm_id, ran.registration_id, ran.session_id)
        except ApiError:
            pass  # a sandbox preview, or ended meanwhile: the session is refused below all the same
        cmi5 = state.of(dict((store.get(endpoint.realm_id, ran.registration_id) or item).details or {}))
        found = cmi5["sessions"].get(ran.session_id) or {}
        if found.get("state") in state.OPEN:
            found["state"] = "abandoned"
    session = state.view(cmi5, ran.session_id, scope.registration)
    for index, statement in enumerate(_batch(sent, put_id)):
        if not isinstance(statement, dict):
            continue  # xAPI validation answers 400
        rule = rules.broken_rule(statement, session)
        if rule is not None:
            store.append_log(endpoint.realm_id, ran.registration_id, ran.launch_id, [{
                "t": launch.now().isoformat(), "kind": "statement-refused", "requirement": rule.requirement,
                "section": rule.section, "error": rule.text, "index": index, **xapi.summary(statement)}])
            raise Forbidden(rule.message() + (f" (statements[{index}])" if isinstance(sent, list) else ""))
        session = rules.after(statement, session)


def _silent(found: dict[str, Any]) -> bool:
    last = datetime.fromisoformat(str(found.get("last") or found["launched"]))
    return (launch.now() - last).total_seconds() > cmi5_launch.ABANDON_SECONDS


def track(endpoint: Endpoint, sent: Any, ids: list[str]) -> None:
    """After the LRS stored a cmi5 session's statements (see the module docstring)."""
    scope, ran = _scope(endpoint)
    if scope is None:
        return
    batch = [{**s, "id": i} for s, i in zip(_batch(sent), ids, strict=False) if isinstance(s, dict)]
    for _ in range(launch.COMMIT_RETRIES):
        item = store.get(endpoint.realm_id, ran.registration_id)
        if item is None or int(item.instance) != ran.instance:
            return
        details = dict(item.details or {})
        cmi5 = state.of(details)
        if ran.session_id not in cmi5["sessions"]:
            return
        moment = launch.now()
        session = state.view(cmi5, ran.session_id, scope.registration)
        activity = details.setdefault("activities", {}).setdefault(ran.activity, xapi.new_state())
        log: list[dict[str, Any]] = []
        for statement in batch:
            session = rules.after(statement, session)
            log.append(xapi.take(activity, statement, scope.activity_id, ran.launch_id, moment, verbs=VERBS))
        state.record(cmi5, ran.session_id, session, moment.isoformat())
        state.apply_move_on(details, cmi5)
        made = cmi5_launch.satisfied_statements(item, cmi5, cmi5.get("actor") or {}, ran.session_id, moment)
        details["lastAccess"] = moment.isoformat()
        item.details = details
        progress.roll_up_registration(item, moment)
        try:
            store.write_commit(item, ran.launch_id, {
                "last_update": moment.isoformat(), "completion": item.completion, "success": item.success,
                "score": item.score_scaled, "seconds": float(item.total_seconds or 0),
                "exit_time": moment.isoformat() if session.state == "terminated" else None}, log)
        except store.VersionConflict:
            continue
        if session.state == "terminated":
            launch_credentials.revoke(endpoint.credential_id)
        cmi5_launch.store_lms(endpoint.realm_id, endpoint.lrs_id, made)
        return


def preferences_read(endpoint: Endpoint) -> None:
    """The AU of a cmi5 session read its learner preferences (cmi5 §11), as it must on startup."""
    scope, ran = _scope(endpoint)
    if scope is None:
        return
    for _ in range(launch.COMMIT_RETRIES):
        item = store.get(endpoint.realm_id, ran.registration_id)
        if item is None or int(item.instance) != ran.instance:
            return
        details = dict(item.details or {})
        found = state.of(details)["sessions"].get(ran.session_id)
        if found is None or found.get("preferences"):
            return
        found["preferences"] = True
        item.details = details
        try:
            store.save(item)
        except store.VersionConflict:
            continue
        return
