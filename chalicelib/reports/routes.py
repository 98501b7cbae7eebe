"""Reportage routes: the web app's reports (``/api/app/reportage/{report}``), the same in API v2
(``/api/v2/reporting/reports/{report}``, a Nimbus addition), API v2 ``ReportingApi`` and the report
page a ``reportageLink`` opens (``/reportage/view``, its token in the link).

Every report takes ``key`` (which course, learner, invitation, destination or app), ``from`` and
``to`` (yyyy-mm-dd; the last 90 days by default), ``table`` (overview: a dimension to list with
totals), ``tableLimit`` (how many of its busiest keys, 100 by default; ``tableMore`` says how many
more there are) and ``format=csv`` (a download)."""

from __future__ import annotations

import html
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import permissions
from chalicelib.errors import BadRequest
from chalicelib.reports import queries, reporting
from chalicelib.reports.aggregates import DIMENSIONS
from chalicelib.routes import caller

api = Blueprint(__name__)
WEB = permissions.web(permissions.ADMINS)
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
    return reporting.link(_params())


def _page(shown: dict[str, Any], params: dict[str, str]) -> str:
    """The report as a self-contained page (every value escaped)."""
    esc = html.escape
    totals = shown["totals"]
    peak = max([1] + [d["completions"] + d["registrations"] for d in shown["series"]])
    bars = "".join(
        f'<rect x="{n * 6}" y="{100 - 100 * (d["registrations"]) / peak:.1f}" width="5" '
        f'height="{100 * d["registrations"] / peak:.1f}" fill="#74c0fc"><title>{esc(d["day"])}: '
        f'{d["registrations"]} registrations, {d["completions"]} completions</title></rect>'
        f'<rect x="{n * 6}" y="{100 - 100 * d["completions"] / peak:.1f}" width="5" '
        f'height="{100 * d["completions"] / peak:.1f}" fill="#1971c2"/>'
        for n, d in enumerate(shown["series"]))
    rows = "".join(f"<tr><td>{esc(r['label'] or r['key'])}</td><td>{r['registrations']}</td><td>{r['completions']}</td>"
                   f"<td>{r['passes']}</td><td>{r['failures']}</td><td>{esc(str(r['averageScore']))}</td></tr>"
                   for r in shown.get("table") or [])
    csv_query = esc("&".join(f"{k}={v}" for k, v in {**params, "format": "csv"}.items()), quote=True)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Reportage</title>"
        "<meta name='referrer' content='no-referrer'></head><body style='font-family:sans-serif'>"
        f"<h1>Reportage: {esc(shown['dimension'])} {esc(shown['key'])}</h1>"
        f"<p>{esc(shown['from'])} – {esc(shown['to'])} · {totals['registrations']} registrations · "
        f"{totals['completions']} completions · pass rate {esc(str(totals['passRate']))} · "
        f"average score {esc(str(totals['averageScore']))}</p>"
        f"<svg role='img' aria-label='Registrations and completions per day' width='{6 * len(shown['series'])}' "
        f"height='100'>{bars}</svg>"
        f"<table><tr><th>Name</th><th>Registrations</th><th>Completions</th><th>Passes</th><th>Failures</th>"
        f"<th>Average score</th></tr>{rows}</table>"
        f"<p><a href='/reportage/view?{csv_query}'>Download CSV</a></p></body></html>")


@api.route("/reportage/view", methods=["GET"])
@permissions.declare(permissions.public("a Reportage link: its short-lived read:reporting token is the credential"))
def reportage_view() -> Response:
    params = _params()
    realm_id = reporting.realm_of_token(params.get("auth") or "")
    shown = build(realm_id, params.get("report") or "overview", params)
    if params.get("format") == "csv":
        return _answer(shown, params, params.get("report") or "overview")  # type: ignore[no-any-return]
    return Response(body=_page(shown, params), status_code=200, headers={
        "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'", "X-Frame-Options": "DENY"})
