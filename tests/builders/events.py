"""Registration events and S3 notifications as the producers write them."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from urllib.parse import quote_plus


def registration_event(realm_id: str, *, completion: str = "COMPLETED", success: str = "PASSED",
                       occurred: datetime | None = None, event_id: str | None = None) -> bytes:
    return json.dumps({
        "eventId": event_id or str(uuid.uuid4()), "realmId": realm_id,
        "registrationId": "reg-" + uuid.uuid4().hex[:8],
        "occurred": (occurred or datetime.now(UTC)).isoformat().replace("+00:00", "Z"),
        "completion": completion, "success": success,
    }).encode()


def s3_notification(bucket: str, key: str, size: int = 123, event: str = "ObjectCreated:Put") -> str:
    return json.dumps({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "eventName": event,
        "s3": {"bucket": {"name": bucket}, "object": {"key": quote_plus(key), "size": size}},
    }]})
