"""The private-invitation email: one template (the SES template ``infra/resources.json`` holds is
generated from :data:`TEMPLATE`; a unit test keeps them equal), rendered here for the local outbox
as an RFC 5322 message (the ``email`` package, SMTP policy: CRLF, folded and encoded headers)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape
from typing import Any

from chalicelib.courses import iso
from chalicelib.store import mail

#: The invitation email (SES template syntax: ``{{name}}``).
TEMPLATE: dict[str, str] = {
    "TemplateName": "nimbus-invitation",
    "SubjectPart": "{{subject}}",
    "TextPart": ("Hello {{name}},\n\n{{body}}\n\nYou are invited to take the course \"{{courseTitle}}\".\n"
                 "Open your personal link to start (or continue) it:\n\n{{launchUrl}}\n\n{{expiry}}\n"
                 "This link is for you alone: do not share it.\n"),
    "HtmlPart": ("<!doctype html><html><body><p>Hello {{name}},</p><p>{{body}}</p>"
                 "<p>You are invited to take the course <strong>{{courseTitle}}</strong>.</p>"
                 "<p><a href=\"{{launchUrl}}\">Start the course</a></p><p>{{expiry}}</p>"
                 "<p>This link is for you alone: do not share it.</p></body></html>"),
}
FIELD = re.compile(r"{{(\w+)}}")
URL = re.compile(r"https?://[^\s<>\"']+")


def values(course_title: str, subject: str, body: str, *, name: str, url: str,
           expiration: datetime | None) -> dict[str, str]:
    return {"subject": subject or f"Invitation: {course_title}", "body": body, "name": name or "there",
            "courseTitle": course_title, "launchUrl": url,
            "expiry": f"The invitation expires at {iso(expiration)}." if expiration else ""}


def render(part: str, data: dict[str, str], *, html: bool = False) -> str:
    return FIELD.sub(lambda m: escape(data.get(m.group(1), "")) if html else data.get(m.group(1), ""), part)


def message(to_address: str, to_name: str, data: dict[str, str]) -> EmailMessage:
    """The RFC 5322 message (header values were refused earlier if they held line breaks)."""
    built = EmailMessage()
    built["From"] = mail.sender()
    user, _, domain = to_address.partition("@")
    built["To"] = Address(display_name=to_name, username=user, domain=domain)
    built["Subject"] = render(TEMPLATE["SubjectPart"], data)
    built["Date"] = format_datetime(datetime.now(UTC))
    built["Message-ID"] = make_msgid(domain="nimbus.local")
    built.set_content(render(TEMPLATE["TextPart"], data), cte="quoted-printable")
    built.add_alternative(render(TEMPLATE["HtmlPart"], data, html=True), subtype="html", cte="quoted-printable")
    return built


def send(invitation_id: str, to_address: str, to_name: str, data: dict[str, str]) -> str:
    return mail.send(invitation_id, message(to_address, to_name, data), data)


def outbox(visible: set[str] | None) -> dict[str, Any]:
    """The local outbox (web app's Outbox page): messages of the invitations in ``visible``."""
    if mail.outbox() is None:
        return {"enabled": False, "messages": []}
    shown = []
    for found in mail.outbox_messages():
        if visible is not None and found["group"] not in visible:
            continue
        parsed = found["message"]
        text_part = parsed.get_body(preferencelist=("plain",))
        text = text_part.get_content() if text_part is not None else ""
        shown.append({"invitationId": found["group"], "number": found["number"], "to": str(parsed["To"]),
                      "from": str(parsed["From"]), "subject": str(parsed["Subject"]), "date": str(parsed["Date"]),
                      "text": text, "links": URL.findall(text)})
    shown.sort(key=lambda m: (m["date"], m["invitationId"], m["number"]), reverse=True)
    return {"enabled": True, "messages": shown}
