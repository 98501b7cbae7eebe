"""How a registration counts in Reportage, and how a change moves the counters.

A registration's *contribution* depends only on the registration as stored, so a report always
equals a recomputation from the registrations table (tests/property/test_reportage_property.py):

==============================  ===========================================================
counter                         counted on the UTC day of
==============================  ===========================================================
``registrations``               its creation (``created``)
``completions``                 its completion (``completedDate``), if COMPLETED
``passes`` / ``failures``       its results day: completion day if completed, else creation
``score_sum``, ``score_count``,  its results day, if it has a score (``score_scaled``, 0–100),
``h0``…``h9``                   ``h{n}`` the score's tenth (100 in ``h9``)
``seconds``                     its results day: total time tracked
==============================  ===========================================================

for each dimension it belongs to: ``all`` (the realm), ``course``, ``learner``, and — when the
registration carries them — ``invitation``, ``destination`` (dispatch) and ``app``. Sandbox
(preview) registrations never count. A change (old → new image) adds ``contribution(new) −
contribution(old)``: however changes are repeated or reordered, applied once each they add up to
the contribution of the registration as it is now (a removal takes it out).

**Learners are pseudonymous here** (GDPR Art. 4(5), Art. 17): the learner dimension is keyed by
:func:`learner_key`, an HMAC of realm and learner id under the deployment's key (never the id),
and the learner's id and name live only in that key's entry (``label``/``ref``), so a report can
still find "this learner's" counters by computing the key. Erasing a learner
(:mod:`chalicelib.learner_erasure`) first marks each of their registrations erased (``details
.erased``) and then deletes them: a change *to* an erased image, or the removal *of* one, moves
no counter — the erasure freezes what the registration had counted (the realm's, courses',
invitations'… counts stay; only counts) — and the learner's own entry and counters are dropped
(:func:`forget_learner`). Changes of those registrations still in flight are kept out of the
learner dimension by the entry's erasure time (:func:`chalicelib.store.aggregates.apply`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from chalicelib import vault
from chalicelib.store import aggregates as store

if TYPE_CHECKING:
    from chalicelib.store.changes import TableChange

DIMENSIONS = ("all", "course", "learner", "invitation", "destination", "app")
Key = tuple[str, str, str]  # (dimension, key, day)


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _day(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC).date().isoformat()
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).date().isoformat()
        except ValueError:
            return None
    return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, Decimal | int | float) and not isinstance(value, bool) else None


def learner_key(realm_id: str, learner_id: str) -> str:
    """The learner dimension's key of a learner: a pseudonym, never the id itself."""
    return vault.pseudonym(learner_id, f"reportage-learner:{realm_id}")


def stored_key(realm_id: str, dimension: str, key: str) -> str:
    """The key a report's ``key`` (a course, learner, invitation… id) is counted under."""
    return learner_key(realm_id, key) if dimension == "learner" else key


def erased(image: dict[str, Any]) -> bool:
    """An image of a registration its learner's erasure marked (about to be deleted)."""
    return bool(image) and bool(_json(image.get("details")).get("erased"))


