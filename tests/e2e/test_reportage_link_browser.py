"""A Reportage link opens the web app's Reportage page signed in (issue 15), in Debian's Chromium
against the real local stack: the unchanged SDK asks for ``reportageAuth`` and ``reportageLink``;
the browser, never signed in, opens the link and sees the realm's numbers; the same link a
second time is refused, and the reports-only session reaches no other part of the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.stack import ROOT, LocalStack
from tests.e2e.test_reportage_browser import _seed, _wait_for_aggregates

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_a_reportage_link_opens_the_report_signed_in_once(browser, fresh_home: Path) -> None:
    import rustici_software_cloud_v2 as scorm
    from playwright.sync_api import expect

    stack = LocalStack(home=fresh_home).start()
    try:
        creds = stack.credentials()
        _wait_for_aggregates(stack, _seed(stack, creds["realmId"]))
        config = scorm.Configuration()
        config.host = creds["apiBase"]
        config.username, config.password = creds["appId"], creds["secretKey"]
        reporting = scorm.ReportingApi(scorm.ApiClient(config))

        auth = reporting.get_reportage_auth_token("FREENAV", admin=False)
        link = reporting.get_reportage_link(auth.query_string, "report=course&key=golf").reportage_link
        assert link.startswith(stack.base_url + "/reportage/view?")

        context = browser.new_context(viewport={"width": 1280, "height": 900})  # no session of anyone
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(link)
        expect(page).to_have_url(f"{stack.base_url}/reportage/link?report=course&key=golf")
        totals = page.get_by_label("Totals")
        expect(totals).to_contain_text("12 registrations", timeout=15_000)  # Golf Explained's seeded numbers
        expect(page.get_by_role("img", name="Registrations, launches and completions per day")).to_be_visible()
        expect(page.locator("svg.recharts-surface").first).to_be_visible()
        expect(page.get_by_text("Nimbus Reportage")).to_be_visible()
        expect(page.get_by_role("navigation", name="Main")).to_have_count(0)  # not the signed-in app
        # the course's question analysis, read with the link's session
        q1 = page.get_by_role("table", name="Question analysis").get_by_role("row").filter(
            has_text="Which club do you putt with?")
        expect(q1).to_contain_text("45%")
        expect(q1).to_contain_text("driver × 4")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download question analysis CSV").click()
        assert download.value.path().read_text().splitlines()[1].startswith("q1,item_1,Which club do you putt with?")
        page.screenshot(path=str(ROOT / "docs" / "reportage-link.png"), full_page=True)

        page.get_by_label("Report").select_option("overview")  # FREENAV: the other reports of the realm
        expect(totals).to_contain_text("36 registrations", timeout=10_000)
        with page.expect_download() as download:
            page.get_by_role("link", name="Download CSV").click()
        assert download.value.path().read_text().splitlines()[0].startswith("key,label,registrations")

        # the session is for reports only: the rest of the API does not take it
        for path in ("/api/session", "/api/app/courses", "/api/app/registrations", "/api/app/reportage/overview",
                     "/api/account/usage", "/api/users"):
            answered = page.request.get(stack.base_url + path)
            assert answered.status in (401, 403), (path, answered.status)

        replay = context.new_page()
        answered = replay.goto(link)  # the same link a second time
        assert answered is not None and answered.status == 401
        assert "opened already" in replay.content()
        other = browser.new_context()
        elsewhere = other.new_page().goto(link)  # nor in another browser
        assert elsewhere is not None and elsewhere.status == 401
        other.close()
        assert errors == []
        context.close()
    finally:
        stack.stop()
