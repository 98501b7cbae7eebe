"""Item changes from a table's change stream, as Kinesis Data Streams for DynamoDB delivers them.

The registrations and statements tables stream every item change to Kinesis
(``KinesisStreamSpecification`` in ``infra/resources.json``; locally the event pump feeds the
same records from the table's DynamoDB stream). Each Kinesis record's data is one JSON object
(AWS, "Kinesis Data Streams for DynamoDB": ``eventName`` INSERT/MODIFY/REMOVE, ``tableName``,
``dynamodb.Keys`` / ``NewImage`` / ``OldImage`` in DynamoDB's attribute-value JSON,
``ApproximateCreationDateTime``). :func:`parse` turns it into a :class:`TableChange` with plain
Python values, so consumers never see DynamoDB's wire format.

Kinesis Data Streams for DynamoDB may deliver a change more than once and, across items, out of
order: consumers key their idempotency on the item's own identity and version, never on arrival.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

_DESERIALIZER = TypeDeserializer()
EVENT_NAMES = frozenset({"INSERT", "MODIFY", "REMOVE"})


class MalformedChange(ValueError):
    """A stream record that is not an item change (logged and skipped by consumers)."""


@dataclass(frozen=True)
class TableChange:
    """One item change: its table, kind, key and the item before and after (``{}`` if none)."""

    event_id: str
    event_name: str
    table: str
    keys: dict[str, Any]
    old: dict[str, Any] = field(default_factory=dict)
    new: dict[str, Any] = field(default_factory=dict)
    #: when DynamoDB made the change, in microseconds since the epoch (0 if unknown)
    created_us: int = 0

    @property
    def image(self) -> dict[str, Any]:
        """The item as it is now (before, for a removal)."""
        return self.new or self.old


def _plain(image: Any, name: str) -> dict[str, Any]:
    if image is None:
        return {}
    if not isinstance(image, dict):
        raise MalformedChange(f"dynamodb.{name} is not an object")
    try:
        return {key: _DESERIALIZER.deserialize(_binary(value)) for key, value in image.items()}
    except (TypeError, ValueError, AttributeError) as err:
        raise MalformedChange(f"dynamodb.{name} is not DynamoDB JSON: {err}") from err


def _binary(value: Any) -> Any:
    """DynamoDB JSON carries binary values as base64 text; the deserializer wants bytes."""
    if isinstance(value, dict):
        if "B" in value and isinstance(value["B"], str):
            return {"B": base64.b64decode(value["B"])}
        if "BS" in value:
            return {"BS": [base64.b64decode(v) for v in value["BS"]]}
        if "M" in value:
            return {"M": {k: _binary(v) for k, v in value["M"].items()}}
        if "L" in value:
            return {"L": [_binary(v) for v in value["L"]]}
    return value


def parse(data: bytes) -> TableChange:
    """Decode one Kinesis record's data, naming what is wrong."""
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError) as err:
        raise MalformedChange(f"record is not JSON: {err}") from err
    if not isinstance(raw, dict) or not isinstance(raw.get("dynamodb"), dict):
        raise MalformedChange("record has no dynamodb object")
    if raw.get("eventName") not in EVENT_NAMES:
        raise MalformedChange(f"eventName is not one of {sorted(EVENT_NAMES)}")
    body = raw["dynamodb"]
    keys = _plain(body.get("Keys"), "Keys")
    if not keys:
        raise MalformedChange("dynamodb.Keys is missing")
    created = body.get("ApproximateCreationDateTime") or 0
    if body.get("ApproximateCreationDateTimePrecision") != "MICROSECOND":
        created = int(created) * 1000  # milliseconds, the default precision
    return TableChange(
        event_id=str(raw.get("eventID") or ""), event_name=raw["eventName"],
        table=str(raw.get("tableName") or ""), keys=keys,
        old=_plain(body.get("OldImage"), "OldImage"), new=_plain(body.get("NewImage"), "NewImage"),
        created_us=int(created),
    )
