"""Learners on their realm's LRS with their own Nimbus email and password (HTTP Basic).

Issue 5 ("learners may use their own username and password"). The password is checked by
:func:`chalicelib.accounts.check_password` (Argon2id, the realm's lockout policy: failures
count, a locked-out person gets 429). A learner is the Agent ``{"mbox": "mailto:{email}"}``
(xAPI Data §2.4.2.1) and may only:

* store statements whose actor is that Agent, none of them voiding (a voiding statement could
  target someone else's statement) — otherwise 403 and nothing is stored;
* read statements whose actor is that Agent (whoever stored them);
* not use the document resources (403).
"""

from __future__ import annotations

from typing import Any

from chalicelib.errors import Forbidden
from chalicelib.lrs import agents

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def actor_key(email: str) -> str:
    """The ``agents.key`` of the learner's Agent."""
    return agents.key({"objectType": "Agent", "mbox": f"mailto:{email}"}) or ""


def is_actor(statement: dict[str, Any], key: str) -> bool:
    actor = statement.get("actor")
    return isinstance(actor, dict) and agents.key(actor) == key


def check_statements(key: str, sent: Any) -> None:
    """403 unless every statement's actor is the learner and none voids.
    Statements that are not objects are left to validation (400)."""
    for statement in sent if isinstance(sent, list) else [sent]:
        if not isinstance(statement, dict):
            continue
        if not is_actor(statement, key):
            raise Forbidden("learners may only store statements whose actor is their own "
                            "mbox (statement.actor)")
        verb = statement.get("verb")
        if isinstance(verb, dict) and verb.get("id") == VOIDED:
            raise Forbidden("learners may not void statements (statement.verb)")
