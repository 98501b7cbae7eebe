"""Accounts against the running local stack (issue 6 acceptance): the official SDK with Basic
credentials, OAuth tokens and application-management credentials; and Chromium signing in as
owner, administrator and learner, each seeing their own navigation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.e2e import play

if TYPE_CHECKING:

    from tests.e2e.stack import LocalStack

pytestmark = pytest.mark.e2e
OWNER_NAV = ["Library", "People", "Invitations", "Dispatch", "Reportage", "LRS", "Apps", "Account", "Settings"]


def _owner_session(stack: LocalStack) -> tuple[requests.Session, dict[str, str]]:
    creds = stack.credentials()
    web = requests.Session()
    signed = web.post(f"{stack.base_url}/api/session", timeout=10,
                      json={"email": creds["ownerEmail"], "password": creds["ownerPassword"]})
    assert signed.status_code == 200, signed.text
    return web, {"X-CSRF-Token": signed.json()["csrfToken"]}


def _sdk(stack: LocalStack, **settings: str) -> Any:
    import rustici_software_cloud_v2 as scorm

    config = scorm.Configuration()
    config.host = stack.credentials()["apiBase"] + "/"
    for name, value in settings.items():
        setattr(config, name, value)
    return scorm, scorm.ApiClient(config)


def test_sdk_with_basic_credentials_and_oauth_tokens(stack: LocalStack) -> None:
    creds = stack.credentials()
    scorm, basic = _sdk(stack, username=creds["appId"], password=creds["secretKey"])
    token = scorm.AuthenticationApi(basic).get_app_token("read write:course", expiration=120)
    assert token.token_type == "Bearer" and token.expires_in == 120
    _, oauth = _sdk(stack, access_token=token.access_token)
    assert scorm.PingApi(oauth).ping_app_id().api_message == "pong"
    _, stale = _sdk(stack, access_token=token.access_token[:-2] + "xx")
    with pytest.raises(scorm.rest.ApiException) as refused:
        scorm.PingApi(stale).ping_app_id()
    assert refused.value.status == 401


def test_sdk_with_application_management_credentials(stack: LocalStack) -> None:
    web, csrf = _owner_session(stack)
    key = web.post(f"{stack.base_url}/api/apps/management/keys", json={"name": "sdk"}, headers=csrf, timeout=10)
    assert key.status_code == 200, key.text
    mgmt_id = web.get(f"{stack.base_url}/api/apps/management", timeout=10).json()["id"]
    scorm, mgmt = _sdk(stack, username=mgmt_id, password=key.json()["secret"])
    management = scorm.ApplicationManagementApi(mgmt)
    made = management.create_application(scorm.ApplicationRequestSchema(name="Made with the SDK"))
    assert made.name == "Made with the SDK"
    names = {app.name for app in management.get_application_list().applications}
    assert "Made with the SDK" in names
    credential = management.create_credential(made.id, scorm.CredentialRequestSchema(name="ci", active=True))
    _, child = _sdk(stack, username=made.id, password=credential.credential)
    assert scorm.PingApi(child).ping_app_id().api_message == "pong"
    expiry = datetime.now(UTC) + timedelta(minutes=5)
    request = scorm.TokenRequestSchema(permissions=scorm.PermissionsSchema(scopes=["read"]), expiry=expiry)
    minted = management.create_token(request).result
    _, with_token = _sdk(stack, access_token=minted)
    assert made.id in {a.id for a in scorm.ApplicationManagementApi(with_token).get_application_list().applications}
    with pytest.raises(scorm.rest.ApiException) as refused:
        scorm.PingApi(mgmt).ping_app_id()  # management credentials are not general-purpose
    assert refused.value.status == 403
    management.delete_application(made.id)
    with pytest.raises(scorm.rest.ApiException):
        scorm.PingApi(child).ping_app_id()


@pytest.fixture(scope="module")
def people(stack: LocalStack) -> dict[str, tuple[str, str]]:
    """An administrator and a learner added by the owner through the People API."""
    creds = stack.credentials()
    web, csrf = _owner_session(stack)
    found = {"owner": (creds["ownerEmail"], creds["ownerPassword"])}
    for role in ("administrator", "learner"):
        email = f"{role}-{datetime.now(UTC).strftime('%H%M%S%f')}@nimbus.local"
        added = web.post(f"{stack.base_url}/api/users", json={"email": email, "role": role}, headers=csrf, timeout=10)
        assert added.status_code == 200, added.text
        found[role] = (email, added.json()["initialPassword"])
    return found



@pytest.mark.browser
@pytest.mark.parametrize("role", ["owner", "administrator", "learner"])
def test_each_role_sees_its_navigation(browser, stack: LocalStack, people, role: str) -> None:
    from playwright.sync_api import expect

    heading, nav = {
        "owner": ("Library", OWNER_NAV),
        "administrator": ("Library", [label for label in OWNER_NAV if label != "Account"]),
        "learner": ("My learning", ["My learning"]),
    }[role]

    email, password = people[role]
    context = browser.new_context()
    errors: list[str] = []
    page = play.watched_page(context, errors)
    page.goto(stack.base_url + "/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible(timeout=15_000)
    links = page.get_by_role("navigation").get_by_role("link")
    assert links.all_inner_texts() == nav
    page.goto(stack.base_url + "/account")
    expected_heading = "Account" if role == "owner" else heading
    expect(page.get_by_role("heading", level=1, name=expected_heading)).to_be_visible(timeout=10_000)
    if role == "learner":
        expect(page.get_by_text("No courses are assigned to you yet.")).to_be_visible()
    assert errors == []
    context.close()