def memberships(image: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """dimension → (key, label) of a registration image (the learner's key a pseudonym)."""
    details, learner = _json(image.get("details")), _json(image.get("learner"))
    found = {"all": ("-", ""), "course": (str(image.get("course_id") or ""), str(details.get("courseTitle") or ""))}
    name = " ".join(p for p in (learner.get("firstName"), learner.get("lastName")) if p)
    if learner.get("id"):
        found["learner"] = (learner_key(str(image.get("realm_id") or ""), str(learner["id"])), name)
    for dimension, field in (("invitation", "invitationId"), ("destination", "destinationId"), ("app", "appId")):
        if details.get(field):
            found[dimension] = (str(details[field]), "")
    return {d: v for d, v in found.items() if v[0]}


def contribution(image: dict[str, Any]) -> dict[Key, dict[str, float]]:
    """What a registration (a registrations-table image) adds to the counters."""
    if not image or image.get("sk") != "REG" or image.get("sandbox") or not image.get("realm_id"):
        return {}
    created = _day(image.get("created"))
    if created is None:
        return {}
    details = _json(image.get("details"))
    completed = image.get("completion") == "COMPLETED"
    results_day = (_day(details.get("completedDate")) if completed else None) or created
    on_created: dict[str, float] = {"registrations": 1}
    on_results: dict[str, float] = {"seconds": round(_number(image.get("total_seconds")) or 0.0, 2)}
    if completed:
        on_results["completions"] = 1
    success = image.get("success")
    on_results["passes"], on_results["failures"] = float(success == "PASSED"), float(success == "FAILED")
    score = _number(image.get("score_scaled"))
    if score is not None:
        on_results.update(score_sum=round(score, 4), score_count=1)
        on_results[f"h{min(9, max(0, int(score // 10)))}"] = 1
    out: dict[Key, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for dimension, (key, _label) in memberships(image).items():
        for day, counters in ((created, on_created), (results_day, on_results)):
            for name, amount in counters.items():
                if amount:
                    out[(dimension, key, day)][name] += amount
    return {k: dict(v) for k, v in out.items()}


def delta(old: dict[str, Any], new: dict[str, Any]) -> dict[Key, dict[str, float]]:
    """``contribution(new) − contribution(old)``, zeros left out; nothing for the erasure's own
    writes (a change to an erased image, the removal of one)."""
    if erased(new) or (not new and erased(old)):
        return {}
    out: dict[Key, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for sign, image in ((-1, old), (1, new)):
        for key, counters in contribution(image).items():
            for name, amount in counters.items():
                out[key][name] += sign * amount
    return {k: {n: round(a, 4) for n, a in v.items() if round(a, 4)} for k, v in out.items()
            if any(round(a, 4) for a in v.values())}


def entry(change: TableChange) -> store.Change | None:
    """What a registrations-table change adds, keyed on the item's version; None if nothing. A
    change of names only (learner ``updateInfo``) renames the entries."""
    if change.keys.get("sk") != "REG":
        return None
    moved = delta(change.old, change.new)
    renamed = bool(change.old and contribution(change.new)) and not erased(change.new) \
        and memberships(change.old) != memberships(change.new)  # updateInfo: the learner's new name
    if not moved and not renamed:
        return None
    image = change.new or change.old
    version = (change.new or {}).get("version")
    change_id = (f"{change.keys['pk']}#v{version}" if change.new
                 else f"{change.keys['pk']}#removed#v{(change.old or {}).get('version')}")
    found = memberships(image)
    labels = {(d, key): label for d, (key, label) in found.items() if d != "all"}
    learner = _json(image.get("learner"))
    guarded = {("learner", found["learner"][0]): (str(learner["id"]), str(image.get("created") or ""))} \
        if "learner" in found else {}
    return store.Change(change_id, str(image["realm_id"]), moved, labels, guarded)


def apply_change(change: TableChange) -> bool:
    """A registrations-table change into the aggregates, once (keyed on the item's version)."""
    return apply_changes([change])[0]


def apply_changes(changes: list[TableChange]) -> list[bool]:
    """Several changes (a stream batch) in as few transactions as DynamoDB allows; True for each
    change applied now."""
    return apply_entries([entry(change) for change in changes])


def apply_entries(entries: list[store.Change | None]) -> list[bool]:
    """:func:`chalicelib.store.aggregates.apply_many` of the entries that are not None; False for
    the others."""
    present = [(n, entry) for n, entry in enumerate(entries) if entry is not None]
    results = [False] * len(entries)
    for (n, _e), applied in zip(present, store.apply_many([e for _n, e in present]), strict=True):
        results[n] = applied
    return results


def forget_learner(realm_id: str, learner_id: str) -> int:
    """Drop a learner's own Reportage entry (name, id) and counters; the counters of every other
    dimension keep what their registrations counted. The number of items removed."""
    return store.forget(realm_id, "learner", learner_key(realm_id, learner_id))
