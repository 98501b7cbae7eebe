"""The HTML the player routes answer: the player page, a problem page, a shared debug log.

Everything that comes from data (course titles, log entries, messages) is escaped; the player's
configuration travels as JSON in a ``<script type="application/json">`` with ``<``, ``>`` and
``&`` escaped, so no value can end the script element.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{title}</title>{head}</head>
<body{body_attrs}>{body}</body></html>"""


def _json_script(element_id: str, data: Any) -> str:
    text = json.dumps(data, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def player(session_token: str, context: dict[str, Any]) -> str:
    config = {**context, "base": f"/launch/s/{session_token}"}
    head = ('<link rel="stylesheet" href="/launch/player/player.css">'
            + _json_script("nimbus-config", config)
            + '<script src="/launch/player/runtime.js"></script><script src="/launch/player/player.js" defer></script>')
    body = f"""
<header class="bar"><button type="button" id="toc-toggle" aria-controls="toc" aria-expanded="true">Contents</button>
<h1 id="course-title">{escape(context.get("title") or "Course")}</h1>
<nav class="flow" aria-label="Course navigation"><button type="button" id="prev" disabled>Previous</button>
<button type="button" id="next" disabled>Next</button>{_exit_buttons(bool(context.get("sequenced")))}</nav>
<span id="save-state" role="status" aria-live="polite"></span></header>
<main class="stage"><nav id="toc" aria-label="Table of contents"><ol id="toc-list"></ol></nav>
<iframe id="content" title="Course content" name="content"></iframe>
<button type="button" id="open-window" hidden>Open the course</button></main>
<div id="message" hidden role="alert"></div>"""
    return _PAGE.format(title=escape(context.get("title") or "Course"), head=head, body=body,
                        body_attrs=' class="sandbox"' if context.get("sandbox") else "")


def _exit_buttons(sequenced: bool) -> str:
    """Leaving: SCORM 2004 sequencing has three navigation requests for it (SN §4.4.3): exit (this
    activity), suspendAll (keep the course attempt for later) and exitAll (end the course attempt);
    other courses have one Exit (the SCOs' data is kept either way)."""
    if not sequenced:
        return '<button type="button" id="exit">Exit</button>'
    return ('<button type="button" id="exit" title="Leave this activity">Exit</button>'
            '<button type="button" id="suspend-all" title="Leave the course and continue later">Suspend</button>'
            '<button type="button" id="exit-all" title="End this attempt on the course">Exit All</button>')


def problem(message: str) -> str:
    body = f'<main style="font-family:sans-serif;max-width:40rem;margin:3rem auto"><h1>Cannot launch</h1>' \
           f"<p>{escape(message)}</p></main>"
    return _PAGE.format(title="Cannot launch", head="", body=body, body_attrs="")


def _entry_row(entry: Any) -> str:
    if not isinstance(entry, dict):
        return f"<tr><td colspan=5>{escape(str(entry))}</td></tr>"
    kind = str(entry.get("kind") or entry.get("call") or "")
    args = entry.get("args") if isinstance(entry.get("args"), list) else [
        {k: v for k, v in entry.items() if k not in ("t", "kind", "call", "result", "error")}]
    return (f"<tr><td>{escape(str(entry.get('t', '')))}</td><td>{escape(kind)}</td>"
            f"<td><code>{escape(json.dumps(args)[:2000])}</code></td>"
            f"<td><code>{escape(str(entry.get('result', ''))[:500])}</code></td>"
            f"<td>{escape(str(entry.get('error', '')))}</td></tr>")


def debug_log(log: dict[str, Any], share: str) -> str:
    rows = "".join(_entry_row(e) for e in log.get("entries", []))
    body = f"""<main style="font-family:sans-serif;margin:1rem"><h1>Debug log</h1>
<p>Registration <b>{escape(log.get("registrationId", ""))}</b>, launch {escape(log.get("launchId", ""))}
at {escape(str(log.get("launchTime", "")))}.
<a href="/launch/debug/{escape(share)}/log.json" download>Download JSON</a></p>
<table border=1 cellpadding=3 style="border-collapse:collapse;font-size:13px"><thead><tr><th>Time</th>
<th>Call / event</th>
<th>Arguments</th><th>Returned</th><th>Error code</th></tr></thead><tbody>{rows}</tbody></table></main>"""
    return _PAGE.format(title="Debug log", head="", body=body, body_attrs="")
