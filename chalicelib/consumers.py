"""Stream consumers: Powertools batch processing over a table's change stream.

Each ``@app.on_kinesis_record`` handler in ``app.py`` hands its batch to :func:`process` with a
function that applies one :class:`~chalicelib.store.changes.TableChange`. Powertools'
``BatchProcessor`` (``EventType.KinesisDataStreams``) calls it per record and answers
``batchItemFailures`` for the records that raised, so Lambda (``ReportBatchItemFailures`` in
``infra/resources.json``; the local event pump likewise) retries from the first failed record
and never loses one; records after it may be delivered again, which is why every apply function
is idempotent per record (a replayed batch changes nothing). A record that is not an item
change is logged and skipped: retrying it could never succeed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from chalicelib.observability import log_event
from chalicelib.store import changes

if TYPE_CHECKING:
    from collections.abc import Callable

LOG = logging.getLogger("nimbus.consumers")


def process(event: dict[str, Any], context: Any, apply: Callable[[changes.TableChange], object],
            name: str) -> dict[str, Any]:
    """Apply every record of a Lambda Kinesis event; the partial-failure answer."""
    # Imported here: ~130 ms that only stream consumers pay, not every API cold start.
    from aws_lambda_powertools.utilities.batch import (  # noqa: PLC0415
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    def handle(record: Any) -> None:
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
