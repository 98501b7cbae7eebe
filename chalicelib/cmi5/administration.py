"""What an administrator (or an integration, through the API) does to a registration's cmi5
state outside any AU session: waive an AU (cmi5 §9.3.7) and abandon a session (§9.3.6)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from chalicelib.cmi5 import launch as cmi5_launch
from chalicelib.cmi5 import state
from chalicelib.cmi5 import statements as lms
from chalicelib.cmi5 import vocabulary as v
from chalicelib.errors import BadRequest, Conflict, NotFound
from chalicelib.lrs import launch_credentials
from chalicelib.results import progress, xapi
from chalicelib.runtime import launch
from chalicelib.store import registrations as store

if TYPE_CHECKING:
    from datetime import datetime

MAX_REASON = 255


def registration(realm_id: str, registration_id: str) -> Any:
    item = store.get(realm_id, registration_id)
    if item is None or item.sandbox:
        raise NotFound(f"Registration {registration_id!r} does not exist.")
    if (item.details or {}).get("standard") != "CMI5":
        raise BadRequest(f"Registration {registration_id!r} is not of a cmi5 course.")
    return item


def au_id_of(details: dict[str, Any], body: dict[str, Any]) -> str:
    """``auId`` (the AU's id in cmi5.xml) or ``auIndex`` (0-based, course structure order)."""
    aus = [n for n in progress.leaves(details.get("tree") or {}) if n.get("statements")]
    if isinstance(body.get("auId"), str):
        if not any(n["id"] == body["auId"] for n in aus):
            raise NotFound(f"auId: the course has no AU {body['auId']!r}.")
        return str(body["auId"])
    index = body.get("auIndex")
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(aus):
        raise BadRequest(f"auId or auIndex is required: an AU id or an index from 0 to {len(aus) - 1}.")
    return str(aus[index]["id"])


def launchable(item: Any, body: dict[str, Any], mode: str | None) -> str:
    """The AU a launch asks for, refused before anything is stored when it is unknown (404) or
    waived and asked in Normal mode (409); a refusal goes to the latest launch's debug log."""
    details = dict(item.details or {})
    try:
        au_id = au_id_of(details, body)
        cmi5_launch.choose_mode(state.of(details), progress.leaf(details["tree"], au_id) or {}, mode)
        if (state.of(details)["aus"].get(au_id) or {}).get("waived") and mode == "Normal":
            raise Conflict(f"AU {au_id!r} was waived (cmi5 §9.3.7); launch it in Browse or Review mode.")
    except (BadRequest, NotFound, Conflict) as err:
        launches = store.launches(item.realm_id, item.registration_id)
        if launches:
            store.append_log(item.realm_id, item.registration_id, launches[-1].launch_id, [
                {"t": launch.now().isoformat(), "kind": "launch-refused", "error": err.message,
                 "request": {k: body.get(k) for k in ("auId", "auIndex", "launchMode")}}])
        raise
    return au_id


def _lrs(cmi5: dict[str, Any], fallback: str) -> str:
    """The LRS the registration's launches used (the latest), else ``fallback``."""
    for found in reversed(list(cmi5["sessions"].values())):
        if found.get("lrs"):
            return str(found["lrs"])
    return fallback


def _save(item: Any, moment: datetime, log: list[dict[str, Any]]) -> bool:
    changed = progress.roll_up_registration(item, moment)
    launches = store.launches(item.realm_id, item.registration_id)
    if launches:
        store.write_commit(item, launches[-1].launch_id, {"last_update": moment.isoformat()}, log)
    else:
        store.save(item)
    return changed


def waive(realm_id: str, registration_id: str, body: object, *, lrs_id: str | None = None) -> dict[str, Any]:
    """POST .../cmi5/waive {auId | auIndex, reason}: the AU counts as having met its moveOn. The
    statements go to the LRS of the registration's latest launch, else ``lrs_id`` (the calling
    app's), else the realm's."""
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object: {auId or auIndex, reason}.")
    reason = body.get("reason", "Administrative")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON:
        raise BadRequest(f"reason must be a string of 1-{MAX_REASON} characters, "
                         f"e.g. one of {', '.join(v.WAIVE_REASONS)}.")
    for _ in range(launch.COMMIT_RETRIES):
        item = registration(realm_id, registration_id)
        details = dict(item.details or {})
        au_id = au_id_of(details, body)
        cmi5 = state.of(details)
        record = cmi5["aus"].setdefault(au_id, {})
        if record.get("waived"):
            raise Conflict(f"AU {au_id!r} is already waived in this registration (cmi5 §9.3.7: once per AU).")
        moment = launch.now()
        node = progress.leaf(details["tree"], au_id)
        au = cmi5_launch.au_of(item, node)  # type: ignore[arg-type]
        actor = cmi5.get("actor") or launch_credentials.learner_agent(dict(item.learner or {}), cmi5_launch.base_url())
        cmi5["actor"] = actor
        session_id = str(uuid.uuid4())
        record["waived"] = True
        made = [lms.waived(lms.Who(actor, cmi5_launch.xapi_registration(item), session_id), au, reason, moment)]
        made += cmi5_launch.satisfied_statements(item, cmi5, actor, session_id, moment)
        activity = details.setdefault("activities", {}).setdefault(au_id, xapi.new_state())
        activity.update(completion="COMPLETED", success="PASSED")
        state.apply_move_on(details, cmi5)
        item.details = details
        try:
            _save(item, moment, [{"t": moment.isoformat(), "kind": "waived", "activityId": au_id,
                                  "reason": reason, "sessionId": session_id}])
        except store.VersionConflict:
            continue
        cmi5_launch.store_lms(realm_id, _lrs(cmi5, lrs_id or realm_id), made)
        return {"auId": au_id, "sessionId": session_id, "activityId": au.activity_id}
    raise Conflict("The registration kept changing; try again.")


def abandon(realm_id: str, registration_id: str, session_id: str) -> dict[str, Any]:
    """POST .../cmi5/sessions/{sessionId}/abandon: end an open session as abandoned (§9.3.6)."""
    for _ in range(launch.COMMIT_RETRIES):
        item = registration(realm_id, registration_id)
        details = dict(item.details or {})
        cmi5 = state.of(details)
        found = cmi5["sessions"].get(session_id)
        if found is None:
            raise NotFound(f"Registration {registration_id!r} has no cmi5 session {session_id!r}.")
        if found.get("state") not in state.OPEN:
            raise Conflict(f"Session {session_id!r} is already {found.get('state')} (cmi5 §9.3.6: at most one "
                           "abandoned statement per session).")
        moment = launch.now()
        made, ended = cmi5_launch.abandon_open(item, cmi5, moment, only=session_id)
        item.details = details
        try:
            _save(item, moment, [{"t": moment.isoformat(), "kind": "abandoned", "sessionId": session_id}])
        except store.VersionConflict:
            continue
        for key in ended:
            launch_credentials.revoke(key)
        cmi5_launch.store_lms(realm_id, str(found.get("lrs") or realm_id), made)
        return {"sessionId": session_id, "state": "abandoned"}
    raise Conflict("The registration kept changing; try again.")
