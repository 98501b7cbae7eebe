"""Time limits through the player (SN Book 4th Ed. UP.1, SN §4.2.2): the SCO's reported time
becomes the attempt's experienced duration, and an activity whose attempt took longer than its
limit is not attempted again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.builders import course_zip as cz
from tests.integration.registration_world import Player, create, import_course, launch_link

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials


def test_a_quiz_that_took_longer_than_its_limit_is_not_attempted_again(client: Any, realm: RealmCredentials) -> None:
    import_course(client, realm.basic, cz.timed_quiz_2004_zip(), "timed")
    create(client, realm.basic, "t1", "timed")
    player = Player(client, launch_link(client, realm.basic, "t1"))
    quiz = player.deliver()  # Start
    assert quiz["activityId"] == "quiz"
    assert quiz["data"]["values"]["cmi.max_time_allowed"] == "PT30M"  # RTE 4.2.13 from the limit
    done = player.commit(quiz, [["set", "cmi.completion_status", "completed"], ["set", "cmi.session_time", "PT15M"],
                                ["set", "adl.nav.request", "continue"], ["finish"]])
    assert done.status_code == 200, done.body
    review = player.post("deliver", {"navRequest": "continue"}).json_body
    assert review["activityId"] == "review"
    again = player.post("deliver", {"navRequest": "choice", "target": "quiz"})
    assert again.status_code == 200 and "activityId" not in again.json_body  # 15 minutes >= 10: refused
    assert again.json_body["sequencing"]["refused"]


def test_a_quiz_within_its_limit_may_be_taken_again(client: Any, realm: RealmCredentials) -> None:
    import_course(client, realm.basic, cz.timed_quiz_2004_zip(), "timed")
    create(client, realm.basic, "t2", "timed")
    player = Player(client, launch_link(client, realm.basic, "t2"))
    quiz = player.deliver()
    player.commit(quiz, [["set", "cmi.completion_status", "completed"], ["set", "cmi.session_time", "PT4M"],
                         ["set", "adl.nav.request", "continue"], ["finish"]])
    assert player.post("deliver", {"navRequest": "continue"}).json_body["activityId"] == "review"
    again = player.post("deliver", {"navRequest": "choice", "target": "quiz"}).json_body
    assert again["activityId"] == "quiz"
