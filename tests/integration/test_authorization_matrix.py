"""The authorization matrix (issue 6 acceptance): every route of the app × every kind of caller.

Routes come from the app's own route table, so a new route is covered as soon as it is
registered, and a route without a declared permission rule fails here. Expectations are the
policy written out below, not read back from the rules: Owners may do everything, Administrators
everything but Account, Learners only their own pages; API v2 takes app keys and tokens with the
right scope; application-management credentials work only on ``/appManagement/*`` and the two
token endpoints; disabled keys, expired tokens and no credentials get nothing.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.builders.accounts import build_world

if TYPE_CHECKING:
    from collections.abc import Iterator

PUBLIC = {("POST", "/api/session"), ("POST", "/api/signup"),
          ("GET", "/api/v2/dispatch/dispatches/{dispatchId}/launches"),  # LTI 1.3 launch: the platform calls it
          ("GET", "/api/pens/collect"), ("POST", "/api/pens/collect")}  # PENS: credentials in the command
#: Operations that answer 501 by design for now (issue 14: LTI 1.3 dispatch).
NOT_IMPLEMENTED = ("/lti13", "/dispatches/{dispatchId}/launches")
TOKEN_ENDPOINTS = {"/api/v2/oauth/authenticate/application/token", "/api/v2/appManagement/token"}
#: Web routes a Learner may call (their session, realms, own settings and learner page).
LEARNER_ROUTES = {
    ("GET", "/api/session"), ("DELETE", "/api/session"), ("PUT", "/api/session/realm"),
    ("GET", "/api/realms"), ("POST", "/api/realms"),
    ("PUT", "/api/me/password"), ("PUT", "/api/me/email"), ("GET", "/api/me/registrations"),
    ("POST", "/api/me/registrations/{registrationId}/launch"),
}
OWNER_ONLY_PREFIXES = ("/api/account", "/api/realms/{realmId}/coverage")
PEOPLE = ("owner", "administrator", "learner", "other_admin")
ALWAYS_REFUSED = ("none", "disabled_key", "expired_token")
PARAM = re.compile(r"{(\w+)}")
#: The application's configuration takes the app's own keys and tokens (SDK: APP_NORMAL, OAUTH), not
#: the application-management credentials, though it lives under /appManagement (issue 16).
APP_CONFIGURATION = "/api/v2/appManagement/configuration"
#: A Reportage link's reports-only session (issue 15) reaches these routes and no other.
REPORTAGE_LINK_ROUTES = "/api/app/reportage-link/"


def expected(method: str, route: str, caller: str) -> bool | None:  # noqa: C901, PLR0911, PLR0912 - the policy, spelled out
    """True: allowed; False: refused (401/403); None: a prefix this policy does not cover."""
    if not route.startswith("/api/"):
        return None
    if (method, route) in PUBLIC:
        return True
    if caller in ALWAYS_REFUSED:
        return False
    if caller == "reportage_link" or route.startswith(REPORTAGE_LINK_ROUTES):  # reports only, read only
        return caller == "reportage_link" and route.startswith(REPORTAGE_LINK_ROUTES) and method == "GET"
    if route.startswith("/api/v2/"):
        if caller in PEOPLE:
            return False
        if route in TOKEN_ENDPOINTS:
            return caller in ("app_key", "management_key")
        if route.startswith("/api/v2/appManagement/") and not route.startswith(APP_CONFIGURATION):
            return caller in ("management_key", "management_token")
        if caller in ("management_key", "management_token"):
            return False
        if caller == "underscoped_token":  # holds only read:xapi
            return route in ("/api/v2/ping", "/api/v2/about") or (
                route.startswith("/api/v2/xapi") and method in ("GET", "HEAD"))
        return True
    if caller not in PEOPLE:
        return False
    if route.startswith(OWNER_ONLY_PREFIXES):
        return caller == "owner"
    if (method, route) in LEARNER_ROUTES:
        return True
    return caller in ("owner", "administrator", "other_admin")


@pytest.fixture(scope="module")
def matrix_env() -> Iterator[tuple[Any, Any]]:
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from nimbus_local import bootstrap

    with mock_aws():
        bootstrap.create_all("us-east-1")
        world = build_world()
        with Client(app) as client:
            yield client, world


def _routes() -> list[tuple[str, str]]:
    from app import app

    return sorted((route, method) for route, methods in app.routes.items() for method in methods)


def test_every_route_declares_a_permission() -> None:
    from chalicelib import middleware

    undeclared = [f"{method} {route}" for route, method in _routes() if middleware.rule_for(route, method) is None]
    assert undeclared == []


def test_a_route_without_a_rule_is_refused_even_to_the_owner(matrix_env) -> None:
    from app import app

    client, world = matrix_env
    app.route("/api/matrix-undeclared", methods=["GET"])(lambda: {"leaked": True})
    try:
        owner = world.new_sessions()["owner"]
        response = client.http.get("/api/matrix-undeclared", headers=owner)
        assert response.status_code == 403
        assert "declares no permission" in json.loads(response.body)["message"]
    finally:
        del app.routes["/api/matrix-undeclared"]


def _request(client: Any, method: str, route: str, headers: dict[str, str], values: dict[str, Any]) -> Any:
    from app import app

    path = PARAM.sub(lambda m: str(values.get(m.group(1), f"matrix-{m.group(1)}")), route)
    types = app.routes[route][method].content_types or ["application/json"]
    if "application/x-www-form-urlencoded" in types:
        body, content_type = "scope=read&expiration=60", "application/x-www-form-urlencoded"
    else:
        body, content_type = "{}", "application/json"
    return client.http.request(method, path, headers={**headers, "Content-Type": content_type}, body=body)


@pytest.mark.parametrize(("route", "method"), _routes())
def test_route_by_caller(matrix_env, route: str, method: str) -> None:
    from chalicelib import middleware

    client, world = matrix_env
    callers = world.callers()
    rule = middleware.rule_for(route, method)
    assert rule is not None, f"{method} {route} declares no permission"
    realm_a_secrets = (world.realm_a, world.app_id, world.emails["owner"])
    outcomes = {}
    # refused callers first, so that an allowed DELETE cannot change what they see
    order = sorted(callers, key=lambda name: bool(expected(method, route, name)))
    for name in order:
        response = _request(client, method, route, callers[name], world.path_values())
        status = response.status_code
        outcomes[name] = status
        placeholder = status == 501 and (route.startswith("/launch/") or route.endswith(NOT_IMPLEMENTED))
        placeholder |= route.startswith("/api/v2/contentConnectors") and status == 501  # not offered (issue 16)
        assert status < 500 or placeholder, (name, method, route, response.body)
        want = expected(method, route, name)
        if want is None:
            if name == "none" and not rule.public:
                assert status in (401, 403), (name, method, route, status)
            continue
        if not want:
            assert status in (401, 403), (name, method, route, status, response.body)
        elif name == "other_admin" and PARAM.search(route):
            assert status >= 400, (name, method, route, status)  # realm A's objects are not theirs
        else:
            assert status not in (401, 403), (name, method, route, status, response.body)
        if name == "other_admin" and status < 300 and method == "GET":
            text = response.body.decode() if isinstance(response.body, bytes) else str(response.body)
            assert not any(secret in text for secret in realm_a_secrets), (route, text[:300])
    assert outcomes
