"""Stream records and S3 notifications as the producers write them."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote_plus

from boto3.dynamodb.types import TypeSerializer

_SERIALIZER = TypeSerializer()


def _image(values: dict[str, Any]) -> dict[str, Any]:
    image = _SERIALIZER.serialize({k: Decimal(str(v)) if isinstance(v, float) else v
                                   for k, v in values.items() if v is not None})["M"]
    return image


def registration_item(realm_id: str, registration_id: str | None = None, *, completion: str = "UNKNOWN",
                      success: str = "UNKNOWN", score: float | None = None, seconds: float = 0,
                      version: int = 1, updated: datetime | None = None, sandbox: bool = False) -> dict[str, Any]:
    """A registration item as the registrations table stores it (plain values)."""
    registration_id = registration_id or "reg-" + uuid.uuid4().hex[:8]
    moment = (updated or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")
    return {"pk": f"{realm_id}#REG#{registration_id}", "sk": "REG", "realm_id": realm_id,
            "registration_id": registration_id, "course_id": "golf", "completion": completion,
            "success": success, "score_scaled": score, "total_seconds": seconds, "version": version,
            "created": moment, "updated": moment, "sandbox": sandbox}


def registration_change(old: dict[str, Any] | None, new: dict[str, Any] | None,
                        table: str = "nimbus-registrations") -> bytes:
    """A Kinesis record's data as Kinesis Data Streams for DynamoDB writes it for one change."""
    item = new or old or {}
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": int(datetime.now(UTC).timestamp() * 1_000_000),
        "ApproximateCreationDateTimePrecision": "MICROSECOND",
        "Keys": _image({"pk": item["pk"], "sk": item["sk"]}), "SizeBytes": 100}
    if new:
        body["NewImage"] = _image(new)
    if old:
        body["OldImage"] = _image(old)
    return json.dumps({
        "awsRegion": "us-east-1", "eventID": uuid.uuid4().hex,
        "eventName": "MODIFY" if old and new else "INSERT" if new else "REMOVE",
        "userIdentity": None, "recordFormat": "application/json", "tableName": table,
        "dynamodb": body, "eventSource": "aws:dynamodb"}, default=_b64).encode()


def _b64(value: Any) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(type(value).__name__)


def s3_notification(bucket: str, key: str, size: int = 123, event: str = "ObjectCreated:Put") -> str:
    return json.dumps({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "eventName": event,
        "s3": {"bucket": {"name": bucket}, "object": {"key": quote_plus(key), "size": size}},
    }]})
