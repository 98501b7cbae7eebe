"""Learner tags (SCORM Cloud API v2 LearnerApi) on the registrations table.

A learner is not an entity of its own in SCORM Cloud: it exists as the ``learner`` of
registrations. Its tags are the one thing kept per learner:
``{realm}#LEARNER#{learnerId}`` / ``TAGS`` (deleted with the learner's personal data).
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import ListAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from chalicelib.config import settings

_S = settings()


def _meta() -> Any:
    return type("Meta", (), {"table_name": _S.registrations_table, "region": _S.region})


class LearnerTagsItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    tags = ListAttribute(of=UnicodeAttribute, default=list)


def _pk(realm_id: str, learner_id: str) -> str:
    return f"{realm_id}#LEARNER#{learner_id}"


def get_tags(realm_id: str, learner_id: str) -> list[str] | None:
    """The learner's tags, or None when none were ever put."""
    try:
        return [str(t) for t in LearnerTagsItem.get(_pk(realm_id, learner_id), "TAGS", consistent_read=True).tags]
    except DoesNotExist:
        return None


def put_tags(realm_id: str, learner_id: str, tags: list[str]) -> None:
    LearnerTagsItem(_pk(realm_id, learner_id), "TAGS", tags=tags).save()


def delete_tags(realm_id: str, learner_id: str) -> bool:
    """Forget the learner's tags item; whether there was one."""
    found = get_tags(realm_id, learner_id) is not None
    LearnerTagsItem(_pk(realm_id, learner_id), "TAGS").delete()
    return found
