"""The SDK walk (issue 16): every operation the official SDK ``rustici-software-cloud-v2`` 5.0.0
knows has a route in Nimbus, so a route the SDK knows can never go missing again.

The operations are read from the installed SDK itself (each ``*_with_http_info`` method of its
``api/*_api.py`` calls ``call_api('<path>', '<METHOD>', ...)``), not from a list kept here. Each
one is matched against the app's route table the way API Gateway / ``chalice local`` match
(path segments, then method) and then called through chalice's test client with app credentials
and placeholder ids: the answer must be neither "no such route" (405 / API Gateway's 403) nor a
5xx, except a deliberate 501 with a JSON message for the groups Nimbus does not offer.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import RealmCredentials

SDK_API = Path(__file__).resolve().parents[2] / ".venv/lib/python3.11/site-packages/rustici_software_cloud_v2/api"
CALL = re.compile(r"def (\w+)_with_http_info\(.*?call_api\(\s*'([^']+)',\s*'(\w+)'", re.S)
PARAM = re.compile(r"{(\w+)}")

#: Built by other branches; the lead removes entries as they merge.
ON_OTHER_BRANCHES: dict[str, str] = {
}

#: Operations Nimbus deliberately answers with 501 and a JSON message (the issue allows it).
NOT_OFFERED = {
    "content_connectors_api.create_connector", "content_connectors_api.delete_connector",
    "content_connectors_api.get_connectors_list", "content_connectors_api.update_connector",
    "dispatch_api.get_lti13_dispatch_launch",  # the others answer 404 first for the walk's unknown ids
}

#: Operations of this branch's groups that have no route yet. Shrinks as routes are added:
#: the walk fails when one listed here gains a route (remove it) or one not listed loses it.
EXPECTED_MISSING: set[str] = set()  # every operation of this branch's groups has a route now


def sdk_operations() -> list[tuple[str, str, str]]:
    """``(api.operation, METHOD, /api/v2 path)`` for every operation of the installed SDK."""
    found = []
    for module in sorted(SDK_API.glob("*_api.py")):
        for name, path, method in CALL.findall(module.read_text()):
            found.append((f"{module.stem}.{name}", method, "/api/v2" + path))
    return found


def _skip_reason(operation: str) -> str | None:
    return ON_OTHER_BRANCHES.get(operation) or ON_OTHER_BRANCHES.get(operation.split(".", maxsplit=1)[0])


def has_route(method: str, path: str) -> bool:
    """Does the app route ``METHOD path`` (concrete values in place of ``{params}``)?"""
    from app import app

    wanted = [segment for segment in PARAM.sub("x-placeholder", path).split("/") if segment]
    for route, methods in app.routes.items():
        parts = [segment for segment in route.split("/") if segment]
        if len(parts) == len(wanted) and all(
                PARAM.fullmatch(mine) or mine == theirs for mine, theirs in zip(parts, wanted, strict=True)):
            concrete = not any(PARAM.fullmatch(mine) for mine in parts)
            if method in methods:
                return True
            if concrete:  # a literal route shadows a templated one (API Gateway's rule)
                return False
    return False


OPERATIONS = sdk_operations()


def test_the_sdk_lists_its_161_operations() -> None:
    assert len(OPERATIONS) == 161
    known = {operation for operation, _, _ in OPERATIONS}
    assert EXPECTED_MISSING <= known and NOT_OFFERED <= known


def test_expected_missing_holds_only_unrouted_operations() -> None:
    """When a route lands, its entry must leave EXPECTED_MISSING (so the list only shrinks)."""
    routed = sorted(op for op, method, path in OPERATIONS if op in EXPECTED_MISSING and has_route(method, path))
    assert routed == [], "remove these from EXPECTED_MISSING: they have routes now"


@pytest.fixture(scope="module")
def walk_env() -> Iterator[tuple[Any, RealmCredentials]]:
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib import accounts
    from nimbus_local import bootstrap
    from tests.conftest import RealmCredentials

    with mock_aws():
        bootstrap.create_all("us-east-1")
        made = accounts.create_realm("Walk Training", "walker@walk.test", "correct horse battery")
        credentials = RealmCredentials(made.realm_id, made.app.app_id, made.app.secret_key,
                                       made.owner_email, "correct horse battery")
        with Client(app) as client:
            yield client, credentials


@pytest.mark.parametrize(("operation", "method", "path"), OPERATIONS, ids=[op for op, _, _ in OPERATIONS])
def test_operation_has_a_route(walk_env, operation: str, method: str, path: str) -> None:
    reason = _skip_reason(operation)
    if reason:
        pytest.skip(reason)
    if operation in EXPECTED_MISSING:
        assert not has_route(method, path), f"{operation} has a route now: remove it from EXPECTED_MISSING"
        pytest.xfail("no route yet (EXPECTED_MISSING)")
    assert has_route(method, path), f"{method} {path} ({operation}) has no route"
    client, realm = walk_env
    concrete = PARAM.sub(lambda m: f"walk-{m.group(1)}", path)
    headers = {**realm.basic, "Content-Type": "application/json", "Accept": "application/json"}
    if "token" in path and "oauth" in path:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = "scope=read&expiration=60" if headers["Content-Type"].startswith("application/x-www") else "{}"
    answer = client.http.request(method, concrete, headers=headers, body=body)
    text = answer.body.decode() if isinstance(answer.body, bytes) else str(answer.body)
    assert answer.status_code != 405, (operation, text)
    if operation in NOT_OFFERED:
        assert answer.status_code == 501 and json.loads(text)["message"], (operation, text)
    else:
        assert answer.status_code < 500, (operation, answer.status_code, text)
