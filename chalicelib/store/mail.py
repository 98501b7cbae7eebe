"""Outgoing email: Amazon SES on AWS (a stored template, ``infra/resources.json``), or RFC 5322
files in a local outbox directory (``NIMBUS_OUTBOX``; the local stack sets it to
``$NIMBUS_HOME/outbox``), one ``<n>.eml`` per message under a folder per group (an invitation)."""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import env, settings

if TYPE_CHECKING:
    from email.message import EmailMessage


class NotSent(Exception):
    """The mail service refused the message (the text says why)."""


def outbox() -> Path | None:
    configured = env("NIMBUS_OUTBOX")
    return Path(configured) if configured else None


def sender() -> str:
    return env("MAIL_FROM")


def _write(folder: Path, message: EmailMessage) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = message.as_bytes(policy=policy.SMTP)
    number = len(list(folder.glob("*.eml"))) + 1
    while True:
        target = folder / f"{number}.eml"
        try:
            with target.open("xb") as handle:  # exclusive: two writers never share a number
                handle.write(data)
            return target
        except FileExistsError:
            number += 1


def send(group: str, message: EmailMessage, template_data: dict[str, str]) -> str:
    """Send one message; returns where it went (a file path or an SES message id)."""
    folder = outbox()
    if folder is not None:
        return str(_write(folder / group, message))
    to = str(message["To"])
    try:
        answer = boto3.client("ses", region_name=settings().region).send_templated_email(
            Source=sender(), Destination={"ToAddresses": [to]}, Template=env("INVITATION_EMAIL_TEMPLATE"),
            TemplateData=json.dumps(template_data))
    except (ClientError, BotoCoreError) as err:
        raise NotSent(str(err)) from err
    return str(answer.get("MessageId", ""))


def outbox_messages() -> list[dict[str, Any]]:
    """Every message in the local outbox: group, number, headers and the parsed message."""
    folder = outbox()
    if folder is None or not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*/*.eml"), key=lambda p: (p.parent.name, int(p.stem) if p.stem.isdigit() else 0)):
        with path.open("rb") as handle:
            parsed = BytesParser(policy=policy.default).parse(handle)
        found.append({"group": path.parent.name, "number": int(path.stem) if path.stem.isdigit() else 0,
                      "message": parsed, "modified": path.stat().st_mtime})
    return found
