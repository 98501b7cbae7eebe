"""Durations of the tracking model and the time-based limit conditions (SN Book 4th Ed.).

Tracking model (SN §4.2.1 activity progress information, §4.2.2 attempt progress information):

- *Attempt Absolute Duration*: wall-clock time from the start of the attempt (DB.2 begins it) to
  its end (UP.4), suspended time included; while the attempt is open, up to now.
- *Activity Absolute Duration*: wall-clock time from the start of the first attempt to the end of
  the last one (now while an attempt is open).
- *Attempt Experienced Duration*: the time the learner spent in the attempt, suspended time
  excluded. For a leaf it is what the SCO reports (``cmi.total_time``: the sum of its session
  times, RTE §4.2.26) once it reports one, else the wall-clock time of each session from
  delivery to the end of the session (exit, suspend, abandon). A cluster's is the sum of the
  experienced time of the leaves delivered within its attempt.
- *Activity Experienced Duration*: the sum of the attempts' experienced durations.

Clock times are POSIX seconds of the tree's clock (``Tree.now``, set by the Sequencer from its
injected ``now`` for every request); durations are hundredths of a second, as
:mod:`chalicelib.standards.common.durations` counts them. The engine's processes change only the
active / suspended flags and attempt counts; :func:`account` turns those changes into clock
readings after every request (:func:`snapshot` before it), so the pseudo-code modules stay as
the book writes them.

Limits (SN §3.3, UP.1 steps 4-9): :func:`durations_reached` and :func:`outside_time_range`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.standards.common.durations import parse_xs_datetime, parse_xs_duration

if TYPE_CHECKING:
    from chalicelib.standards.scorm2004.sequencing.state import Node, Tree

#: activity id -> (active, suspended, attempt count) before a request, of the open activities
Snapshot = dict[str, tuple[bool, bool, int]]


def centi(seconds: float) -> int:
    return max(round(seconds * 100), 0)


def snapshot(tree: Tree) -> Snapshot:
    """The activities with an open attempt (active or suspended): only they can end one, and an
    activity not open before a request that is active after it began a new attempt."""
    return {n.id: (n.track.active, n.track.suspended, n.track.attempt_count)
            for n in tree.preorder if n.track.active or n.track.suspended}


def account(tree: Tree, before: Snapshot) -> None:
    """Clock readings for what a request changed: leaf sessions that ended add their time to the
    experienced durations; attempts that began or ended get their start / end time."""
    now = tree.now
    touched = {n.id: n for n in tree.preorder if n.track.active or n.track.suspended}
    touched.update((ident, tree.nodes[ident]) for ident in before if ident not in touched)
    for node in touched.values():  # sessions first: their time belongs to the attempts they were in
        was_active, _, count = before.get(node.id, (False, False, -1))
        track = node.track
        if node.is_leaf and was_active and (not track.active or track.attempt_count != count):
            end_session(node, now)
    for node in touched.values():
        was_active, was_suspended, count = before.get(node.id, (False, False, -1))
        track = node.track
        began = track.active and (track.attempt_count != count if node.id in before else True)
        if began:  # DB.2 began a new attempt
            track.attempt_start, track.attempt_end = now, None
            if track.first_attempt_start is None:
                track.first_attempt_start = now
            track.attempt_experienced, track.experienced_reported = 0, False
        elif (was_active or was_suspended) and not (track.active or track.suspended):
            track.attempt_end = now  # UP.4 (or abandon) ended it
        if node.is_leaf and track.active and (began or not was_active):
            track.session_start = now  # delivered: a session begins


def end_session(node: Node, now: float) -> None:
    """The leaf's session ended: unless the SCO reports its time, the wall-clock time counts."""
    track = node.track
    if track.session_start is None:
        return
    elapsed = centi(now - track.session_start)
    track.session_start = None
    if not track.experienced_reported:
        _add_experienced(node, elapsed)


def report_experienced(node: Node, total: int) -> None:
    """The SCO's ``cmi.total_time`` (hundredths) is the leaf attempt's experienced duration."""
    node.track.experienced_reported = True
    _add_experienced(node, total - node.track.attempt_experienced)


