"""The SPA in Debian's Chromium, driven by Playwright, against the running local stack."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e import play

if TYPE_CHECKING:

    from tests.e2e.stack import LocalStack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
NAV = ["Library", "People", "Invitations", "Dispatch", "Reportage", "LRS", "Apps", "Account", "Settings"]



def test_owner_signs_in_and_sees_the_product_navigation(browser, stack: LocalStack, tmp_path) -> None:
    from playwright.sync_api import expect

    creds = stack.credentials()
    errors: list[str] = []
    page = play.watched_page(browser, errors)
    page.goto(stack.base_url + "/reportage")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=15_000)

    page.get_by_label("Email").fill(creds["ownerEmail"])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Email or password is incorrect.")

    page.get_by_label("Password").fill(creds["ownerPassword"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Reportage")).to_be_visible(timeout=10_000)
    expect(page.get_by_text(creds["ownerEmail"])).to_be_visible()
    nav = page.get_by_role("navigation")
    assert [nav.get_by_role("link", name=label).count() for label in NAV] == [1] * len(NAV)
    page.screenshot(path=str(tmp_path / "shell.png"))

    nav.get_by_role("link", name="Library").click()
    expect(page.get_by_role("heading", level=1, name="Library")).to_be_visible()
    page.reload()  # the session cookie keeps the owner signed in
    expect(page.get_by_role("heading", level=1, name="Library")).to_be_visible(timeout=10_000)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=10_000)
    page.goto(stack.base_url + "/library")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=10_000)
    assert errors == []
    page.close()


def test_statement_posted_to_the_lrs_shows_in_the_viewer(browser, stack: LocalStack) -> None:
    """Issue 5: a statement sent with the printed LRS credentials appears in the LRS viewer."""
    import base64
    import json
    import urllib.request
    import uuid

    from playwright.sync_api import expect

    creds = stack.credentials()
    statement_id = str(uuid.uuid4())
    learner = f"E2E <b>Learner</b> {statement_id[:8]}"
    sent = {"id": statement_id, "actor": {"name": learner, "mbox": "mailto:e2e@example.com"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}},
            "object": {"id": "http://example.com/e2e-golf",
                       "definition": {"name": {"en-US": "E2E Golf"}}}}
    auth = base64.b64encode(f"{creds['lrsKey']}:{creds['lrsSecret']}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 - the local stack's http URL
        creds["lrsEndpoint"].rstrip("/") + "/statements", data=json.dumps(sent).encode(),
        method="POST", headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json",
                                "X-Experience-API-Version": "1.0.3"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert json.loads(response.read()) == [statement_id]

    errors: list[str] = []
    page = play.watched_page(browser, errors)
    page.goto(stack.base_url + "/lrs")
    page.get_by_label("Email").fill(creds["ownerEmail"])
    page.get_by_label("Password").fill(creds["ownerPassword"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="LRS")).to_be_visible(timeout=10_000)
    page.get_by_label("Actor email").fill("e2e@example.com")
    page.get_by_role("button", name="Apply filters").click()
    table = page.get_by_role("table", name="Statements")
    expect(table.get_by_text(f"{learner} <e2e@example.com>")).to_be_visible(timeout=10_000)
    expect(table.get_by_text("E2E Golf")).to_be_visible()
    page.get_by_role("button", name=f"View statement {statement_id}").click()
    raw = page.get_by_role("dialog").get_by_label("Statement JSON")
    expect(raw).to_contain_text(statement_id)
    assert json.loads(raw.inner_text())["actor"]["name"] == learner
    assert page.locator("b").filter(has_text="Learner").count() == 0  # shown as text, not markup
    page.keyboard.press("Escape")
    csv_href = page.get_by_role("link", name="Export CSV").get_attribute("href")
    assert csv_href is not None
    exported = page.request.get(stack.base_url + csv_href)  # the page's session cookie
    assert exported.ok and statement_id in exported.text()
    assert errors == []
    page.close()
