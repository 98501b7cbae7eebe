"""``/api/v2/ping`` and ``/api/v2/about`` (SCORM Cloud API v2: PingApi, AboutApi)."""

from __future__ import annotations

from datetime import UTC, datetime

from chalice.app import Blueprint

from chalicelib import __version__, permissions

api = Blueprint(__name__)
PERMISSION = permissions.api()  # any app credential or token, whatever its scopes


@api.route("/ping", methods=["GET"])
def ping() -> dict[str, str]:
    """PingSchema: ``apiMessage`` and ``currentTime``."""
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"apiMessage": "pong", "currentTime": now}


@api.route("/about", methods=["GET"])
def about() -> dict[str, str]:
    """AboutSchema: ``version`` and ``distribution``."""
    return {"version": __version__, "distribution": "Nimbus"}
