"""Reportage routes: the web app's reports (``/api/app/reportage/{report}``), the same in API v2
(``/api/v2/reporting/reports/{report}``, a Nimbus addition), API v2 ``ReportingApi``, the address a
``reportageLink`` opens (``/reportage/view``: takes its one-time token, opens a reports-only session
and redirects to the SPA's ``/reportage/link`` page) and that session's routes
(``/api/app/reportage-link/*``; see :mod:`chalicelib.reports.link_session`).

Every report takes ``key`` (which course, learner, invitation, destination or app), ``from`` and
``to`` (yyyy-mm-dd; the last 90 days by default), ``table`` (overview: a dimension to list with
totals), ``tableLimit`` (how many of its busiest keys, 100 by default; ``tableMore`` says how many
more there are) and ``format=csv`` (a download)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from chalice.app import Blueprint, Response

from chalicelib import permissions
from chalicelib.errors import BadRequest
from chalicelib.reports import link_session, queries, reporting
from chalicelib.reports.aggregates import DIMENSIONS
from chalicelib.routes import caller

api = Blueprint(__name__)
WEB = permissions.web(permissions.ADMINS)
LINK_SESSION = permissions.Rule(callers=frozenset({link_session.KIND}),
                                note="a Reportage link's reports-only session (GET only)")
REPORT_DIMENSION = {"overview": "all", "course": "course", "learner": "learner", "invitation": "invitation",
                    "destination": "destination", "app": "app"}


def _params() -> dict[str, str]:
    return dict(api.current_request.query_params or {})


def build(realm_id: str, report: str, params: dict[str, str]) -> dict[str, Any]:
    dimension = REPORT_DIMENSION.get(report)
    if dimension is None:
        raise BadRequest(f"report must be one of {', '.join(REPORT_DIMENSION)}.")
    key = "-" if dimension == "all" else params.get("key") or ""
    if not key:
        raise BadRequest(f"key is required for the {report} report.")
    table = params.get("table") or ("course" if dimension == "all" else None)
    if table is not None and table not in DIMENSIONS[1:]:
        raise BadRequest(f"table must be one of {', '.join(DIMENSIONS[1:])}.")
    first, last = queries.date_range(params)
    try:
        limit = int(params.get("tableLimit") or queries.TABLE_LIMIT)
    except ValueError as err:
        raise BadRequest("tableLimit must be a whole number.") from err
    return queries.report(realm_id, dimension, key, first, last, with_table=table, table_limit=limit)


def _answer(shown: dict[str, Any], params: dict[str, str], name: str) -> Any:
    if params.get("format") == "csv":
        return Response(body=queries.csv_text(shown), status_code=200, headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="reportage-{name}-{shown["from"]}-{shown["to"]}.csv"'})
    return shown


@api.route("/api/app/reportage/{report}", methods=["GET"])
@permissions.declare(WEB)
def web_report(report: str) -> Any:
    params = _params()
    return _answer(build(caller(api).realm_id, report, params), params, report)


@api.route("/api/v2/reporting/reports/{report}", methods=["GET"])
def api_report(report: str) -> Any:
    params = _params()
    return _answer(build(caller(api).realm_id, report, params), params, report)


@api.route("/api/v2/reporting/accountInfo", methods=["GET"])
def get_account_info() -> dict[str, Any]:
    return reporting.account_info(caller(api).realm_id)


@api.route("/api/v2/reporting/reportageAuth", methods=["GET"])
def get_reportage_auth_token() -> dict[str, Any]:
    who = caller(api)
    return reporting.auth(who.realm_id, who.principal, _params())


@api.route("/api/v2/reporting/reportageLink", methods=["GET"])
def get_reportage_link() -> dict[str, str]:
    return reporting.link(caller(api).realm_id, _params())


@api.route("/reportage/view", methods=["GET"])
@permissions.declare(permissions.public("a Reportage link: its one-time, 5-minute token is the credential"))
def reportage_view() -> Response:
    """Open a Reportage link once: a reports-only session and a 303 to the SPA's report page."""
    params = _params()
    named = {k: v for k, v in params.items() if k in ("report", "key", "from", "to")}
    wanted = reporting.wanted_report(urlencode(named))
    opened = link_session.open_link(params.get("auth") or "", wanted["report"], wanted.get("key", ""),
                                    wanted.get("from", ""), wanted.get("to", ""))
    return Response(body="", status_code=303, headers={
        "Location": opened.location, "Set-Cookie": opened.cookie, "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer"})


@api.route("/api/app/reportage-link/session", methods=["GET"])
@permissions.declare(LINK_SESSION)
def reportage_link_session() -> dict[str, Any]:
    return link_session.describe(caller(api))


@api.route("/api/app/reportage-link/reports/{report}", methods=["GET"])
@permissions.declare(LINK_SESSION)
def reportage_link_report(report: str) -> Any:
    params, who = _params(), caller(api)
    link_session.check_report(who, report, params.get("key") or "")
    return _answer(build(who.realm_id, report, params), params, report)
