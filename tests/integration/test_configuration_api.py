"""API v2 configuration settings (issue 16): application → course → course version →
registration → instance, the most specific value winning; validation; and the effective values
reaching the player (its page configuration, the debug log, sticky completion)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tests.builders import course_zip as cz
from tests.integration.registration_world import Player, create, import_course, launch_link

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials


def _call(client: Any, realm: RealmCredentials, method: str, path: str, body: Any = None) -> Any:
    return client.http.request(method, f"/api/v2{path}", headers={**realm.basic, "Content-Type": "application/json"},
                               body=json.dumps({} if body is None else body))


def _set(client: Any, realm: RealmCredentials, path: str, **values: Any) -> None:
    body = {"settings": [{"settingId": k, "value": v} for k, v in values.items()]}
    answer = _call(client, realm, "POST", f"{path}/configuration", body)
    assert answer.status_code == 204, answer.body


def _items(client: Any, realm: RealmCredentials, path: str, query: str = "") -> dict[str, dict[str, Any]]:
    answer = _call(client, realm, "GET", f"{path}/configuration{query}")
    assert answer.status_code == 200, answer.body
    return {item["id"]: item for item in answer.json_body["settingItems"]}


def test_the_most_specific_level_wins_and_each_item_says_where_its_value_came_from(client, realm) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    create(client, realm.basic, "r1", "golf")
    create(client, realm.basic, "r2", "golf")
    defaults = _items(client, realm, "/registrations/r1")
    assert defaults["PlayerLaunchType"] == {"id": "PlayerLaunchType", "effectiveValue": "FRAMESET",
                                            "effectiveValueSource": "default", "explicit": False}

    _set(client, realm, "/appManagement", PlayerLaunchType="NEW_WINDOW", ApiCommitFrequency=30)
    _set(client, realm, "/courses/golf", PlayerLaunchType="new_window_after_click", PlayerShowNavBar=False)
    _set(client, realm, "/courses/golf/versions/0", ApiCommitFrequency="45")
    _set(client, realm, "/registrations/r1", PlayerLaunchType="FRAMESET")
    _set(client, realm, "/registrations/r1/instances/0", PlayerDebugLogLevel="errors")

    app = _items(client, realm, "/appManagement", "?includeMetadata=true")
    assert app["PlayerLaunchType"]["effectiveValueSource"] == "application" and app["PlayerLaunchType"]["explicit"]
    assert app["PlayerLaunchType"]["metadata"]["default"] == "FRAMESET"
    assert [v["value"] for v in app["PlayerLaunchType"]["metadata"]["validValues"]] == [
        "FRAMESET", "NEW_WINDOW", "NEW_WINDOW_AFTER_CLICK"]
    course = _items(client, realm, "/courses/golf")
    assert course["PlayerLaunchType"]["effectiveValue"] == "NEW_WINDOW_AFTER_CLICK"
    assert course["PlayerShowNavBar"]["explicitValue"] == "false"
    assert course["ApiCommitFrequency"] == {"id": "ApiCommitFrequency", "effectiveValue": "30",
                                            "effectiveValueSource": "application", "explicit": False}
    assert _items(client, realm, "/courses/golf/versions/0")["ApiCommitFrequency"]["effectiveValueSource"] == \
        "courseVersion"
    r1 = _items(client, realm, "/registrations/r1")
    assert (r1["PlayerLaunchType"]["effectiveValue"], r1["PlayerLaunchType"]["effectiveValueSource"]) == \
        ("FRAMESET", "registration")
    assert (r1["ApiCommitFrequency"]["effectiveValue"], r1["ApiCommitFrequency"]["effectiveValueSource"]) == \
        ("45", "courseVersion")
    assert r1["PlayerDebugLogLevel"]["effectiveValueSource"] == "default"
    assert _items(client, realm, "/registrations/r1/instances/0")["PlayerDebugLogLevel"]["effectiveValue"] == "ERRORS"
    r2 = _items(client, realm, "/registrations/r2")
    assert (r2["PlayerLaunchType"]["effectiveValue"], r2["PlayerLaunchType"]["effectiveValueSource"]) == \
        ("NEW_WINDOW_AFTER_CLICK", "course")

    assert _call(client, realm, "DELETE", "/courses/golf/configuration/PlayerLaunchType").status_code == 204
    assert _items(client, realm, "/registrations/r2")["PlayerLaunchType"]["effectiveValueSource"] == "application"
    unset = _call(client, realm, "POST", "/appManagement/configuration",
                  {"settings": [{"settingId": "PlayerLaunchType", "value": None}]})
    assert unset.status_code == 204
    assert _items(client, realm, "/registrations/r2")["PlayerLaunchType"]["effectiveValueSource"] == "default"
    same = {"settings": [{"settingId": "PlayerShowNavBar", "value": "false", "explicit": False}]}
    assert _call(client, realm, "POST", "/registrations/r2/configuration", same).status_code == 204
    assert _items(client, realm, "/registrations/r2")["PlayerShowNavBar"]["effectiveValueSource"] == "course"
    same["settings"][0]["explicit"] = True  # kept at this level even though it equals the course's
    assert _call(client, realm, "POST", "/registrations/r2/configuration", same).status_code == 204
    assert _items(client, realm, "/registrations/r2")["PlayerShowNavBar"]["effectiveValueSource"] == "registration"
    scorm_only = _items(client, realm, "/appManagement", "?learningStandard=XAPI")
    assert "ApiCommitFrequency" not in scorm_only and "PlayerLaunchType" in scorm_only


def test_bad_settings_are_refused_whole_and_named(client, realm) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    create(client, realm.basic, "r1", "golf")
    for body, named in (
            ({"settings": [{"settingId": "PlayerLaunchType", "value": "POPUP"}]}, "PlayerLaunchType must be one of"),
            ({"settings": [{"settingId": "NoSuchSetting", "value": "1"}]}, "NoSuchSetting"),
            ({"settings": [{"settingId": "ApiCommitFrequency", "value": "0"}]}, "from 1 to 3600"),
            ({"settings": [{"settingId": "ApiCommitFrequency", "value": "soon"}]}, "whole number"),
            ({"settings": [{"settingId": "PlayerShowNavBar", "value": "maybe"}]}, "true or false"),
            ({"settings": [{"settingId": "PlayerShowNavBar"}]}, "value is required"),
            ({"settings": [{"settingId": "PlayerShowNavBar", "value": "true", "explicit": "yes"}]}, "explicit"),
            ({"settings": "PlayerShowNavBar=false"}, "SettingsPostSchema"),
            ({"settings": [{"settingId": "PlayerShowNavBar", "value": "false"},
                           {"settingId": "PlayerLaunchType", "value": "POPUP"}]}, "PlayerLaunchType")):
        refused = _call(client, realm, "POST", "/registrations/r1/configuration", body)
        assert refused.status_code == 400 and named in refused.json_body["message"], (body, refused.body)
    assert _items(client, realm, "/registrations/r1")["PlayerShowNavBar"]["explicit"] is False  # all or nothing
    unknown = _call(client, realm, "DELETE", "/registrations/r1/configuration/Nope")
    assert unknown.status_code == 400 and "Nope" in unknown.json_body["message"]
    for path in ("/registrations/none/configuration", "/courses/none/configuration",
                 "/courses/golf/versions/7/configuration", "/registrations/r1/instances/3/configuration"):
        assert _call(client, realm, "GET", path).status_code == 404, path
    bad_standard = _call(client, realm, "GET", "/appManagement/configuration?learningStandard=SCORM9")
    assert bad_standard.status_code == 400 and "learningStandard" in bad_standard.json_body["message"]
    bad_initial = client.http.post("/api/v2/registrations", headers={**realm.basic, "Content-Type": "application/json"},
                                   body=json.dumps({"courseId": "golf", "registrationId": "r9", "learner": {"id": "l"},
                                                    "initialSettings": {"settings": [{"settingId": "X", "value": 1}]}}))
    assert bad_initial.status_code == 400 and "'X'" in bad_initial.json_body["message"]
    assert _call(client, realm, "GET", "/registrations/r9").status_code == 404  # nothing half-stored


def _player_config(client: Any, link: str) -> dict[str, Any]:
    opened = client.http.get(urlsplit(link).path)
    page = client.http.get(opened.headers["Location"]).body.decode()
    raw = page.split('id="nimbus-config">', 1)[1].split("</script>", 1)[0]
    return json.loads(raw)  # type: ignore[no-any-return]


def test_effective_settings_reach_the_player_and_the_runtime(client, realm) -> None:
    from chalicelib.store import registrations as store

    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    made = client.http.post("/api/v2/registrations", headers={**realm.basic, "Content-Type": "application/json"},
                            body=json.dumps({"courseId": "golf", "registrationId": "r1", "learner": {"id": "l-1"},
                                             "initialSettings": {"settings": [
                                                 {"settingId": "PlayerDebugLogLevel", "value": "ERRORS"},
                                                 {"settingId": "RegistrationStatusIsSticky", "value": "true"}]}}))
    assert made.status_code == 204, made.body
    _set(client, realm, "/courses/golf", PlayerLaunchType="NEW_WINDOW", PlayerShowCourseStructure="false",
         ApiCommitFrequency="5")
    config = _player_config(client, launch_link(client, realm.basic, "r1"))
    assert config["settings"] == {"launchType": "NEW_WINDOW", "showCourseStructure": False,
                                  "courseStructureStartsOpen": True, "showNavBar": True, "commitSeconds": 5,
                                  "timeLeftSeconds": None}

    player = Player(client, launch_link(client, realm.basic, "r1"))
    one = player.deliver()
    calls = [{"t": "2026-01-01T00:00:00Z", "call": "LMSSetValue", "args": ["cmi.core.lesson_status", "completed"],
              "result": "true", "error": 0},
             {"t": "2026-01-01T00:00:01Z", "call": "LMSSetValue", "args": ["cmi.bogus", "x"], "result": "false",
              "error": 401}]
    done = player.commit(one, [["set", "cmi.core.lesson_status", "completed"], ["finish"]], log=calls)
    assert done.status_code == 200, done.body
    launch_id = store.launches(realm.realm_id, "r1")[-1].launch_id
    kept = [e for e in store.log_entries(realm.realm_id, "r1", launch_id) if e.get("call")]
    assert [e["args"][0] for e in kept] == ["cmi.bogus"]  # PlayerDebugLogLevel=ERRORS: errors only

    two = player.deliver("item_2")
    assert player.commit(two, [["set", "cmi.core.lesson_status", "completed"], ["finish"]]).status_code == 200
    assert _call(client, realm, "GET", "/registrations/r1").json_body["registrationCompletion"] == "COMPLETED"
    again = player.deliver("item_2")  # a new attempt on lesson 2 that is left incomplete
    assert player.commit(again, [["set", "cmi.core.lesson_status", "incomplete"], ["finish"]]).status_code == 200
    assert _call(client, realm, "GET", "/registrations/r1").json_body["registrationCompletion"] == "COMPLETED"


def test_the_web_app_reads_and_changes_a_courses_settings(client, realm) -> None:
    from chalicelib import accounts
    from chalicelib.store import repos

    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    user = repos.get_user(realm.owner_email)
    assert user is not None
    signed = accounts.open_session(user, realm.realm_id)
    web = {"Cookie": f"nimbus_session={signed.token}", "X-CSRF-Token": signed.csrf_token,
           "Content-Type": "application/json"}
    shown = client.http.get("/api/app/courses/golf/configuration", headers=web).json_body["settingItems"]
    assert next(i for i in shown if i["id"] == "PlayerLaunchType")["metadata"]["validValues"]
    changed = client.http.post("/api/app/courses/golf/configuration", headers=web, body=json.dumps(
        {"settings": [{"settingId": "PlayerLaunchType", "value": "NEW_WINDOW", "explicit": True}]}))
    assert changed.status_code == 200
    item = next(i for i in changed.json_body["settingItems"] if i["id"] == "PlayerLaunchType")
    assert (item["effectiveValue"], item["effectiveValueSource"]) == ("NEW_WINDOW", "course")
    assert _items(client, realm, "/courses/golf")["PlayerLaunchType"]["explicitValue"] == "NEW_WINDOW"  # same data
    reset = client.http.delete("/api/app/courses/golf/configuration/PlayerLaunchType", headers=web)
    assert next(i for i in reset.json_body["settingItems"] if i["id"] == "PlayerLaunchType")["explicit"] is False
    create(client, realm.basic, "r1", "golf")
    mine = client.http.post("/api/app/registrations/r1/configuration", headers=web, body=json.dumps(
        {"settings": [{"settingId": "PlayerShowNavBar", "value": "false", "explicit": True}]}))
    shown = {i["id"]: i for i in mine.json_body["settingItems"]}
    assert (shown["PlayerShowNavBar"]["effectiveValue"], shown["PlayerShowNavBar"]["effectiveValueSource"]) == (
        "false", "registration")
    back = client.http.delete("/api/app/registrations/r1/configuration/PlayerShowNavBar", headers=web)
    assert next(i for i in back.json_body["settingItems"] if i["id"] == "PlayerShowNavBar")["explicit"] is False
    no_csrf = client.http.post("/api/app/courses/golf/configuration", body="{}",
                               headers={"Cookie": web["Cookie"], "Content-Type": "application/json"})
    assert no_csrf.status_code == 403


def test_scorm_results_are_forwarded_as_xapi_statements_when_asked(client, realm) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    create(client, realm.basic, "quiet", "golf")
    create(client, realm.basic, "loud", "golf", learner_id="l-loud")
    _set(client, realm, "/registrations/loud", XapiForwardScormResults="true")
    for registration_id in ("quiet", "loud"):
        player = Player(client, launch_link(client, realm.basic, registration_id))
        one = player.deliver()
        answer = player.commit(one, [["set", "cmi.core.score.raw", "92"], ["set", "cmi.core.session_time", "00:01:30"],
                                     ["finish"]])
        assert answer.status_code == 200, answer.body
        two = player.deliver("item_2")
        assert player.commit(two, [["set", "cmi.core.lesson_status", "completed"], ["finish"]]).status_code == 200

    assert _call(client, realm, "GET", "/registrations/quiet/xAPIStatements").json_body["statements"] == []
    statements = _call(client, realm, "GET", "/registrations/loud/xAPIStatements").json_body["statements"]
    verbs = [s["verb"]["display"]["en-US"] for s in statements]
    assert sorted(verbs) == ["completed", "passed"], verbs
    done = next(s for s in statements if s["verb"]["display"]["en-US"] == "completed")
    assert done["actor"]["account"]["name"] == "l-loud" and done["object"]["definition"]["name"] == {
        "en-US": "Golf Explained"}
    assert done["result"]["completion"] is True and done["result"]["score"] == {"scaled": 0.92}
    assert done["authority"]["name"] == "Nimbus"


def test_the_time_limit_closes_the_course_once_used_up(client, realm) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    create(client, realm.basic, "timed", "golf")
    _set(client, realm, "/registrations/timed", PlayerTimeLimit="2")
    link = launch_link(client, realm.basic, "timed")
    assert _player_config(client, link)["settings"]["timeLeftSeconds"] == 120.0
    player = Player(client, launch_link(client, realm.basic, "timed"))
    one = player.deliver()
    assert player.commit(one, [["set", "cmi.core.session_time", "00:01:30"], ["finish"]]).status_code == 200
    config = _player_config(client, launch_link(client, realm.basic, "timed"))
    assert config["settings"]["timeLeftSeconds"] == 30.0  # what is left for the next launch
    again = player.deliver("item_1")
    assert again["activityId"] == "item_1"
    assert player.commit(again, [["set", "cmi.core.session_time", "00:00:45"], ["finish"]]).status_code == 200
    refused = player.post("deliver", {"activityId": "item_1"})
    assert refused.status_code == 409 and "time limit of 2 minutes" in refused.json_body["message"]
