"""Structured JSON logs and, inside Lambda only, AWS X-Ray.

``aws_xray_sdk`` costs ~340 ms to import outside Lambda and logs a warning on every patched
call when there is no segment, so it is imported and patched only when
``AWS_LAMBDA_FUNCTION_NAME`` is set (see docs/performance.md).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None)))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """Send the ``nimbus`` loggers to stderr as JSON lines (idempotent)."""
    logger = logging.getLogger("nimbus")
    if any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def log_event(logger: logging.Logger, message: str, **fields: Any) -> None:
    """Log ``message`` with ``fields`` as top-level JSON keys."""
    logger.info(message, extra=fields)


def enable_xray(in_lambda: bool) -> bool:
    """Patch boto3/botocore for X-Ray when running in Lambda; return whether it did."""
    if not in_lambda:
        return False
    from aws_xray_sdk.core import patch  # noqa: PLC0415 - deliberately lazy, see module doc

    patch(["boto3", "botocore"])
    return True
