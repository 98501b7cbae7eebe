"""API v2 ``ReportingApi``: ``accountInfo`` (ReportageAccountInfoSchema), ``reportageAuth``
(ReportageAuthTokenSchema) and ``reportageLink`` (ReportageLinkSchema).

SCORM Cloud hands out a short-lived Reportage session for an app's credentials; here
``reportageAuth`` stores a one-time grant of the app (5 minutes; see
:mod:`chalicelib.reports.link_session`) and ``reportageLink`` turns it into a link
``{baseUrl}/reportage/view?auth=…&report=…`` that, opened once, signs the browser into the web
app's Reportage page with a reports-only session of the grant's realm. ``navPermission``
(NONAV / DOWNONLY / FREENAV) limits which reports that session may open; ``admin`` is recorded and
grants nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from chalicelib import plans
from chalicelib.config import settings
from chalicelib.errors import BadRequest
from chalicelib.reports import link_session
from chalicelib.store import accounts as account_store
from chalicelib.store import courses as course_store
from chalicelib.store import repos

NAV_PERMISSIONS = link_session.NAV_PERMISSIONS
REPORTS = ("overview", "course", "learner", "invitation", "destination", "app")
#: A SCORM Cloud style ``reportUrl`` names its report by an id parameter (``…?courseId=golf``).
ID_PARAMETERS = {"courseId": "course", "learnerId": "learner", "invitationId": "invitation",
                 "destinationId": "destination", "appId": "app"}


def account_info(realm_id: str) -> dict[str, Any]:
    realm = repos.get_realm(realm_id)
    plan = plans.plan_of(realm_id)
    owners = [m.email for m in account_store.members_of(realm_id) if m.role == "owner"]
    usage = account_store.get_usage(realm_id)
    month = datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return {"email": owners[0] if owners else "", "firstName": "", "lastName": "",
            "company": realm.name if realm else realm_id, "accountType": plan.id,
            "regLimit": plan.registration_limit or 0, "strictLimit": plan.registration_limit is not None,
            "createDate": realm.created.isoformat() if realm else None,
            "usage": {"monthStart": month.isoformat(),
                      "regCount": plans.registrations_counted(plans.coverage_root(realm_id), plan),
                      "totalRegistrations": int(usage.registrations_all_time or 0),
                      "totalCourses": len(course_store.list_courses(realm_id))}}


def auth(realm_id: str, app_id: str, params: dict[str, str]) -> dict[str, Any]:
    nav = (params.get("navPermission") or "").upper()
    if nav not in NAV_PERMISSIONS:
        raise BadRequest(f"navPermission must be one of {', '.join(NAV_PERMISSIONS)}.")
    admin = (params.get("admin") or "false").lower() == "true"
    token = link_session.grant(realm_id, app_id, nav, admin=admin)
    return {"authEnabled": True, "queryString": urlencode({"auth": token, "nav": nav, "admin": str(admin).lower()})}


def wanted_report(report_url: str) -> dict[str, str]:
    """The report a ``reportUrl`` names: ``report=course&key=golf`` (optionally ``from``/``to``), a
    page URL with that query, or SCORM Cloud style ``…?courseId=golf``."""
    report = parse_qs(urlsplit(report_url).query or report_url)
    wanted = {k: v[0] for k, v in report.items() if k in ("report", "key", "from", "to")}
    if "report" not in wanted:
        for name, kind in ID_PARAMETERS.items():
            if report.get(name):
                wanted.update(report=kind, key=report[name][0])
                break
    if wanted.setdefault("report", "overview") not in REPORTS:
        raise BadRequest(f"reportUrl: report must be one of {', '.join(REPORTS)}.")
    if wanted["report"] != "overview" and not wanted.get("key"):
        raise BadRequest(f"reportUrl: key is required for the {wanted['report']} report.")
    return wanted


def link(realm_id: str, params: dict[str, str]) -> dict[str, str]:
    """``auth``: reportageAuth's queryString (a live grant of this realm); ``reportUrl``: the report
    to open (:func:`wanted_report`; the overview when empty)."""
    given = parse_qs(params.get("auth") or "")
    if not given.get("auth"):
        raise BadRequest("auth must be the queryString that reportageAuth returned.")
    link_session.check_grant(realm_id, given["auth"][0])
    query = urlencode({"auth": given["auth"][0], **wanted_report(params.get("reportUrl") or "")})
    return {"reportageLink": f"{settings().base_url.rstrip('/')}/reportage/view?{query}"}
