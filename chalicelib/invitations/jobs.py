"""A private invitation's email job (API v2 GetPrivateInvitationJobStatus): the API queues one
task on the work queue (the import queue, which the import function consumes — locally, the event
pump); the task sends each person their personal link and records progress and every failure.

Delivery is at least once: a redelivered first send skips people already emailed; a resend
(:func:`chalicelib.invitations.private.resend`) names whom to email again.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from chalicelib.invitations import common, emails
from chalicelib.observability import log_event
from chalicelib.store import invitations as store
from chalicelib.store import mail, queues

LOG = logging.getLogger("nimbus.invitations")
TASK = "invitation-emails"


def start(realm_id: str, invitation_id: str, people: list[int] | None) -> None:
    queues.send_import_task({"nimbus": TASK, "realmId": realm_id, "invitationId": invitation_id, "people": people})


def parse_task(body: str) -> dict[str, Any] | None:
    """An email task (``{"nimbus": "invitation-emails", ...}``), else None."""
    try:
        message = json.loads(body)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("nimbus") != TASK:
        return None
    if not isinstance(message.get("realmId"), str) or not isinstance(message.get("invitationId"), str):
        return None
    people = message.get("people")
    return {"realmId": message["realmId"], "invitationId": message["invitationId"],
            "people": [int(n) for n in people] if isinstance(people, list) else None}


def run(realm_id: str, invitation_id: str, numbers: list[int] | None) -> None:
    item = store.get(realm_id, invitation_id)
    if item is None:  # its course was deleted meanwhile
        return
    email = dict(item.email or {})
    chosen = [p for p in store.users(realm_id, invitation_id)
              if (int(p.number) in numbers if numbers is not None else int(p.emails_sent or 0) == 0)]
    failures = 0
    for person in chosen:
        name = f"{person.first_name} {person.last_name}".strip()
        data = emails.values(item.course_title, email.get("subject", ""), email.get("body", ""), name=name,
                             url=common.personal_url(realm_id, invitation_id, person), expiration=item.expiration)
        try:
            where = emails.send(invitation_id, person.email, name, data)
        except mail.NotSent as err:
            failures += 1
            store.job_progress(realm_id, invitation_id, processed=1, errors=[f"{person.email}: not sent ({err})"],
                               when=common.now())
            continue
        store.mark_user(person, email_sent=True, when=common.now())
        store.job_progress(realm_id, invitation_id, processed=1, when=common.now())
        log_event(LOG, "invitation email sent", invitation=invitation_id, to=person.number, where=where)
    job = store.get_job(realm_id, invitation_id)
    nobody = not chosen and numbers is None and job is not None and bool(job.errors)  # every address was bad
    status = "ERROR" if (chosen and failures == len(chosen)) or nobody else "COMPLETE"
    store.job_progress(realm_id, invitation_id, status=status, when=common.now())


def handle(task: dict[str, Any]) -> None:
    run(task["realmId"], task["invitationId"], task["people"])


def status(realm_id: str, invitation_id: str) -> dict[str, Any]:
    """InvitationJobStatusSchema."""
    common.require(realm_id, invitation_id, public=False)
    job = store.get_job(realm_id, invitation_id)
    if job is None:
        return {"status": "COMPLETE", "errors": [], "total": 0, "processed": 0}
    return {"status": job.status, "errors": list(job.errors or []), "total": int(job.total or 0),
            "processed": int(job.processed or 0)}
