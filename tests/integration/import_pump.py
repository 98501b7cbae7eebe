"""Runs the import function on what the import queue holds, as Lambda's SQS event source would
(in-process moto: S3 notifications really land in the queue)."""

from __future__ import annotations

from typing import Any

import boto3


def drain(client: Any, rounds: int = 5) -> int:
    """Invoke ``import_course`` for every queued message (fetch tasks queue S3 events in turn)."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.get_queue_url(QueueName="nimbus-import")["QueueUrl"]
    handled = 0
    for _ in range(rounds):
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not messages:
            break
        for message in messages:
            event = client.events.generate_sqs_event([message["Body"]], queue_name="nimbus-import")
            result = client.lambda_.invoke("import_course", event)
            assert result.payload == {"batchItemFailures": []}, result.payload
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            handled += 1
    return handled
