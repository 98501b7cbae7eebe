"""The SPA in Debian's Chromium, driven by Playwright, against the running local stack."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.e2e.stack import LocalStack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
NAV = ["Library", "People", "Invitations", "Dispatch", "Reportage", "LRS", "Apps", "Account", "Settings"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_owner_signs_in_and_sees_the_product_navigation(browser, stack: LocalStack, tmp_path) -> None:
    from playwright.sync_api import expect

    creds = stack.credentials()
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
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
