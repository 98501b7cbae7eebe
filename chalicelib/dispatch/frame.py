"""The page Nimbus answers a dispatch launch with, inside the package's frame: the player (framed,
same origin) plus ``static/frame.js``, which relays results to the host; or, for a refused
launch, the reason, shown to the learner inside the host LMS."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from chalicelib.dispatch import dispatches

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{title}</title>
<style>html,body{{margin:0;height:100%}}iframe{{border:0;width:100%;height:100%;display:block}}
main{{font-family:sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}}</style>
<script type="application/json" id="nimbus-dispatch-frame">{config}</script>
<script src="/launch/dispatch/static/frame.js" defer></script></head><body>{body}</body></html>"""


def _json(data: Any) -> str:
    text = json.dumps(data, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def playing(session_token: str, host_origin: str, attempt: str, title: str) -> str:
    config = {"hostOrigin": host_origin, "attempt": attempt, "player": f"/launch/s/{session_token}/player",
              "status": f"/launch/dispatch/s/{session_token}/status"}
    body = f'<iframe id="nimbus-player" title="{escape(title)}" allow="fullscreen"></iframe>'
    return _PAGE.format(title=escape(title or "Course"), config=_json(config), body=body)


def refused(message: str, host_origin: str) -> str:
    body = f'<main><h1>Cannot play this course</h1><p id="nimbus-refused">{escape(message)}</p></main>'
    config = {"hostOrigin": host_origin, "refused": message}
    if not host_origin:  # no origin to tell: show the message only
        return _PAGE.format(title="Cannot play this course", config=_json({}), body=body).replace(
            '<script src="/launch/dispatch/static/frame.js" defer></script>', "")
    return _PAGE.format(title="Cannot play this course", config=_json(config), body=body)


def title_of(item: Any) -> str:
    return str(dispatches.Names.of_one(item).courses.get(item.course_id, "") or "Course")
