"""A commit from the browser runtime: parsed, validated with the same tables and API state machine
as the browser's (``Scorm12Api`` / ``Scorm2004Api``), and applied to a registration's progress.

A commit batch carries the attempt id the delivery gave out and a sequence number (1, 2, ...),
and the calls that changed data since the previous batch: ``["set", element, value]``,
``["commit"]`` and ``["finish"]`` (LMSFinish / Terminate). The server

* applies a batch once: a sequence number already applied is acknowledged as a duplicate;
* applies batches in order: a gap is refused (409) and the runtime resends from the gap;
* replays every call through the state machine, and refuses the whole batch (400, with the
  SCORM error code) if one call fails — nothing of it is stored;
* after ``finish`` adds the session time to the total time and applies the LMS's rules
  (RTE 1.2 3.4.4 lesson status from the mastery score; RTE 4.2.26 total time).

BRIEF "Commits are idempotent and ordered". Pure: no storage here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from chalicelib.errors import ApiError, BadRequest, Conflict
from chalicelib.results import progress
from chalicelib.results.runtime_data import RuntimeData
from chalicelib.runtime import delivery
from chalicelib.runtime.api_state import ApiState
from chalicelib.runtime.scorm12_api import Scorm12Api
from chalicelib.runtime.scorm2004_api import Scorm2004Api
from chalicelib.runtime.scorm2004_attempt import Launch2004, continues, shared_stores

if TYPE_CHECKING:
    from datetime import datetime

MAX_OPS = 5000
MAX_LOG = 2000
#: Storage limit of one value: SCORM 2004 stores characterstrings whole past their SPM; no SPM
#: is above 64000 (cmi.suspend_data), so a longer value is refused with 351 (the browser too).
MAX_VALUE_CHARS = 64000
STORAGE_LIMIT_CODE = {True: 405, False: 351}  # SCORM 1.2 has no 351; its types cap lengths (405)


class CommitRejected(ApiError):
    """A call of the batch failed validation; carries its index and SCORM error code."""

    status = HTTPStatus.BAD_REQUEST

    def __init__(self, message: str, *, index: int, code: int) -> None:
        super().__init__(message)
        self.index, self.code = index, code


@dataclass
class Batch:
    attempt_id: str
    seq: int
    activity_id: str
    ops: list[list[str]]
    log: list[Any] = field(default_factory=list)
    unload: bool = False


def parse(body: object) -> Batch:
    """A batch from a JSON body, or 400 naming the field."""
    if not isinstance(body, dict):
        raise BadRequest("The commit must be a JSON object with attemptId, seq, activityId and ops.")
    attempt_id, activity_id, seq, ops = body.get("attemptId"), body.get("activityId"), body.get("seq"), body.get("ops")
    if not isinstance(attempt_id, str) or not 1 <= len(attempt_id) <= 64:
        raise BadRequest("attemptId must be the attempt id the delivery returned.")
    if not isinstance(activity_id, str) or not activity_id:
        raise BadRequest("activityId must name the delivered activity.")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise BadRequest("seq must be a whole number from 1.")
    if not isinstance(ops, list) or len(ops) > MAX_OPS:
        raise BadRequest(f"ops must be a list of at most {MAX_OPS} calls.")
    for index, op in enumerate(ops):
        if not isinstance(op, list) or not op or op[0] not in ("set", "commit", "finish"):
            raise BadRequest(f"ops[{index}] must be [\"set\", element, value], [\"commit\"] or [\"finish\"].")
        if op[0] == "set" and (len(op) != 3 or not all(isinstance(x, str) for x in op[1:])):
            raise BadRequest(f"ops[{index}]: a set is [\"set\", element, value] with two strings.")
    log = body.get("log") or []
    if not isinstance(log, list):
        raise BadRequest("log must be a list of runtime call records.")
    return Batch(attempt_id, seq, activity_id, ops, log[:MAX_LOG], bool(body.get("unload")))


@dataclass
class Outcome:
    """What applying a batch did."""

    duplicate: bool = False
    finished: bool = False
    changed: bool = False


def _api(standard: str, launch: Any, data: RuntimeData) -> Scorm12Api | Scorm2004Api:
    api: Scorm12Api | Scorm2004Api = (Scorm12Api(launch, data) if progress.is_scorm12(standard)
                                      else Scorm2004Api(launch, data))
    api.state = ApiState.RUNNING
    return api


def _replay(api: Scorm12Api | Scorm2004Api, ops: list[list[str]], twelve: bool) -> bool:
    """Apply the calls; True if the batch finished the session. Raises :class:`CommitRejected`."""
    for index, op in enumerate(ops):
        if api.state is ApiState.TERMINATED:
            raise CommitRejected(f"ops[{index}]: the session already finished.", index=index, code=0)
        if op[0] == "set":
            element, value = op[1], op[2]
            if len(value) > MAX_VALUE_CHARS:
                raise CommitRejected(f"ops[{index}]: {element} is {len(value)} characters; the storage limit is "
                                     f"{MAX_VALUE_CHARS}.", index=index, code=STORAGE_LIMIT_CODE[twelve])
            ok = api.LMSSetValue(element, value) if isinstance(api, Scorm12Api) else api.SetValue(element, value)
            if ok != "true":
                raise CommitRejected(f"ops[{index}]: SetValue({element!r}, {value[:80]!r}) failed with error "
                                     f"{api.last_error}: {api.diagnostic}", index=index, code=api.last_error)
        elif op[0] == "finish":
            if isinstance(api, Scorm12Api):
                api.LMSFinish("")
            else:
                api.Terminate("")
    return api.state is ApiState.TERMINATED


def apply(details: dict[str, Any], batch: Batch, learner: dict[str, str], moment: datetime) -> Outcome:
    """Apply ``batch`` to ``details`` (in place). Raises 409 for unknown attempts and gaps."""
    standard = details.get("standard", "")
    state = (details.get("activities") or {}).get(batch.activity_id)
    record = (state or {}).get("seen", {}).get(batch.attempt_id)
    if state is None or record is None:
        raise Conflict(f"Attempt {batch.attempt_id!r} of {batch.activity_id!r} is not known to this registration; "
                       "it may have been reset.")
    if batch.seq <= int(record["seq"]):
        return Outcome(duplicate=True)
    if batch.seq != int(record["seq"]) + 1:
        raise Conflict(f"Commit {batch.seq} arrived before commit {int(record['seq']) + 1}; resend in order.")
    if record.get("done") and any(op[0] != "commit" for op in batch.ops):
        raise Conflict(f"Attempt {batch.attempt_id!r} has already finished.")
    node = progress.leaf(details.get("tree") or {}, batch.activity_id) or {"id": batch.activity_id}
    launch = delivery.launch_values(standard, node, learner, details.get("tree") or {}, details.get("sharedData", {}))
    data = RuntimeData.from_dict(state.get("data"))
    finished = _replay(_api(standard, launch, data), batch.ops, progress.is_scorm12(standard))
    state["data"] = data.to_dict()
    record.update(seq=batch.seq, last=moment.isoformat(), done=bool(record.get("done") or finished),
                  unloaded=batch.unload or bool(record.get("unloaded")))
    progress.remember(state, batch.attempt_id, record)
    progress.refresh(standard, state)
    if finished:
        _after_finish(details, batch.activity_id, standard, launch, data)
    details["lastAccess"] = moment.isoformat()
    return Outcome(finished=finished, changed=bool(batch.ops))


def _after_finish(details: dict[str, Any], activity_id: str, standard: str, launch: Any, data: RuntimeData) -> None:
    """The suspended activity, and SCORM 2004 shared data written by the SCO (RTE 4.3)."""
    if progress.is_scorm12(standard):
        suspended = data.values.get("cmi.core.exit") == "suspend"
    else:
        suspended = continues(data)
        if isinstance(launch, Launch2004):
            details.setdefault("sharedData", {}).update(shared_stores(data, launch))
    if suspended:
        details["suspendedActivityId"] = activity_id
    elif details.get("suspendedActivityId") == activity_id:
        details["suspendedActivityId"] = None
