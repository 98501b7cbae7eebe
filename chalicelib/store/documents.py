"""xAPI documents (State, Activity Profile, Agent Profile) and canonical Activities.

Also on the statements table (one LRS table; every key starts with ``{realm}#{lrsId}``):

* document ``pk={scope}#DOC#{kind}#{digest(parent)}``, ``sk={documentId}`` — ``parent`` is
  the activity and agent for State (registration kept as an attribute so "all registrations"
  can be listed and deleted), the activity for Activity Profile, the agent for Agent Profile.
  Bodies are kept inline (binary) up to :data:`MAX_DOCUMENT_BYTES`.
* activity  ``pk={scope}#ACT#{digest(id)}``, ``sk=ACT`` — the merged definition.

Writes are conditional on the ETag the caller saw, so If-Match is enforced by DynamoDB, not
by a read-then-write race.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pynamodb.attributes import BinaryAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError
from pynamodb.models import Model

from chalicelib.config import settings
from chalicelib.store.statements import digest

if TYPE_CHECKING:
    from collections.abc import Iterator

_S = settings()
#: Inline bodies stay well under DynamoDB's 400 KB item limit.
MAX_DOCUMENT_BYTES = 350_000


def _meta() -> Any:
    return type("Meta", (), {"table_name": _S.statements_table, "region": _S.region})


class DocumentItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    realm_id = UnicodeAttribute()
    registration = UnicodeAttribute(default="")
    content = BinaryAttribute(legacy_encoding=False)
    content_type = UnicodeAttribute()
    etag = UnicodeAttribute()
    updated = UnicodeAttribute()


class ActivityItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    realm_id = UnicodeAttribute()
    body = UnicodeAttribute()  # the Activity object, compact JSON


class EtagMismatch(Exception):
    """The stored document changed (or appeared/vanished) since the caller looked."""


def _doc_pk(scope: str, kind: str, parent: str) -> str:
    return f"{scope}#DOC#{kind}#{digest(parent)}"


def _doc_sk(registration: str, document_id: str) -> str:
    return f"{digest(registration)}#{document_id}" if registration else f"-#{document_id}"


def get_document(scope: str, kind: str, parent: str, registration: str,
                 document_id: str) -> DocumentItem | None:
    try:
        return DocumentItem.get(_doc_pk(scope, kind, parent), _doc_sk(registration, document_id),
                                consistent_read=True)
    except DoesNotExist:
        return None


def put_document(scope: str, realm_id: str, kind: str, parent: str, registration: str,  # noqa: PLR0917
                 document_id: str, *, content: bytes, content_type: str, etag: str,
                 updated: str, expected_etag: str | None, must_not_exist: bool) -> None:
    """Write a document; ``expected_etag`` / ``must_not_exist`` make the write conditional."""
    item = DocumentItem(_doc_pk(scope, kind, parent), _doc_sk(registration, document_id),
                        realm_id=realm_id, registration=registration, content=content,
                        content_type=content_type, etag=etag, updated=updated)
    condition: Any = None
    if must_not_exist:
        condition = DocumentItem.pk.does_not_exist()
    elif expected_etag is not None:
        condition = DocumentItem.etag == expected_etag
    try:
        item.save(condition=condition)
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise EtagMismatch from err
        raise


def delete_document(scope: str, kind: str, parent: str, registration: str,  # noqa: PLR0917
                    document_id: str, expected_etag: str | None) -> None:
    item = DocumentItem(_doc_pk(scope, kind, parent), _doc_sk(registration, document_id))
    try:
        item.delete(condition=(DocumentItem.etag == expected_etag) if expected_etag else None)
    except DeleteError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise EtagMismatch from err
        raise


def list_documents(scope: str, kind: str, parent: str) -> Iterator[tuple[str, DocumentItem]]:
    """(document id, item) of every document under ``parent`` (all registrations)."""
    for item in DocumentItem.query(_doc_pk(scope, kind, parent), consistent_read=True):
        yield item.sk.partition("#")[2], item


def delete_documents(items: list[DocumentItem]) -> None:
    with DocumentItem.batch_write() as batch:
        for item in items:
            batch.delete(item)


def get_activity(scope: str, activity_id: str) -> str | None:
    try:
        return ActivityItem.get(f"{scope}#ACT#{digest(activity_id)}", "ACT").body
    except DoesNotExist:
        return None


def put_activity(scope: str, realm_id: str, activity_id: str, body: str) -> None:
    ActivityItem(f"{scope}#ACT#{digest(activity_id)}", "ACT", realm_id=realm_id,
                 body=body).save()
