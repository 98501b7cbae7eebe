"""Erasing a learner's personal data (SCORM Cloud API v2 LearnerApi ``deleteAllLearnerData``,
``POST /learner/{learnerId}/delete-information``: "deletes all of the PII information for the
learner ... for complying with GDPR requests", GDPR Art. 17).

What holds a learner's id, name or email, and what happens to it:

* **registrations** of the learner id (course previews too), with their frozen instances,
  launches, launch debug logs (which record ``cmi.core.student_name`` and the like): deleted.
  The course's registration count drops; the plan's usage counters (counts only) stay.
* **xAPI statements** in every LRS of the realm (its own and each app's) filed under one of
  those registrations (``context.registration``), or whose actor / object / context agent is
  the learner (``mbox`` / ``mbox_sha1sum`` of an email of the learner, or an ``account`` named
  by the learner id seen in those statements): deleted with all their index entries, and their
  attachments' S3 objects.
* **xAPI documents**: the learner's Agent Profiles, and State documents of the learner's agents
  for every activity the erased statements named: deleted.
* **learner tags**: deleted.
* **invitations and dispatches** that made those registrations: the invited person (name, email,
  personal link) and the learner's address in a private invitation's email and job; a
  dispatch's record of the host learner (host id): deleted. Their counters stay.

* **Reportage**: the counters of the realm, courses, invitations, destinations and apps keep
  what the learner's registrations counted (counts only; "aggregates keep only counts"); the
  learner's own entry (name, id) and counters go. The learner dimension is keyed by a pseudonym,
  never the id (:mod:`chalicelib.reports.aggregates`). Each registration is first *marked* erased
  (``details.erased``, a version-checked write) and then deleted: the Reportage consumer moves no
  counter for those two changes, which reach it through the registrations change stream like
  any other, and changes of the learner still in flight never name them again.

The change-stream records of these writes (which carry the item as it was) age out with the
stream (24 hours). The caller gets a report of how many of each were erased (counts, no
personal data); the erasure runs while the request waits.
``userEmail`` must be the email of an Owner or Administrator of the realm (the person asking on
the learner's behalf), as SCORM Cloud requires a valid realm user.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from chalicelib import courses, learners
from chalicelib.errors import BadRequest
from chalicelib.lrs import agents
from chalicelib.lrs import registration_statements as lrs_reading
from chalicelib.observability import log_event
from chalicelib.reports import aggregates as reportage
from chalicelib.store import accounts as account_store
from chalicelib.store import dispatch as dispatch_store
from chalicelib.store import documents as document_store
from chalicelib.store import invitations as invitation_store
from chalicelib.store import learners as learner_store
from chalicelib.store import registrations as registration_store
from chalicelib.store import statements as statement_store

LOG = logging.getLogger("nimbus.learners")
ERASING_ROLES = frozenset({"owner", "administrator"})


@dataclass
class Report:
    """What was erased (counts only)."""

    registrations: int = 0
    registration_items: int = 0  # the registrations with their instances, launches and logs
    statements: int = 0
    attachments: int = 0
    documents: int = 0
    tags: int = 0
    reportage: int = 0  # the learner's Reportage entry and counter items
    invited: int = 0  # people of invitations
    dispatch_learners: int = 0
    agents: set[str] = field(default_factory=set)

    def as_json(self, learner_id: str) -> dict[str, Any]:
        return {"learnerId": learner_id, "erased": {
            "registrations": self.registrations, "registrationItems": self.registration_items,
            "xapiStatements": self.statements, "xapiAttachments": self.attachments,
            "xapiDocuments": self.documents, "learnerTags": self.tags, "xapiAgents": len(self.agents),
            "reportageItems": self.reportage, "invitationPeople": self.invited,
            "dispatchLearners": self.dispatch_learners}}


def check_requester(realm_id: str, user_email: object) -> str:
    if not isinstance(user_email, str) or "@" not in user_email:
        raise BadRequest("userEmail is required: the email of the realm's Owner or Administrator asking for the "
                         "erasure.")
    member = account_store.get_membership(user_email, realm_id)
    if member is None or member.role not in ERASING_ROLES:
        raise BadRequest(f"userEmail {user_email!r} is not an Owner or Administrator of this realm.")
    return user_email


def _email_keys(email: str) -> set[str]:
    address = f"mailto:{email.strip()}"
    return {f"Agent|mbox:{address}", f"Agent|mbox_sha1sum:{hashlib.sha1(address.encode()).hexdigest()}"}  # noqa: S324 - xAPI's IFI


def _learner_agent(agent: Any, learner_id: str, emails: set[str]) -> bool:
    if not isinstance(agent, dict):
        return False
    account = agent.get("account")
    if isinstance(account, dict) and account.get("name") == learner_id:
        return True
    return agents.key(agent) in {key for email in emails for key in _email_keys(email)}


def _statement_agents(statement: dict[str, Any]) -> list[Any]:
    context = statement.get("context") or {}
    target = statement.get("object") or {}
    return [statement.get("actor"), target if target.get("objectType") in ("Agent", "Group") else None,
            context.get("instructor"), context.get("team")]


def _activities(statement: dict[str, Any]) -> set[str]:
    found = set()
    target = statement.get("object") or {}
    if target.get("objectType", "Activity") == "Activity" and target.get("id"):
        found.add(str(target["id"]))
    for values in ((statement.get("context") or {}).get("contextActivities") or {}).values():
        for activity in values if isinstance(values, list) else [values]:
            if isinstance(activity, dict) and activity.get("id"):
                found.add(str(activity["id"]))
    return found


def _erase_statements(scope: str, index_keys: set[str], learner_id: str, emails: set[str],
                      report: Report) -> set[str]:
    """Delete every statement of the given indexes in one LRS; the activities they named."""
    ids: set[str] = set()
    for key in sorted(index_keys):
        ids.update(sid for _, sid in statement_store.query_index(scope, key, ascending=True, since=None,
                                                                until=None, start_after=None, page=1000))
    activities: set[str] = set()
    for item in statement_store.delete_statements(scope, ids):
        statement = json.loads(item.body)
        activities |= _activities(statement)
        report.agents.update(k for a in _statement_agents(statement)
                             if _learner_agent(a, learner_id, emails) and (k := agents.key(a)))
        for attachment in statement.get("attachments") or []:
            if attachment.get("sha2"):
                statement_store.delete_attachment(scope, str(attachment["sha2"]))
                report.attachments += 1
        report.statements += 1
    return activities


def _erase_documents(scope: str, agent_keys: set[str], activities: set[str], report: Report) -> None:
    doomed = [item for key in agent_keys for _, item in document_store.list_documents(scope, "agent_profile", key)]
    doomed += [item for key in agent_keys for activity in activities
               for _, item in document_store.list_documents(scope, "state", f"{activity}\n{key}")]
    document_store.delete_documents(doomed)
    report.documents += len(doomed)


def _agent_keys_in_registrations(scope: str, registration_keys: set[str], learner_id: str,
                                 emails: set[str]) -> set[str]:
    """The learner's agents as the statements of their registrations name them (an ``account``
    holding the learner id has a homePage we cannot guess)."""
    found: set[str] = set()
    for key in registration_keys:
        ids = [sid for _, sid in statement_store.query_index(scope, key, ascending=True, since=None, until=None,
                                                            start_after=None, page=1000)]
        for item in statement_store.get_statements(scope, ids).values():
            statement = json.loads(item.body)
            found.update(k for a in _statement_agents(statement)
                         if _learner_agent(a, learner_id, emails) and (k := agents.key(a)))
    return found


def _mark_erased(realm_id: str, registration_id: str) -> None:
    """Mark a registration erased before deleting it (so Reportage keeps its counts), against
    the version read: a commit landing meanwhile is read again, never overwritten."""
    for _ in range(10):
        item = registration_store.get(realm_id, registration_id)
        if item is None:
            return
        item.details = {**(item.details or {}), "erased": True}
        try:
            registration_store.save(item)
            return
        except registration_store.VersionConflict:
            continue
    raise registration_store.VersionConflict(registration_id)


def _erase_groups(realm_id: str, found: list[Any], emails: set[str], report: Report) -> None:
    """The learner in the invitations and dispatches that made their registrations."""
    by_group: dict[tuple[str, str], set[str]] = {}
    for item in found:
        for kind, key in (("invitation", "invitationId"), ("dispatch", "dispatchId")):
            if (item.details or {}).get(key):
                by_group.setdefault((kind, str(item.details[key])), set()).add(item.registration_id)
    for (kind, group_id), registration_ids in sorted(by_group.items()):
        if kind == "invitation":
            report.invited += invitation_store.forget_people(realm_id, group_id, registration_ids, emails)
        else:
            report.dispatch_learners += dispatch_store.forget_learners(realm_id, group_id, registration_ids)


def erase(realm_id: str, learner_id: str, user_email: object) -> dict[str, Any]:
    """Erase the learner's personal data everywhere; the report of what went."""
    learners.check_learner_id(learner_id)
    check_requester(realm_id, user_email)
    report = Report()
    found = learners.registrations_of(realm_id, learner_id)
    emails = {str((item.learner or {}).get("email") or "") for item in found} - {""}
    if "@" in learner_id:
        emails.add(learner_id)  # learner ids are often the email (how SCORM Cloud links people)
    registration_keys = {f"registration|{str((item.details or {}).get('xapiRegistrationId', '')).lower()}"
                         for item in found if (item.details or {}).get("xapiRegistrationId")}
    for scope in lrs_reading.scopes(realm_id):
        agent_keys = {k for email in emails for k in _email_keys(email)}
        agent_keys |= _agent_keys_in_registrations(scope, registration_keys, learner_id, emails)
        index_keys = registration_keys | {f"{dim}|{key}" for key in agent_keys for dim in ("agent", "ragent")}
        activities = _erase_statements(scope, index_keys, learner_id, emails, report)
        _erase_documents(scope, agent_keys | report.agents, activities, report)
    _erase_groups(realm_id, found, emails, report)
    for item in found:
        if not item.sandbox:
            _mark_erased(realm_id, item.registration_id)
            registration_store.mark_launches_erased(realm_id, item.registration_id)
        report.registration_items += registration_store.delete(realm_id, item.registration_id)
        if not item.sandbox:
            courses.count_registrations(realm_id, item.course_id, -1)
            report.registrations += 1
    report.tags = len(learner_store.get_tags(realm_id, learner_id) or [])
    learner_store.delete_tags(realm_id, learner_id)
    report.reportage = reportage.forget_learner(realm_id, learner_id)
    shown = report.as_json(learner_id)
    log_event(LOG, "learner data erased", realm=realm_id, **shown["erased"])
    return shown
