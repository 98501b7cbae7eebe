"""The event pump: what Lambda's event-source mappings do on AWS, done locally.

moto runs no Lambda code without Docker, so this polls the SQS queues and Kinesis shards that
the chalice app's ``@app.on_sqs_message`` / ``@app.on_kinesis_record`` handlers are bound to
and calls those very handlers with Lambda-shaped events:

* SQS: a message is deleted only when the handler did not list it in ``batchItemFailures``
  (ReportBatchItemFailures); a failed one becomes visible again after ``RETRY_SECONDS`` and
  moves to the dead-letter queue after the redrive policy's ``maxReceiveCount``.
* Kinesis fed by a table (``KinesisStreamSpecification`` in ``infra/resources.json``: Kinesis
  Data Streams for DynamoDB on AWS): the consumers read the table's own change stream, moto's
  DynamoDB Streams (kept on disk with the items, :mod:`nimbus_local.disk_stream`), each record
  handed over as the Kinesis record AWS would put (:func:`kinesis_change_record`), so an
  acknowledged write always reaches them; checkpoints as below.
* Kinesis: per shard, a checkpoint (the last sequence number handled) is kept in a local
  DynamoDB table — inside the moto snapshot, so it survives restarts with the data it
  describes. With ``batchItemFailures`` the checkpoint stops before the first failed record,
  which is retried on the next poll.

Polls use ``WaitTimeSeconds=0`` and a short sleep: a long poll would hold moto's state lock.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from nimbus_local import bootstrap, event_filters

if TYPE_CHECKING:
    from collections.abc import Callable

LOG = logging.getLogger("nimbus.local.pump")
CHECKPOINT_TABLE = "nimbus-local-checkpoints"
IDLE_SECONDS = 0.5
RETRY_SECONDS = 2
#: How often the change records of tables no consumer reads are forgotten.
SWEEP_SECONDS = 10.0
#: How long a table's stream ARN and shards and a queue's URL and ARN, once read, are trusted
#: (a table or queue created again gets new ones; any failed poll forgets them at once).
LAYOUT_SECONDS = 5.0
#: A queue found empty is asked again only this much later (a busy table stream keeps the pump
#: polling back to back; an SQS-triggered task waits at most this, well under IDLE_SECONDS).
EMPTY_QUEUE_SECONDS = 0.2
#: A sequence number past any a shard will hand out (moto's start + 2**62): "everything".
EVERYTHING = str(1100000000017454423009 + 2**62)


@dataclass
class LambdaContext:
    """The parts of Lambda's context object that handlers read."""

    function_name: str
    aws_request_id: str
    memory_limit_in_mb: int = 1024
    timeout_ms: int = 900_000

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_ms


