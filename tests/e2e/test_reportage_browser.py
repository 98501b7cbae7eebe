"""Reportage in Debian's Chromium against the real local stack (issue 15): seeded registrations
reach the aggregates through the registrations change stream; the overview, course, learner and
invitation reports render with their charts, the date range changes them, the CSV downloads.
Screenshots go to docs/ (reportage-*.png)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from tests.e2e.stack import ROOT, LocalStack

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
COURSES = {"golf": "Golf Explained", "tennis": "Tennis Basics", "chess": "Chess Openings"}
LEARNERS = ["ada", "bob", "cy", "di", "eve"]


def _seed(stack: LocalStack, realm_id: str) -> int:
    """Registrations over the last 60 days, as commits leave them in the registrations table."""
    ddb = boto3.client("dynamodb", endpoint_url=stack.aws_endpoint, region_name="us-east-1",
                       aws_access_key_id="local", aws_secret_access_key="local")
    today = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    count = 0
    for n in range(36):
        course = list(COURSES)[n % 3]
        learner = LEARNERS[n % 5]
        created = today - timedelta(days=(n * 7) % 60)
        done = n % 3 != 2
        score = 40 + (n * 13) % 61
        details = {"courseTitle": COURSES[course], **({"invitationId": "spring-cohort"} if n % 4 == 0 else {})}
        if done:
            details["completedDate"] = (created + timedelta(days=1)).isoformat().replace("+00:00", "Z")
        stamp = created.strftime("%Y-%m-%dT%H:%M:%S.%f+0000")
        item = {"pk": {"S": f"{realm_id}#REG#seed{n}"}, "sk": {"S": "REG"}, "realm_id": {"S": realm_id},
                "registration_id": {"S": f"seed{n}"}, "course_id": {"S": course},
                "learner": {"S": json.dumps({"id": learner, "firstName": learner.title(), "lastName": "Learner"})},
                "completion": {"S": "COMPLETED" if done else "INCOMPLETE"},
                "success": {"S": ("PASSED" if score >= 60 else "FAILED") if done else "UNKNOWN"},
                "total_seconds": {"N": str(300 + n * 20)}, "version": {"N": "1"}, "created": {"S": stamp},
                "updated": {"S": stamp}, "details": {"S": json.dumps(details)}, "sandbox": {"BOOL": False},
                "gsi1pk": {"S": f"{realm_id}#REGS"}, "gsi1sk": {"S": f"{stamp}#seed{n}"}}
        if done:
            item["score_scaled"] = {"N": str(score)}
        ddb.put_item(TableName="nimbus-registrations", Item=item)
        count += 1
    return count


def _wait_for_aggregates(stack: LocalStack, count: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        shown = stack.api("GET", "/reporting/reports/overview").json()
        if shown["totals"]["registrations"] >= count:
            return
        time.sleep(0.3)
    raise AssertionError("the aggregates did not catch up")


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ROOT / "docs" / f"reportage-{name}.png"), full_page=True)


def test_reports_render_with_charts_change_with_the_range_and_export_csv(browser, fresh_home: Path) -> None:
    from playwright.sync_api import expect

    stack = LocalStack(home=fresh_home).start()
    try:
        creds = stack.credentials()
        _wait_for_aggregates(stack, _seed(stack, creds["realmId"]))
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(stack.base_url + "/reportage")
        page.get_by_label("Email").fill(creds["ownerEmail"])
        page.get_by_label("Password").fill(creds["ownerPassword"])
        page.get_by_role("button", name="Sign in").click()
        totals = page.get_by_label("Totals")
        expect(totals).to_contain_text("36 registrations", timeout=15_000)
        expect(page.get_by_role("img", name="Registrations and completions per day")).to_be_visible()
        expect(page.get_by_role("img", name="Score distribution")).to_be_visible()
        table = page.get_by_role("table", name="Report table")
        expect(table).to_contain_text("Golf Explained")
        _shot(page, "overview")

        with page.expect_download() as download:
            page.get_by_role("link", name="Download CSV").click()
        lines = download.value.path().read_text().splitlines()
        assert lines[0].startswith("key,label,registrations") and len(lines) == 4  # the three courses

        recent = (datetime.now(UTC) - timedelta(days=13)).date().isoformat()
        page.get_by_label("From").fill(recent)
        expect(totals).not_to_contain_text("36 registrations", timeout=10_000)  # the range changes it

        page.get_by_label("From").fill("")
        table.get_by_role("button", name="Golf Explained").click()
        expect(totals).to_contain_text("12 registrations", timeout=10_000)
        expect(page.get_by_role("link", name="This course's registrations →")).to_be_visible()
        _shot(page, "course")

        page.get_by_label("Report").select_option("learner")
        page.get_by_label("Learner id").fill("ada")
        expect(totals).to_contain_text("registrations", timeout=10_000)
        _shot(page, "learner")

        page.get_by_label("Report").select_option("invitation")
        page.get_by_label("Invitation id").fill("spring-cohort")
        expect(totals).to_contain_text("9 registrations", timeout=10_000)
        _shot(page, "invitation")
        assert errors == []
        page.close()
    finally:
        stack.stop()