def _add_experienced(node: Node, amount: int) -> None:
    if not amount:
        return
    for activity in node.path_to_root():
        activity.track.attempt_experienced = max(activity.track.attempt_experienced + amount, 0)
        activity.track.activity_experienced = max(activity.track.activity_experienced + amount, 0)


# --- durations (SN §4.2.1, §4.2.2) ------------------------------------------------------------


def attempt_absolute(tree: Tree, node: Node) -> int | None:
    track = node.track
    if track.attempt_start is None:
        return None
    return centi((track.attempt_end if track.attempt_end is not None else tree.now) - track.attempt_start)


def activity_absolute(tree: Tree, node: Node) -> int | None:
    track = node.track
    if track.first_attempt_start is None:
        return None
    return centi((track.attempt_end if track.attempt_end is not None else tree.now) - track.first_attempt_start)


def attempt_experienced(tree: Tree, node: Node) -> int | None:
    """Including the open session of the current leaf (wall clock until the SCO reports)."""
    track = node.track
    if track.attempt_start is None:
        return None
    return track.attempt_experienced + _open_session(tree, node)


def activity_experienced(tree: Tree, node: Node) -> int | None:
    track = node.track
    if track.first_attempt_start is None:
        return None
    return track.activity_experienced + _open_session(tree, node)


def _open_session(tree: Tree, node: Node) -> int:
    """Time of a leaf session still open below (or at) the activity, not yet accounted."""
    current = tree.current
    if current is None or not current.is_leaf or current.track.session_start is None \
            or current.track.experienced_reported or not node.is_ancestor_of(current):
        return 0
    return centi(tree.now - current.track.session_start)


# --- limits (SN §3.3; UP.1 steps 4-9) ---------------------------------------------------------


def _limit(value: str | None) -> int | None:
    try:
        return parse_xs_duration(value) if value else None
    except ValueError:  # the import warned and dropped it; a hand-built definition may not
        return None


def _moment(value: str | None) -> float | None:
    try:
        return parse_xs_datetime(value).timestamp() if value else None
    except ValueError:
        return None


def durations_reached(tree: Tree, node: Node, *, as_rule: bool = False) -> list[str]:
    """The duration limits the activity has reached (>=), by attribute name.

    As UP.1 steps 4-7 (``as_rule`` False): only once the activity has been attempted (Activity
    Progress Status), and the attempt limits only when the attempt's progress is known (Attempt
    Progress Status). As the ``timeLimitExceeded`` rule condition (SN §3.4.2): the current
    attempt's durations, running if the attempt is open, against whichever limits are defined.
    A limit that is not defined is never reached."""
    limits = node.seq.limit_conditions
    track = node.track
    if not as_rule and not track.activity_progress_status:
        return []
    checks = (
        ("activityAbsoluteDurationLimit", limits.activity_absolute_duration_limit, activity_absolute, False),
        ("activityExperiencedDurationLimit", limits.activity_experienced_duration_limit,
         activity_experienced, False),
        ("attemptAbsoluteDurationLimit", limits.attempt_absolute_duration_limit, attempt_absolute, True),
        ("attemptExperiencedDurationLimit", limits.attempt_experienced_duration_limit,
         attempt_experienced, True),
    )
    reached = []
    for name, raw, duration, of_attempt in checks:
        limit = _limit(raw)
        if limit is None or (of_attempt and not as_rule and not track.attempt_progress_status):
            continue
        value = duration(tree, node)
        if value is not None and value >= limit:
            reached.append(name)
    return reached


def outside_time_range(tree: Tree, node: Node) -> str | None:
    """UP.1 steps 8-9 / the ``outsideAvailableTimeRange`` condition: ``beginTimeLimit`` when
    now is before it, ``endTimeLimit`` when now is after it, else None (also with no limits)."""
    limits = node.seq.limit_conditions
    begin, end = _moment(limits.begin_time_limit), _moment(limits.end_time_limit)
    if begin is not None and tree.now < begin:
        return "beginTimeLimit"
    if end is not None and tree.now > end:
        return "endTimeLimit"
    return None
