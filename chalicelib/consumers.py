"""Stream consumers: Powertools batch processing over a table's change stream.

Each ``@app.on_kinesis_record`` handler in ``app.py`` hands its batch to :func:`process` with a
function that applies one :class:`~chalicelib.store.changes.TableChange`. Powertools'
``BatchProcessor`` (``EventType.KinesisDataStreams``) calls it per record and answers
``batchItemFailures`` for the records that raised, so Lambda (``ReportBatchItemFailures`` in
``infra/resources.json``; the local event pump likewise) retries from the first failed record
and never loses one; records after it may be delivered again, which is why every apply function
is idempotent per record (a replayed batch changes nothing). A record that is not an item
change is logged and skipped: retrying it could never succeed.

A consumer may also give ``apply_batch``, which takes every change of the batch at once (fewer
round trips, e.g. one transaction for many changes): when it succeeds the records are done; when
it raises, each record is applied alone with ``apply`` as above, so partial failures are still
reported per record (``apply_batch`` must leave every change either applied or retryable).
"""

from __future__ import annotations

import base64
import logging
from typing import TYPE_CHECKING, Any

from chalicelib.observability import log_event
from chalicelib.store import changes

if TYPE_CHECKING:
    from collections.abc import Callable

LOG = logging.getLogger("nimbus.consumers")


def process(event: dict[str, Any], context: Any, apply: Callable[[changes.TableChange], object],
            name: str, apply_batch: Callable[[list[changes.TableChange]], object] | None = None) -> dict[str, Any]:
    """Apply every record of a Lambda Kinesis event; the partial-failure answer."""
    # Imported here: ~130 ms that only stream consumers pay, not every API cold start.
    from aws_lambda_powertools.utilities.batch import (  # noqa: PLC0415
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    done = _apply_batch(event, apply_batch, name) if apply_batch is not None else set()

    def handle(record: Any) -> None:
        if record.kinesis.sequence_number in done:
            return
        data = record.kinesis.data_as_bytes()
        try:
            change = changes.parse(data)
        except changes.MalformedChange as err:
            log_event(LOG, "skipped a record that is not an item change", consumer=name, error=str(err),
                      sequence=record.kinesis.sequence_number)
            return
        apply(change)

    processor = BatchProcessor(event_type=EventType.KinesisDataStreams)
    return dict(process_partial_response(event=event, record_handler=handle, processor=processor,
                                         context=context))


def _apply_batch(event: dict[str, Any], apply_batch: Callable[[list[changes.TableChange]], object],
                 name: str) -> set[str]:
    """The sequence numbers of the records ``apply_batch`` took care of (none if it failed)."""
    parsed, sequences = [], set()
    for record in event.get("Records") or []:
        kinesis = record.get("kinesis") or {}
        try:
            parsed.append(changes.parse(base64.b64decode(kinesis.get("data") or "")))
        except (changes.MalformedChange, ValueError):
            continue  # left to the record's own handling (logged and skipped there)
        sequences.add(str(kinesis.get("sequenceNumber")))
    if not parsed:
        return set()
    try:
        apply_batch(parsed)
    except Exception as err:  # noqa: BLE001 - every record is then tried alone, failures reported
        log_event(LOG, "batch apply failed; applying record by record", consumer=name, error=repr(err))
        return set()
    return sequences
