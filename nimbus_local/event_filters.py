"""Lambda event filtering (``FilterCriteria``) of the Kinesis consumers, as declared for AWS.

The deployable template (``infra/resources.json``) gives each stream consumer the filters Lambda
applies before invoking it ("Lambda event filtering": a record is delivered when any filter's
pattern matches; for Kinesis the ``data`` part of a pattern is matched against the record's data
decoded as JSON; records filtered out count as processed). The event pump reads the same
declarations, so a consumer sees locally exactly the records it sees on AWS — and the pump does
not build, encode and hand over records the consumer would skip (most changes of the statements
table are index items; most of the registrations table's are launch logs and tokens).

Supported pattern rules (a pattern names the operators it uses; any other makes the pump refuse
to start rather than deliver differently from AWS): a list of exact values, ``{"prefix": s}``,
``{"anything-but": [values]}``, ``{"exists": bool}``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

RESOURCES = Path(__file__).resolve().parent.parent / "infra" / "resources.json"
_OPERATORS = {"prefix", "anything-but", "exists"}
_MISSING = object()


def _logical_id(source_name: str) -> str:
    """chalice's logical id of a function: ``registration_events`` → ``RegistrationEvents``."""
    return "".join(part[:1].upper() + part[1:] for part in source_name.split("_"))


def _check(pattern: Any, where: str) -> None:
    if isinstance(pattern, dict):
        for key, inner in pattern.items():
            _check(inner, f"{where}.{key}")
        return
    if not isinstance(pattern, list):
        raise ValueError(f"{where}: a filter pattern leaf must be a list of values or rules")
    for rule in pattern:
        if isinstance(rule, dict) and (len(rule) != 1 or next(iter(rule)) not in _OPERATORS):
            raise ValueError(f"{where}: the local event pump does not apply the filter rule {rule}")


def kinesis_filters(source_name: str, path: Path = RESOURCES) -> list[dict[str, Any]]:
    """The patterns of a Kinesis consumer's ``FilterCriteria`` (empty: every record)."""
    resources = json.loads(path.read_text()).get("Resources", {})
    name = _logical_id(source_name)
    events = resources.get(name, {}).get("Properties", {}).get("Events", {})
    criteria = events.get(f"{name}KinesisEventSource", {}).get("Properties", {}).get("FilterCriteria", {})
    patterns = [json.loads(f["Pattern"]) for f in criteria.get("Filters", [])]
    for pattern in patterns:
        if set(pattern) - {"data"}:
            raise ValueError(f"{source_name}: the local event pump filters Kinesis records on 'data' only")
        _check(pattern, source_name)
    return patterns


def _leaf(rules: list[Any], value: Any) -> bool:
    for rule in rules:
        if not isinstance(rule, dict):
            if value is not _MISSING and value == rule:
                return True
            continue
        (operator, argument), = rule.items()
        if operator == "exists" and (value is not _MISSING) == bool(argument):
            return True
        if operator == "prefix" and isinstance(value, str) and value.startswith(str(argument)):
            return True
        if operator == "anything-but" and value is not _MISSING and value not in (
                argument if isinstance(argument, list) else [argument]):
            return True
    return False


def _matches(pattern: dict[str, Any], document: Any) -> bool:
    for key, inner in pattern.items():
        value = document.get(key, _MISSING) if isinstance(document, dict) else _MISSING
        if isinstance(inner, dict):
            if not _matches(inner, value if isinstance(value, dict) else {}):
                return False
        elif not _leaf(inner, value):
            return False
    return True


def passes(patterns: list[dict[str, Any]], data: dict[str, Any]) -> bool:
    """Whether a record whose decoded data is ``data`` is delivered (no patterns: always)."""
    return not patterns or any(_matches(pattern["data"], data) for pattern in patterns)


def _keys_only(pattern: dict[str, Any]) -> bool:
    """Whether a pattern looks at nothing but the event name and the item's keys."""
    data = pattern.get("data", {})
    return set(data) <= {"eventName", "dynamodb"} and set(data.get("dynamodb", {})) <= {"Keys"}


def capture(consumers: list[list[dict[str, Any]]]) -> Callable[[str, dict[str, Any]], bool] | None:
    """For a table whose change stream feeds ``consumers`` (each its list of patterns): whether a
    change (event name, keys) could reach any of them — or None when that cannot be told from the
    event name and keys alone (a consumer without filters, or a filter on the images)."""
    if not consumers or any(not patterns or not all(_keys_only(p) for p in patterns) for patterns in consumers):
        return None
    everything = [pattern for patterns in consumers for pattern in patterns]

    def wanted(event_name: str, keys: dict[str, Any]) -> bool:
        return passes(everything, {"eventName": event_name, "dynamodb": {"Keys": keys}})

    return wanted