class EventPump:
    """Feeds SQS and Kinesis records to the chalice app's event handlers."""

    def __init__(self, chalice_app: Any, app_module: Any, region: str,
                 trim: Callable[[str, str, str], Any] | None = None,
                 read: Callable[[str, str, str | None, int], list[dict[str, Any]] | None] | None = None) -> None:
        self.region = region
        #: Reads a table stream's records directly (stream ARN, shard, after, limit); None: use the API.
        self.read = read
        #: Called with (stream ARN, shard, sequence) once every consumer of the stream is past it.
        self.trim = trim
        self.positions: dict[tuple[str, str], dict[str, str]] = {}
        self.sqs = boto3.client("sqs", region_name=region)
        # (account-based endpoints, which botocore picks for a stream ARN, are unknown to moto's mock)
        self.changes = boto3.client("dynamodbstreams", region_name=region,
                                    config=Config(account_id_endpoint_mode="disabled"))
        #: Kinesis stream → the table whose change stream feeds it (local names)
        self.table_streams = bootstrap.change_streams()
        self.kinesis = boto3.client("kinesis", region_name=region)
        self.ddb = boto3.client("dynamodb", region_name=region)
        self.stopping = threading.Event()
        self.sources: list[tuple[Any, Any]] = [
            (source, getattr(app_module, source.handler_string.split(".")[-1]))
            for source in chalice_app.event_sources
            if type(source).__name__ in ("SQSEventConfig", "KinesisEventConfig")
        ]
        self.handled = 0
        #: One round's reads, shared by the consumers of a table (its stream ARN, its shards, and
        #: the records after a position: the registrations table has several consumers, usually
        #: at the same position; each used to read and decode the same records).
        self._round: dict[tuple[Any, ...], Any] = {}
        self.filters: dict[str, list[dict[str, Any]]] = {}
        #: Reads that do not change between rounds (stream ARNs, shards, queue URLs): (when, value).
        #: Under load the pump polls back to back, and these calls were most of its work.
        self._layout: dict[tuple[Any, ...], tuple[float, Any]] = {}
        #: Checkpoints as last read or written (the pump is their only writer; each write still
        #: goes to the table first, so a restart resumes from it).
        self._checkpoints: dict[str, str | None] = {}
        #: When each queue was last found empty.
        self._empty: dict[str, float] = {}

    # --- lifecycle ----------------------------------------------------------------------------

    def ensure_checkpoint_table(self) -> None:
        try:
            self.ddb.create_table(
                TableName=CHECKPOINT_TABLE, BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": "shard", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "shard", "KeyType": "HASH"}])
        except ClientError as err:
            if err.response["Error"]["Code"] != "ResourceInUseException":
                raise

    def capture_filters(self) -> dict[str, Any]:
        """Per table, which changes any of its stream's consumers could receive (see
        ``disk_stream.CAPTURE``); tables where that cannot be told are left out."""
        found = {}
        for stream, table in self.table_streams.items():
            readers = [self._filters(s) for s, _h in self.sources if getattr(s, "stream", None) == stream]
            wanted = event_filters.capture(readers)
            if wanted is not None:
                found[table] = wanted
        return found

    def start(self) -> None:
        self.ensure_checkpoint_table()
        threading.Thread(target=self.run, name="event-pump", daemon=True).start()

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        last_sweep = 0.0
        while not self.stopping.is_set():
            if time.monotonic() - last_sweep >= SWEEP_SECONDS:
                last_sweep = time.monotonic()
                try:
                    self.forget_unread()
                except Exception:  # the pump must outlive any one bad poll
                    LOG.exception("event pump sweep failed")
            busy = False
            self._round.clear()  # what the sources of this round share (read once for all)
            for source, handler in self.sources:
                try:
                    if type(source).__name__ == "SQSEventConfig":
                        busy |= self.poll_queue(source, handler)
                    elif source.stream in self.table_streams:
                        busy |= self.poll_table(source, handler)
                    else:
                        busy |= self.poll_stream(source, handler)
                except Exception:  # the pump must outlive any one bad poll
                    LOG.exception("event pump poll failed", extra={"source": source.name})
                    self._layout.clear()  # a queue or stream may have been created again
                    self._checkpoints.clear()
            if not busy:
                self.stopping.wait(IDLE_SECONDS)

    # --- SQS ------------------------------------------------------------------------------------

    def poll_queue(self, source: Any, handler: Any) -> bool:
        if time.monotonic() - self._empty.get(source.queue, -EMPTY_QUEUE_SECONDS) < EMPTY_QUEUE_SECONDS:
            return False
        url, arn = self._lasting(("queue", source.queue), self._queue, source.queue)
        messages = self.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=min(source.batch_size, 10), WaitTimeSeconds=0,
            MessageSystemAttributeNames=["All"], MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            self._empty[source.queue] = time.monotonic()
            return False
        self._empty.pop(source.queue, None)
        event = {"Records": [{
            "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": m.get("Attributes", {}), "messageAttributes": m.get("MessageAttributes", {}),
            "md5OfBody": m["MD5OfBody"], "eventSource": "aws:sqs", "eventSourceARN": arn,
            "awsRegion": self.region} for m in messages]}
        failed = self._invoke(source, handler, event)
        for m in messages:
            if m["MessageId"] in failed:
                self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"],
                                                   VisibilityTimeout=RETRY_SECONDS)
            else:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        return True

    def _queue(self, name: str) -> tuple[str, str]:
        url = self.sqs.get_queue_url(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        return url, arn

    def _lasting(self, key: tuple[Any, ...], read: Callable[..., Any], *args: Any) -> Any:
        """A read kept for :data:`LAYOUT_SECONDS` (see ``_layout``)."""
        now = time.monotonic()
        kept = self._layout.get(key)
        if kept is None or now - kept[0] >= LAYOUT_SECONDS:
            kept = (now, read(*args))
            if kept[1]:  # nothing there yet (a stream not enabled): asked again next round
                self._layout[key] = kept
        return kept[1]

    # --- Kinesis --------------------------------------------------------------------------------

    def _checkpoint(self, key: str) -> str | None:
        if key not in self._checkpoints:
            item = self.ddb.get_item(TableName=CHECKPOINT_TABLE, Key={"shard": {"S": key}}).get("Item")
            self._checkpoints[key] = item["sequence"]["S"] if item else None
        return self._checkpoints[key]

    def _save_checkpoint(self, key: str, sequence: str) -> None:
        self.ddb.put_item(TableName=CHECKPOINT_TABLE,
                          Item={"shard": {"S": key}, "sequence": {"S": sequence}})
        self._checkpoints[key] = sequence

    def poll_stream(self, source: Any, handler: Any) -> bool:
        arn = self._lasting(("stream", source.stream), lambda: self.kinesis.describe_stream_summary(
            StreamName=source.stream)["StreamDescriptionSummary"]["StreamARN"])
        busy = False
        for shard in self._lasting(("stream shards", source.stream), lambda: self.kinesis.list_shards(
                StreamName=source.stream)["Shards"]):
            key = f"{source.name}:{source.stream}:{shard['ShardId']}"
            after = self._checkpoint(key)
            iterator_args: dict[str, Any] = (
                {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": after}
                if after else {"ShardIteratorType": source.starting_position})
            iterator = self.kinesis.get_shard_iterator(
                StreamName=source.stream, ShardId=shard["ShardId"], **iterator_args)["ShardIterator"]
            records = self.kinesis.get_records(ShardIterator=iterator,
                                               Limit=source.batch_size)["Records"]
            if not records:
                continue
            busy = True
            event = {"Records": [{
                "kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": r["PartitionKey"],
                            "sequenceNumber": r["SequenceNumber"],
                            "data": base64.b64encode(r["Data"]).decode(),
                            "approximateArrivalTimestamp": r["ApproximateArrivalTimestamp"].timestamp()},
                "eventSource": "aws:kinesis", "eventVersion": "1.0",
                "eventID": f"{shard['ShardId']}:{r['SequenceNumber']}",
                "eventName": "aws:kinesis:record", "awsRegion": self.region,
                "invokeIdentityArn": "arn:aws:iam::123456789012:role/local",
                "eventSourceARN": arn} for r in records]}
            failed = self._invoke(source, handler, event)
            self._acknowledge(source, key, arn, shard["ShardId"], numbers=[r["SequenceNumber"] for r in records],
                             failed=failed)
        return busy

    # --- a table's change stream (Kinesis Data Streams for DynamoDB) -------------------------

    def poll_table(self, source: Any, handler: Any) -> bool:
        """Feed the consumer of a table-fed Kinesis stream from the table's DynamoDB stream."""
        table = self.table_streams[source.stream]
        arn = self._lasting(("arn", table), lambda: self.ddb.describe_table(TableName=table)["Table"].get(
            "LatestStreamArn"))
        if not arn:
            return False
        busy = False
        shards = self._lasting(("shards", arn), lambda: self.changes.describe_stream(StreamArn=arn)[
            "StreamDescription"]["Shards"])
        for shard in shards:
            key = f"{source.name}:{table}:{shard['ShardId']}"
            after = self._checkpoint(key)
            changes = self._shared(("records", arn, shard["ShardId"], after, source.batch_size),
                                   self._read_changes, arn, shard["ShardId"], after, source.batch_size)
            if not changes:
                continue
            busy = True
            stream_arn = f"arn:aws:kinesis:{self.region}:123456789012:stream/{source.stream}"
            wanted = self._filters(source)
            records = [kinesis_record(data, c, self.region, stream_arn) for c in changes
                       if event_filters.passes(wanted, data := change_data(c, table, self.region))]
            failed = self._invoke(source, handler, {"Records": records}) if records else set()
            numbers = [c["dynamodb"]["SequenceNumber"] for c in changes]
            self._acknowledge(source, key, arn, shard["ShardId"], numbers=numbers, failed=failed)
        return busy

    def _filters(self, source: Any) -> list[dict[str, Any]]:
        """The consumer's Lambda ``FilterCriteria`` (``infra/resources.json``), read once."""
        if source.name not in self.filters:
            self.filters[source.name] = event_filters.kinesis_filters(source.name)
        return self.filters[source.name]

    def _acknowledge(self, source: Any, key: str, arn: str, shard_id: str, *, numbers: list[str],
                     failed: set[str]) -> None:
        """After a batch: checkpoint (and drop from the shard) every record before the first that
        ``batchItemFailures`` named, as Lambda's event-source mapping does; wait before a retry."""
        done = None
        for number in numbers:
            if number in failed:
                break
            done = number
        if done:
            self._save_checkpoint(key, done)
            self._trim(source, arn, shard_id, done)
        if failed:
            self.stopping.wait(RETRY_SECONDS)

    def _shared(self, key: tuple[Any, ...], read: Callable[..., Any], *args: Any) -> Any:
        if key not in self._round:
            self._round[key] = read(*args)
        return self._round[key]

    def _read_changes(self, arn: str, shard: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        direct = self.read(arn, shard, after, limit) if self.read is not None else None
        if direct is not None:
            return direct
        iterator_args: dict[str, Any] = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
            if after else {"ShardIteratorType": "TRIM_HORIZON"})
        iterator = self.changes.get_shard_iterator(StreamArn=arn, ShardId=shard, **iterator_args)["ShardIterator"]
        records: list[dict[str, Any]] = self.changes.get_records(ShardIterator=iterator, Limit=limit)["Records"]
        return records

    def forget_unread(self) -> None:
        """A table change stream that feeds a Kinesis stream no consumer reads yet (statements,
        until forwarding reads them): its records go, as Kinesis' retention would drop them."""
        if self.trim is None:
            return
        read = {getattr(s, "stream", None) for s, _h in self.sources}
        for stream, table in self.table_streams.items():
            if stream in read:
                continue
            arn = self.ddb.describe_table(TableName=table)["Table"].get("LatestStreamArn")
            if arn:
                self.trim(arn, "", EVERYTHING)

    def _trim(self, source: Any, arn: str, shard: str, done: str) -> None:
        """Let the stream forget records every one of its consumers has handled."""
        if self.trim is None:
            return
        readers = [s.name for s, _h in self.sources if getattr(s, "stream", None) == source.stream]
        # (a table's change stream is read for the Kinesis stream it feeds: the same readers)
        seen = self.positions.setdefault((arn, shard), {})
        seen[source.name] = done
        if all(name in seen for name in readers):
            self.trim(arn, shard, min(seen.values(), key=int))

    # --- invoking -------------------------------------------------------------------------------

    def _invoke(self, source: Any, handler: Any, event: dict[str, Any]) -> set[str]:
        """Call the handler; return the item identifiers to retry (all of them on a crash)."""
        context = LambdaContext(function_name=source.name, aws_request_id=str(uuid.uuid4()))
        try:
            result = handler(event, context)
        except Exception:
            LOG.exception("handler raised; the whole batch will be retried",
                          extra={"handler": source.name})
            return {self._item_id(r) for r in event["Records"]}
        self.handled += len(event["Records"])
        failures = (result or {}).get("batchItemFailures", []) if isinstance(result, dict) else []
        return {f["itemIdentifier"] for f in failures}

    @staticmethod
    def _item_id(record: dict[str, Any]) -> str:
        if "messageId" in record:
            return str(record["messageId"])
        return str(record["kinesis"]["sequenceNumber"])


def change_data(change: dict[str, Any], table: str, region: str) -> dict[str, Any]:
    """The data Kinesis Data Streams for DynamoDB puts for a DynamoDB Streams record ("Kinesis
    Data Streams for DynamoDB: record format": JSON with ``tableName``, ``recordFormat`` and the
    ``dynamodb`` images; creation time in microseconds)."""
    body = change["dynamodb"]
    return {
        "awsRegion": region, "eventID": change["eventID"], "eventName": change["eventName"],
        "userIdentity": None, "recordFormat": "application/json", "tableName": table,
        "dynamodb": {
            "ApproximateCreationDateTime": int(body["ApproximateCreationDateTime"].timestamp() * 1_000_000),
            "ApproximateCreationDateTimePrecision": "MICROSECOND",
            **{k: body[k] for k in ("Keys", "NewImage", "OldImage", "SizeBytes") if k in body},
        },
        "eventSource": "aws:dynamodb",
    }


def kinesis_record(data: dict[str, Any], change: dict[str, Any], region: str, stream_arn: str) -> dict[str, Any]:
    """A Lambda Kinesis event record carrying ``data``, partitioned by the item's key."""
    body = change["dynamodb"]
    raw = json.dumps(data, separators=(",", ":"), default=_binary).encode()
    partition = hashlib.md5(json.dumps(body["Keys"], sort_keys=True, default=_binary).encode(),  # noqa: S324
                            usedforsecurity=False).hexdigest().upper()
    sequence = body["SequenceNumber"]
    return {
        "kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": partition, "sequenceNumber": sequence,
                    "data": base64.b64encode(raw).decode(),
                    "approximateArrivalTimestamp": body["ApproximateCreationDateTime"].timestamp()},
        "eventSource": "aws:kinesis", "eventVersion": "1.0",
        "eventID": f"shardId-000000000000:{sequence}", "eventName": "aws:kinesis:record",
        "awsRegion": region, "invokeIdentityArn": "arn:aws:iam::123456789012:role/local",
        "eventSourceARN": stream_arn,
    }


def kinesis_change_record(change: dict[str, Any], table: str, region: str, stream_arn: str) -> dict[str, Any]:
    """A DynamoDB Streams record as a Lambda Kinesis event record (:func:`change_data` as its data)."""
    return kinesis_record(change_data(change, table, region), change, region, stream_arn)


def _binary(value: Any) -> str:
    """Binary attribute values are base64 in DynamoDB's JSON."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"{type(value).__name__} is not JSON")
