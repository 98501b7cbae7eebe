"""The web app's LRS viewer (issue 5): ``/api/lrs/...`` with a web session, over statements
posted through the real LRS endpoint: filters, paging, detail, exports, realm isolation."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest

from tests.builders import statements as b
from tests.builders.accounts import build_world

if TYPE_CHECKING:
    from collections.abc import Iterator

REG = "6a1e3c0e-8f1b-4c55-9d52-0c3f5a7b1e01"
PASSED = "http://adlnet.gov/expapi/verbs/passed"


class Viewer:
    def __init__(self, client: Any, world: Any, sessions: dict[str, dict[str, str]]) -> None:
        self.client, self.world, self.sessions = client, world, sessions

    def get(self, path: str, who: str = "owner", **params: str) -> Any:
        url = path + (f"?{urlencode(params)}" if params else "")
        return self.client.http.get(url, headers=self.sessions[who])

    def page(self, who: str = "owner", **params: str) -> dict[str, Any]:
        response = self.get("/api/lrs/statements", who, **params)
        assert response.status_code == 200, response.body
        return json.loads(response.body)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def env() -> Iterator[tuple[Viewer, dict[str, Any]]]:
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib.lrs import credentials
    from nimbus_local import bootstrap

    with mock_aws():
        bootstrap.create_all("us-east-1")
        world = build_world()
        root = credentials.create_root(world.realm_a, "root", "viewer-key", "viewer-secret")
        with Client(app) as client:
            def post(lrs_id: str, sent: Any) -> None:
                response = client.http.post(
                    f"/lrs/{lrs_id}/statements", body=json.dumps(sent),
                    headers={"Authorization": b.basic(root.credential_id, root.secret),
                             "X-Experience-API-Version": "2.0.0",
                             "Content-Type": "application/json"})
                assert response.status_code == 200, response.body

            sent = {
                "plain": b.statement(actor="ann"),
                "passed": b.statement(actor="bob", verb=PASSED, registration=REG,
                                      result={"success": True, "completion": True,
                                              "score": {"scaled": 0.9}}),
                "formula": b.statement(actor="eve", activity="http://example.com/evil"),
                "realm_own": b.statement(actor="ray"),
            }
            sent["formula"]["actor"] = {"objectType": "Agent", "name": "=HYPERLINK(\"x\")",
                                        "account": {"homePage": "http://x.test/",
                                                    "name": "=cmd|' /C calc'!A0"}}
            for name in ("plain", "passed", "formula"):
                post(world.app_id, sent[name])
            post(world.realm_a, sent["realm_own"])
            yield Viewer(client, world, world.new_sessions()), sent


def test_app_endpoint_lists_newest_first_and_realm_endpoint_is_separate(env: Any) -> None:
    viewer, sent = env
    app_ids = [s["id"] for s in viewer.page(endpoint=viewer.world.app_id)["statements"]]
    assert app_ids == [sent["formula"]["id"], sent["passed"]["id"], sent["plain"]["id"]]
    assert [s["id"] for s in viewer.page()["statements"]] == [sent["realm_own"]["id"]]
    choices = json.loads(viewer.get("/api/lrs/endpoints").body)["endpoints"]
    assert [c["id"] for c in choices][:2] == [viewer.world.realm_a, viewer.world.app_id]


def test_filters_reach_the_query(env: Any) -> None:
    viewer, sent = env
    app = viewer.world.app_id
    by_agent = viewer.page(endpoint=app, agent=json.dumps(b.agent("bob")))["statements"]
    assert [s["id"] for s in by_agent] == [sent["passed"]["id"]]
    assert [s["id"] for s in viewer.page(endpoint=app, verb=PASSED)["statements"]] == \
        [sent["passed"]["id"]]
    assert [s["id"] for s in viewer.page(endpoint=app, registration=REG)["statements"]] == \
        [sent["passed"]["id"]]
    evil = viewer.page(endpoint=app, activity="http://example.com/evil")["statements"]
    assert [s["id"] for s in evil] == [sent["formula"]["id"]]
    assert viewer.page(endpoint=app, until="2000-01-01T00:00:00Z")["statements"] == []
    assert len(viewer.page(endpoint=app, since="2000-01-01T00:00:00Z")["statements"]) == 3


def test_paging_with_more(env: Any) -> None:
    viewer, sent = env
    first = viewer.page(endpoint=viewer.world.app_id, limit="2")
    assert len(first["statements"]) == 2 and first["more"]
    rest = viewer.page(endpoint=viewer.world.app_id, more=first["more"])
    assert [s["id"] for s in rest["statements"]] == [sent["plain"]["id"]]
    assert rest["more"] == ""


def test_bad_filters_are_400_naming_the_parameter(env: Any) -> None:
    viewer, _ = env
    for params, field in (({"verb": "not an iri"}, "verb"), ({"since": "yesterday"}, "since"),
                          ({"agent": "{"}, "agent"), ({"colour": "red"}, "colour"),
                          ({"more": "garbage"}, "more")):
        response = viewer.get("/api/lrs/statements", **params)
        assert response.status_code == 400, params
        assert field in json.loads(response.body)["message"]


def test_detail_returns_the_raw_statement(env: Any) -> None:
    viewer, sent = env
    response = viewer.get(f"/api/lrs/statements/{sent['passed']['id']}", endpoint=viewer.world.app_id)
    assert response.status_code == 200
    got = json.loads(response.body)
    assert got["result"] == sent["passed"]["result"] and "stored" in got
    assert viewer.get(f"/api/lrs/statements/{sent['passed']['id']}").status_code == 404
    assert viewer.get("/api/lrs/statements/not-a-uuid").status_code == 400


def test_other_realm_admin_sees_nothing_and_learner_is_refused(env: Any) -> None:
    viewer, sent = env
    app = viewer.world.app_id
    assert viewer.page("other_admin")["statements"] == []  # realm B's own LRS: empty
    for path in ("/api/lrs/statements", "/api/lrs/export.json", "/api/lrs/export.csv"):
        assert viewer.get(path, "other_admin", endpoint=app).status_code == 404
    assert viewer.get(f"/api/lrs/statements/{sent['plain']['id']}", "other_admin",
                      endpoint=app).status_code == 404
    for path in ("/api/lrs/statements", "/api/lrs/export.csv", "/api/lrs/endpoints"):
        assert viewer.get(path, "learner", endpoint=app).status_code == 403
    assert viewer.client.http.get("/api/lrs/statements").status_code == 401
    assert viewer.page("administrator", endpoint=app)["statements"]


def test_json_export_has_every_filtered_statement(env: Any) -> None:
    viewer, sent = env
    response = viewer.get("/api/lrs/export.json", endpoint=viewer.world.app_id, verb=b.VERB)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    body = json.loads(response.body)
    assert [s["id"] for s in body["statements"]] == [sent["formula"]["id"], sent["plain"]["id"]]
    assert body["more"] == ""


def test_csv_export_columns_and_formula_cells_neutralised(env: Any) -> None:
    viewer, sent = env
    response = viewer.get("/api/lrs/export.csv", endpoint=viewer.world.app_id)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.body.decode())))
    assert list(rows[0]) == ["id", "timestamp", "stored", "actor", "verb", "object",
                             "result_success", "result_completion", "result_score", "registration"]
    by_id = {r["id"]: r for r in rows}
    passed = by_id[sent["passed"]["id"]]
    assert (passed["actor"], passed["verb"], passed["registration"]) == \
        ("mailto:bob@example.com", PASSED, REG)
    assert (passed["result_success"], passed["result_completion"], passed["result_score"]) == \
        ("true", "true", "0.9")
    evil = by_id[sent["formula"]["id"]]
    assert evil["actor"] == "'=cmd|' /C calc'!A0 (http://x.test/)"
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


def test_large_export_is_paged_and_links_to_the_rest(env: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.lrs import viewer as viewer_module

    viewer, sent = env
    monkeypatch.setattr(viewer_module, "EXPORT_PAGE", 1)
    monkeypatch.setattr(viewer_module, "MAX_EXPORT", 2)
    first = viewer.get("/api/lrs/export.json", endpoint=viewer.world.app_id)
    body = json.loads(first.body)
    assert [s["id"] for s in body["statements"]] == [sent["formula"]["id"], sent["passed"]["id"]]
    link = first.headers["Link"]
    assert link.startswith("</api/lrs/export.json?endpoint=") and link.endswith('>; rel="next"')
    rest = viewer.client.http.get(link[1:link.index(">")], headers=viewer.sessions["owner"])
    assert [s["id"] for s in json.loads(rest.body)["statements"]] == [sent["plain"]["id"]]
    assert "Link" not in rest.headers


def test_exports_refuse_bad_filters_and_cursors_stay_in_their_realm(env: Any) -> None:
    viewer, _ = env
    response = viewer.get("/api/lrs/export.csv", endpoint=viewer.world.app_id, registration="nope")
    assert response.status_code == 400
    assert "registration" in json.loads(response.body)["message"]
    cursor = viewer.page(endpoint=viewer.world.app_id, limit="1")["more"]
    # realm B's admin replaying realm A's cursor reads realm B's own LRS: nothing of realm A
    assert viewer.page("other_admin", more=cursor)["statements"] == []
