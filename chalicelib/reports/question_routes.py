"""Question analysis routes: a course's interactions with attempts, % correct and the common wrong
answers, over a date range (``from`` / ``to``, yyyy-mm-dd; the last 90 days by default), as JSON
or ``format=csv`` — in the web app (``/api/app/reportage/course/{courseId}/questions``) and in API
v2 (``/api/v2/reporting/reports/course/{courseId}/questions``, a Nimbus addition beside the other
reports) and in a Reportage link's reports-only session
(``/api/app/reportage-link/reports/course/{courseId}/questions``, within the link's navigation
permission, as its course report). See :mod:`chalicelib.reports.questions` and docs/reportage.md."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import permissions
from chalicelib.reports import link_session, queries, questions
from chalicelib.reports.routes import LINK_SESSION
from chalicelib.routes import caller

api = Blueprint(__name__)


def _answer(course_id: str) -> Any:
    params = dict(api.current_request.query_params or {})
    first, last = queries.date_range(params)
    shown = questions.for_course(caller(api).realm_id, course_id, first, last)
    if params.get("format") == "csv":
        return Response(body=questions.csv_text(shown), status_code=200, headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="reportage-questions-{first}-{last}.csv"'})
    return shown


@api.route("/api/app/reportage/course/{courseId}/questions", methods=["GET"])
@permissions.declare(permissions.web(permissions.ADMINS))
def web_course_questions(courseId: str) -> Any:  # noqa: N803 - the API's parameter name
    return _answer(courseId)


@api.route("/api/v2/reporting/reports/course/{courseId}/questions", methods=["GET"])
def api_course_questions(courseId: str) -> Any:  # noqa: N803
    return _answer(courseId)


@api.route("/api/app/reportage-link/reports/course/{courseId}/questions", methods=["GET"])
@permissions.declare(LINK_SESSION)
def link_course_questions(courseId: str) -> Any:  # noqa: N803
    link_session.check_report(caller(api), "course", courseId)
    return _answer(courseId)
