"""Plan storage limits at import (issue 6 "limits enforced ... where content is imported")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.builders import course_zip as cz
from tests.integration.test_courses_api import _import, _keys

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials

MB = 1024 * 1024


def test_trial_storage_limit_refuses_an_import_and_deleting_gives_space_back(client, realm: RealmCredentials) -> None:
    from chalicelib import plans

    first = _import(client, realm, cz.scorm12_zip())
    assert first["status"] == "COMPLETE"
    used = plans.storage_used(plans.coverage_root(realm.realm_id))
    assert used > 0
    plans.record_storage(realm.realm_id, 100 * MB - used - 10)  # fill the 100 MB trial to the brim
    before = _keys()

    refused = _import(client, realm, cz.scorm12_zip(), query="courseId=second")
    assert refused["status"] == "ERROR"
    assert refused["message"].startswith("Storage limit reached: the")
    assert "100 MB" in refused["message"] and "larger billing tier" in refused["message"]
    assert client.http.get("/api/v2/courses/second", headers=realm.basic).status_code == 404
    assert [k for k in _keys() if "/second/" in k and k not in before] == []

    assert client.http.delete("/api/v2/courses/golf", headers=realm.basic).status_code in (200, 204)
    assert plans.storage_used(plans.coverage_root(realm.realm_id)) == 100 * MB - used - 10
    assert _import(client, realm, cz.scorm12_zip(), query="courseId=second")["status"] == "COMPLETE"
