"""SCORM 2004 courses delivered by the sequencer, seen through API v2 as a user sees them: the
registration's results are the sequencer's rollup of the root (SN §4.6), not the default rollup
over the SCOs' data; Exit All ends the course attempt (the next launch starts a new attempt on the
root, fresh tracking) and Suspend All resumes it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.builders.sequenced_courses import rollup_rules_2004_zip
from tests.integration.registration_world import Player, create, import_course, launch_link, registration_events

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials


def _registration(client: Any, realm: RealmCredentials, registration_id: str) -> dict[str, Any]:
    got = client.http.get(f"/api/v2/registrations/{registration_id}?includeChildResults=true", headers=realm.basic)
    assert got.status_code == 200, got.body
    return got.json_body  # type: ignore[no-any-return]


def _finish(player: Player, delivered: dict[str, Any], status: dict[str, str], request: str = "continue") -> None:
    ops = [["set", f"cmi.{name}", value] for name, value in status.items()]
    done = player.commit(delivered, [*ops, ["set", "cmi.session_time", "PT30S"],
                                     ["set", "adl.nav.request", request], ["finish"]])
    assert done.status_code == 200, done.body


def test_results_are_the_sequencers_rollup_not_the_default(client, realm) -> None:
    import_course(client, realm.basic, rollup_rules_2004_zip(), "any")
    create(client, realm.basic, "r1", "any")
    player = Player(client, launch_link(client, realm.basic, "r1"))
    one = player.deliver()  # Start
    assert one["activityId"] == "item_1"
    _finish(player, one, {"completion_status": "completed", "success_status": "passed", "score.scaled": "0.9",
                          "progress_measure": "1"})
    # at the commit already: one satisfied, completed child satisfies and completes the root
    # ("any" rules); the default rollup would wait for every SCO
    shown = _registration(client, realm, "r1")
    assert (shown["registrationCompletion"], shown["registrationSuccess"], shown["score"]) == (
        "COMPLETED", "PASSED", {"scaled": 90.0})

    two = player.post("deliver", {"navRequest": "continue"}).json_body
    assert two["activityId"] == "item_2"
    _finish(player, two, {"completion_status": "incomplete", "success_status": "failed", "score.scaled": "0.2",
                          "progress_measure": "0.5"})
    three = player.post("deliver", {"navRequest": "continue"}).json_body
    assert three["activityId"] == "item_3"  # not tracked: what it reports counts for nothing
    _finish(player, three, {"completion_status": "incomplete", "success_status": "failed", "score.scaled": "0",
                            "progress_measure": "0"}, request="exitAll")
    ended = player.post("deliver", {"navRequest": "exitAll"}).json_body
    assert ended["sequencing"]["ended"] is True

    shown = _registration(client, realm, "r1")
    # default rollup: INCOMPLETE / FAILED / mean score 36.67; the sequencer: any child -> root
    assert shown["registrationCompletion"] == "COMPLETED"
    assert shown["registrationSuccess"] == "PASSED"
    assert shown["score"] == {"scaled": 90.0}  # item_2 weighs 0, item_3 is not tracked
    assert shown["totalSecondsTracked"] == 90.0  # time is still every SCO's
    assert shown["registrationCompletionAmount"] == 0.75  # RB.1.1b: (1 + 0.5) / 2; default 1/3 SCOs
    root = shown["activityDetails"]
    assert (root["activityCompletion"], root["activitySuccess"], root["score"]) == (
        "COMPLETED", "PASSED", {"scaled": 90.0})
    assert root["completionAmount"] == {"scaled": 75.0}
    item_2, item_3 = root["children"][1], root["children"][2]
    assert (item_2["activityCompletion"], item_2["activitySuccess"]) == ("INCOMPLETE", "FAILED")
    assert item_3["activitySuccess"] == "FAILED"  # not tracked: shown as the SCO reported it
    last = [e for e in registration_events() if e["registrationId"] == "r1"][-1]
    assert (last["completion"], last["success"], last["score"]) == ("COMPLETED", "PASSED", 90.0)
    history = client.http.get("/api/v2/registrations/r1/launchHistory", headers=realm.basic).json_body
    assert history["launchHistory"][0]["completionStatus"] == "COMPLETED"


def test_exit_all_then_relaunch_starts_a_new_attempt_on_the_root(client, realm) -> None:
    import_course(client, realm.basic, rollup_rules_2004_zip(), "any")
    create(client, realm.basic, "r2", "any")
    player = Player(client, launch_link(client, realm.basic, "r2"))
    one = player.deliver()
    player.commit(one, [["set", "cmi.location", "slide-9"], ["set", "cmi.exit", "suspend"],
                        ["set", "cmi.completion_status", "completed"], ["set", "cmi.success_status", "passed"],
                        ["set", "cmi.session_time", "PT1M"], ["finish"]])
    ended = player.post("deliver", {"navRequest": "exitAll"}).json_body  # the player's Exit All button
    assert ended["sequencing"]["ended"] is True
    shown = _registration(client, realm, "r2")
    assert (shown["registrationSuccess"], shown["totalSecondsTracked"]) == ("PASSED", 60.0)

    again = Player(client, launch_link(client, realm.basic, "r2")).deliver()
    # a new attempt on the root: fresh tracking, so the SCO starts a new attempt too, even
    # though it had set cmi.exit=suspend before Exit All ended every attempt
    assert again["activityId"] == "item_1"
    assert again["data"]["values"]["cmi.entry"] == "ab-initio"
    assert "cmi.location" not in again["data"]["values"]
    shown = _registration(client, realm, "r2")
    assert (shown["registrationCompletion"], shown["registrationSuccess"]) == ("INCOMPLETE", "UNKNOWN")
    assert shown["activityDetails"]["children"][0]["attempts"] == 2
    assert shown["totalSecondsTracked"] == 60.0  # the ended attempt's minute stays tracked


def test_suspend_all_from_the_player_resumes_the_attempt(client, realm) -> None:
    import_course(client, realm.basic, rollup_rules_2004_zip(), "any")
    create(client, realm.basic, "r3", "any")
    player = Player(client, launch_link(client, realm.basic, "r3"))
    one = player.deliver()
    two_started = player.commit(one, [["set", "adl.nav.request", "continue"], ["finish"]])
    assert two_started.status_code == 200
    two = player.post("deliver", {"navRequest": "continue"}).json_body
    # the learner presses Suspend while the SCO runs: it never set cmi.exit
    player.commit(two, [["set", "cmi.location", "page-2"], ["set", "cmi.completion_status", "incomplete"]])
    assert player.post("deliver", {"navRequest": "suspendAll"}).json_body["sequencing"]["ended"] is True

    again = Player(client, launch_link(client, realm.basic, "r3")).deliver()  # Resume All
    assert again["activityId"] == "item_2"
    assert again["data"]["values"]["cmi.entry"] == "resume"
    assert again["data"]["values"]["cmi.location"] == "page-2"
    assert _registration(client, realm, "r3")["activityDetails"]["children"][1]["attempts"] == 1
