"""SQS: messages to the import queue that are not S3 notifications (fetch-from-URL jobs)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import boto3

from chalicelib.config import settings


@lru_cache(maxsize=1)
def _import_queue_url() -> str:
    client = boto3.client("sqs", region_name=settings().region)
    return str(client.get_queue_url(QueueName=settings().import_queue)["QueueUrl"])


def send_import_task(task: dict[str, Any]) -> None:
    boto3.client("sqs", region_name=settings().region).send_message(
        QueueUrl=_import_queue_url(), MessageBody=json.dumps(task))
