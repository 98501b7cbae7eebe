"""Kinesis: registration events for Reportage (and later postbacks).

The event shape is the one :mod:`chalicelib.reportage` parses:
``{"eventId", "realmId", "registrationId", "occurred", "completion", "success"}`` (+ extra fields
consumers may ignore). Records are partitioned by registration, so one registration's events
stay in order.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.config import settings

MAX_RECORD_BYTES = 1024 * 1024  # Kinesis' limit; moto does not enforce it


@lru_cache(maxsize=1)
def _kinesis() -> Any:
    return boto3.client("kinesis", region_name=settings().region,
                        config=Config(retries={"mode": "standard", "max_attempts": 5}))


def put_registration_event(event: dict[str, Any]) -> None:
    data = json.dumps(event, separators=(",", ":")).encode()
    if len(data) > MAX_RECORD_BYTES:
        raise ValueError(f"registration event of {len(data)} bytes is over Kinesis' 1 MiB record limit")
    _kinesis().put_record(StreamName=settings().registration_stream, Data=data,
                          PartitionKey=str(event["registrationId"])[:256])
