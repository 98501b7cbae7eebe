"""API v2 ``ReportingApi``: ``accountInfo`` (ReportageAccountInfoSchema), ``reportageAuth``
(ReportageAuthTokenSchema) and ``reportageLink`` (ReportageLinkSchema).

SCORM Cloud hands out a short-lived Reportage session for an app's credentials; here
``reportageAuth`` mints a token of the app (5 minutes, scope ``read:reporting`` only, so it can
read reports and nothing else) and ``reportageLink`` turns it into a link to the report page
``{baseUrl}/reportage/view`` that opens without signing in while the token lasts.
``navPermission`` (NONAV / DOWNONLY / FREENAV) and ``admin`` are recorded in the link; the page
only ever shows the token's realm.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from chalicelib import plans, tokens
from chalicelib.config import settings
from chalicelib.errors import BadRequest
from chalicelib.store import accounts as account_store
from chalicelib.store import courses as course_store
from chalicelib.store import repos

TOKEN_SECONDS = 300
NAV_PERMISSIONS = ("NONAV", "DOWNONLY", "FREENAV")
REPORTS = ("overview", "course", "learner", "invitation", "destination", "app")


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
    token = tokens.mint(realm_id, app_id, frozenset({"read:reporting"}), TOKEN_SECONDS)
    admin = (params.get("admin") or "false").lower() == "true"
    return {"authEnabled": True, "queryString": urlencode({"auth": token, "nav": nav, "admin": str(admin).lower()})}


def link(params: dict[str, str]) -> dict[str, str]:
    """``reportUrl``: a report page of this deployment (``{baseUrl}/reportage/view?report=…``) or
    just the report's query (``report=course&key=golf``); ``auth``: reportageAuth's queryString."""
    raw_auth, report_url = params.get("auth") or "", params.get("reportUrl") or ""
    given = parse_qs(raw_auth)
    if not given.get("auth"):
        raise BadRequest("auth must be the queryString that reportageAuth returned.")
    report = parse_qs(urlsplit(report_url).query or report_url)
    wanted = {k: v[0] for k, v in report.items() if k in ("report", "key", "from", "to")}
    if wanted.get("report", "overview") not in REPORTS:
        raise BadRequest(f"reportUrl: report must be one of {', '.join(REPORTS)}.")
    query = urlencode({**{k: v[0] for k, v in given.items()}, **wanted})
    return {"reportageLink": f"{settings().base_url.rstrip('/')}/reportage/view?{query}"}


def realm_of_token(token: str) -> str:
    """The realm a reportage token is for (401 if expired, forged or not a reporting token)."""
    claims = tokens.verify(token)
    if "read:reporting" not in claims.scopes:
        raise BadRequest("auth is not a Reportage token.")
    return claims.realm_id
