"""The HACP wire format and data model (AICC CMI001 v4, HACP): requests, answers, ``aicc_data``
groups and files, and every command's effect on an AU's SCORM 1.2 run-time data — pure, no AWS."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pytest

from chalicelib.aicc import commands, datamodel, files, protocol
from chalicelib.aicc.errors import ERRORS, HacpError
from chalicelib.runtime.scorm12_attempt import Launch12, new_attempt

if TYPE_CHECKING:
    from chalicelib.results.runtime_data import RuntimeData

#: A GetParam-style exchange in the shape of CMI001's HACP examples (our own values).
PUT_PARAM = """[core]
Lesson_Location = 87,2,4
lesson_status = c , s
score = 0.8, 1 ,0
time = 00:25:30
[Core_Lesson]
r=1,2,3
free text line
[Comments]
<1>The content was clear.<e.1>
[Objectives_Status]
J_ID.1 = obj_1
J_Status.1 = P
J_Score.1 = 0.9
J_ID.2 = obj_2
J_Status.2 = Incomplete
[Student_Preferences]
Audio = -1
Language = French
Speed = 50
Text = 1
Window.1 = main
"""


def _data() -> RuntimeData:
    return new_attempt(Launch12(student_id="1234", student_name="Smith, Pat", launch_data="vendor stuff",
                                mastery_score="75", max_time_allowed="00:30:00", time_limit_action="exit,message"))


def test_the_error_table_is_cmi001s() -> None:
    assert ERRORS == {0: "Successful", 1: "Invalid Command", 2: "Invalid AU password", 3: "Invalid Session ID"}


def test_requests_are_read_with_any_field_case() -> None:
    body = urlencode({"Command": "GetParam", "VERSION": "3.5", "session_id": " abc ", "AICC_Data": "", "x": "y"})
    assert protocol.parse_request(body.encode()) == protocol.Request("GetParam", "3.5", "abc", "", "")
    assert protocol.parse_request(b"command=ExitAU").session_id == ""
    with pytest.raises(HacpError) as refused:
        protocol.parse_request(b"a" * (protocol.MAX_BODY + 1))
    assert refused.value.code == 1


def test_answers_end_with_aicc_data() -> None:
    assert protocol.answer(3) == "error=3\r\nerror_text=Invalid Session ID\r\nversion=4.0\r\n"
    assert protocol.answer(0, "[Core]\r\n") == "error=0\r\nerror_text=Successful\r\nversion=4.0\r\naicc_data=[Core]\r\n"


def test_groups_and_keywords_are_case_insensitive_and_free_form_groups_keep_their_text() -> None:
    groups = protocol.parse_groups(PUT_PARAM.replace("\n", "\r\n"))
    assert set(groups) == {"core", "core_lesson", "comments", "objectives_status", "student_preferences"}
    assert groups["core"].keywords == {"lesson_location": "87,2,4", "lesson_status": "c , s", "score": "0.8, 1 ,0",
                                       "time": "00:25:30"}
    assert groups["core_lesson"].text == "r=1,2,3\r\nfree text line"
    assert groups["comments"].text == "<1>The content was clear.<e.1>"
    assert protocol.parse_groups("\r\n; a comment line is not text\r\n") == {}


@pytest.mark.parametrize("bad", ["Lesson_Status=passed", "[Core]\nLesson_Status", "[Core]\n=passed",
                                 "[Core]\nTime=00:01:00\nTIME=00:02:00"])
def test_malformed_groups_are_refused(bad: str) -> None:
    with pytest.raises(HacpError) as refused:
        protocol.parse_groups(bad)
    assert refused.value.code == 1 and refused.value.text == "Invalid Command"


def test_put_param_maps_onto_scorm12_data() -> None:
    data = _data()
    sets = datamodel.put_param(protocol.parse_groups(PUT_PARAM), data)
    v = data.values
    assert (v["cmi.core.lesson_location"], v["cmi.core.lesson_status"], v["cmi.core.exit"]) == (
        "87,2,4", "completed", "suspend")
    assert (v["cmi.core.score.raw"], v["cmi.core.score.max"], v["cmi.core.score.min"]) == ("0.8", "1", "0")
    assert v["cmi.core.session_time"] == "00:25:30" and v["cmi.suspend_data"] == "r=1,2,3\r\nfree text line"
    assert v["cmi.comments"] == "<1>The content was clear.<e.1>"
    assert data.counts["cmi.objectives"] == 2
    assert (v["cmi.objectives.0.id"], v["cmi.objectives.0.status"], v["cmi.objectives.0.score.raw"]) == (
        "obj_1", "passed", "0.9")
    assert v["cmi.objectives.1.status"] == "incomplete"
    assert (v["cmi.student_preference.audio"], v["cmi.student_preference.language"],
            v["cmi.student_preference.speed"], v["cmi.student_preference.text"]) == ("-1", "French", "50", "1")
    assert "cmi.core.student_id" not in sets  # the LMS's keywords are not the AU's to write
    # the same objective id again updates it, a score may be cleared, a status without flag clears exit
    datamodel.put_param(protocol.parse_groups("[Objectives_Status]\nJ_ID.1=obj_2\nJ_Status.1=f\n"
                                              "[Core]\nScore=\nLesson_Status=incomplete"), data)
    assert data.counts["cmi.objectives"] == 2 and v["cmi.objectives.1.status"] == "failed"
    assert v["cmi.core.score.raw"] == "" and v["cmi.core.exit"] == ""


@pytest.mark.parametrize("bad", [
    "[Core]\nLesson_Status=done", "[Core]\nLesson_Status=passed,later", "[Core]\nScore=1,2,3,4",
    "[Core]\nScore=high", "[Core]\nTime=1:00", "[Core]\nLesson_Location=" + "x" * 256,
    "[Objectives_Status]\nJ_Status.1=passed", "[Objectives_Status]\nJ_Whatever.1=x",
    "[Objectives_Status]\nJ_ID.1=a\nJ_Status.1=great", "[Student_Preferences]\nAudio=101",
    "[Student_Preferences]\nText=2", "[Core_Lesson]\n" + "x" * 64001,
])
def test_put_param_refuses_bad_values_and_applies_nothing(bad: str) -> None:
    data = _data()
    before = data.to_dict()
    with pytest.raises(HacpError) as refused:
        datamodel.put_param(protocol.parse_groups("[Core]\nLesson_Location=changed\n" + bad
                                                  if not bad.startswith("[Core]") else bad), data)
    assert refused.value.code == 1
    assert data.to_dict() == before


def test_get_param_renders_the_au_starting_data() -> None:
    data = _data()
    text = datamodel.get_param(data, "COURSE1")
    lines = text.split("\r\n")
    assert lines[:9] == ["[Core]", "Student_ID=1234", "Student_Name=Smith, Pat", "Lesson_Location=",
                         "Credit=credit", "Lesson_Status=not attempted,ab-initio", "Score=", "Time=0000:00:00.00",
                         "Lesson_Mode=normal"]
    for line in ("[Core_Lesson]", "[Core_Vendor]", "vendor stuff", "[Evaluation]", "Course_ID=COURSE1",
                 "[Student_Data]", "Mastery_Score=75", "Max_Time_Allowed=00:30:00", "Time_Limit_Action=exit,message"):
        assert line in lines
    assert "[Objectives_Status]" not in lines
    datamodel.put_param(protocol.parse_groups(PUT_PARAM), data)
    data.values["cmi.core.entry"] = "resume"
    lines = datamodel.get_param(data, "COURSE1").split("\r\n")
    assert "Lesson_Status=completed,resume" in lines and "Score=0.8,1,0" in lines
    assert ["J_ID.2=obj_2", "J_Score.2=", "J_Status.2=incomplete"] == lines[lines.index("J_ID.2=obj_2"):][:3]
    assert "Language=French" in lines


INTERACTIONS = ('"course_id","student_id","lesson_id","date","time","interaction_id","objective_id",'
                '"type_interaction","correct_response","student_response","result","weighting","latency"\n'
                '"C1","1234","L1","2026/03/02","10:04:31","Q1","obj_1","C","a","a","C","1","00:00:08"\n'
                '"C1","1234","L1","2026/03/02","10:05:02","Q2","","numeric","42","41.5","0.5","2",""\n')


def test_put_interactions_become_scorm12_interactions() -> None:
    data = _data()
    assert files.interactions(data, INTERACTIONS) == {"records": 2}
    v = data.values
    assert data.counts["cmi.interactions"] == 2
    assert (v["cmi.interactions.0.id"], v["cmi.interactions.0.type"], v["cmi.interactions.0.result"],
            v["cmi.interactions.0.time"], v["cmi.interactions.0.latency"]) == ("Q1", "choice", "correct", "10:04:31",
                                                                                "00:00:08")
    assert v["cmi.interactions.0.objectives.0.id"] == "obj_1"
    assert v["cmi.interactions.0.correct_responses.0.pattern"] == "a"
    assert (v["cmi.interactions.1.type"], v["cmi.interactions.1.result"]) == ("numeric", "0.5")
    assert "cmi.interactions.1.objectives.0.id" not in v
    files.interactions(data, INTERACTIONS)  # interactions are a journal: appended
    assert data.counts["cmi.interactions"] == 4


@pytest.mark.parametrize("bad", [
    '"interaction_id","type_interaction"\n"Q1","essay"', '"interaction_id","result"\n"Q1","right"',
    '"interaction_id","time"\n"Q1","noon"', '"interaction_id","weighting"\n"Q1","heavy"',
    '"interaction_id","latency"\n"Q1","8 s"', '"interaction_id","result"\n"","C"', '"interaction_id"\n"Q1","x"',
    '"interaction_id"', "", '"interaction_id","interaction_id"\n"a","b"', '"interaction_id"\n"Q1\n',
])
def test_bad_interaction_files_are_refused_whole(bad: str) -> None:
    data = _data()
    before = data.to_dict()
    with pytest.raises(HacpError) as refused:
        files.interactions(data, bad)
    assert refused.value.code == 1 and data.to_dict() == before


def test_put_objectives_comments_path_and_performance() -> None:
    data = _data()
    files.objectives(data, '"course_id","j_id","j_score","j_status"\n"C1","obj_1","80,100,0","p"\n'
                           '"C1","obj_2","","i"\n')
    assert data.values["cmi.objectives.0.score.max"] == "100" and data.values["cmi.objectives.1.status"] == "incomplete"
    files.comments(data, '"course_id","comment"\n"C1","one"\n"C1","two"\n')
    files.comments(data, '"course_id","comment"\n"C1","three"\n')
    assert data.values["cmi.comments"] == "one\r\ntwo\r\nthree"
    state: dict = {}
    files.journal(state, "path", '"lesson_id","element_location","status","why_left","time_in_element"\n'
                                 '"L1","p1","C","N","00:01:00"\n', "PutPath")
    files.journal(state, "performance", '"lesson_id","step_id","response"\n"L1","s1","ok"\n', "PutPerformance")
    assert state["hacp"]["path"] == [{"lesson_id": "L1", "element_location": "p1", "status": "C", "why_left": "N",
                                      "time_in_element": "00:01:00"}]
    assert state["hacp"]["performance"][0]["response"] == "ok"


def test_exit_au_closes_the_session_with_scorm12s_rules() -> None:
    data = _data()
    datamodel.put_param(protocol.parse_groups("[Core]\nScore=80\nTime=00:10:00\nLesson_Status=incomplete"), data)
    found = commands.Attempt({"data": data.to_dict(), "seen": {}}, {"seq": 0}, data)
    outcome = commands.exit_au(found, protocol.Request("ExitAU"))
    assert outcome == {"lessonStatus": "passed", "totalTime": "0000:10:00.00"}  # mastery 75 ≤ 80
    assert found.record["done"] is True


def test_every_command_has_a_handler() -> None:
    assert set(commands.NAMES) == {*commands.COMMANDS, "getparam"}
    assert set(commands.NAMES.values()) == {"GetParam", "PutParam", "PutComments", "PutObjectives",
                                            "PutInteractions", "PutPath", "PutPerformance", "ExitAU"}
