"""The HTML a visitor of an invitation link sees (no sign-in): the splash form and the pages that
say why an invitation lets nobody in. Every value from data or from the visitor is escaped; the
pages load nothing (a strict Content-Security-Policy travels with them, see :data:`HEADERS`)."""

from __future__ import annotations

from html import escape

from chalicelib.invitations.common import STATES

HEADERS = {
    "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
}
_STYLE = """body{font-family:system-ui,sans-serif;background:#f4f6f8;color:#1b1f24;margin:0}
main{max-width:34rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #99a;border-radius:4px}
button{margin-top:1.2rem;padding:.6rem 1.4rem;font-size:1rem;background:#1c7ed6;color:#fff;border:0;
border-radius:4px}
.error{color:#b00020;font-weight:600}.note{color:#555}.trap{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}"""


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="robots" content="noindex">'
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body><main>{body}</main></body></html>")


def splash(course_title: str, description: str, csrf: str, *, values: dict[str, str] | None = None,
           error: str = "", note: str = "") -> str:
    """The form: first name, last name, email; a hidden CSRF token; a honeypot field people never see."""
    shown = values or {}

    def field(name: str, label: str, kind: str, autocomplete: str) -> str:
        return (f'<label for="{name}">{label}</label><input id="{name}" name="{name}" type="{kind}" required '
                f'maxlength="254" autocomplete="{autocomplete}" value="{escape(shown.get(name, ""))}">')

    return _page(f"Invitation: {course_title}", (
        f"<h1>{escape(course_title)}</h1>"
        + (f'<p class="description">{escape(description)}</p>' if description else "")
        + '<p class="note">You have been invited to take this course. Enter your name and email address to start; '
          "with the same email address you can come back and continue later.</p>"
        + (f'<p class="note" role="note">{escape(note)}</p>' if note else "")
        + (f'<p class="error" role="alert">{escape(error)}</p>' if error else "")
        + '<form method="post">'
        + field("firstName", "First name", "text", "given-name")
        + field("lastName", "Last name", "text", "family-name")
        + field("email", "Email", "email", "email")
        + f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        + '<div class="trap" aria-hidden="true"><label for="website">Leave this empty</label>'
          '<input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>'
        + '<button type="submit">Start the course</button></form>'))


def problem(state: str, course_title: str = "") -> str:
    """Why the invitation lets nobody in (a key of :data:`STATES`, or a message of its own)."""
    title, text = STATES.get(state, ("This invitation cannot be used", state))
    heading = f"<p class=\"note\">{escape(course_title)}</p>" if course_title else ""
    return _page(title, f'<h1 data-state="{escape(state if state in STATES else "other")}">{escape(title)}</h1>'
                        f"{heading}<p>{escape(text)}</p>")
