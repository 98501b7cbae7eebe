"""Statement validation driven by the tables in :mod:`chalicelib.lrs.schema`.

Every failure is a 400 whose message names the JSON path of the offending property and the
rule (xAPI 1.0.3 Data §2.2 "The LRS MUST reject ... with 400 Bad Request"; IEEE 9274.1.1
§2.2). Property names are case-sensitive and unknown properties are rejected (Data §2.2).
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.errors import BadRequest
from chalicelib.lrs import schema
from chalicelib.lrs.schema import V2, Prop


class InvalidStatement(BadRequest):
    """A statement (or part of one) breaks a rule of the data model."""


def fail(path: str, reason: str) -> InvalidStatement:
    return InvalidStatement(f"{path}: {reason}")


def validate_statement(statement: Any, version: str, path: str = "statement") -> None:
    """Check one statement against the data model of ``version`` (``1.0.3``/``2.0.0``)."""
    _object(statement, schema.STATEMENT, version, path)
    _cross_checks(statement, version, path)


def _object(value: Any, table: dict[str, Prop], version: str, path: str) -> None:
    if not isinstance(value, dict):
        raise fail(path, "must be a JSON object")
    for key, item in value.items():
        prop = table.get(key)
        if prop is None or version not in prop.versions:
            raise fail(f"{path}.{key}", "is not an allowed property here")
        if item is None:
            raise fail(f"{path}.{key}", "must not be null")
        _value(item, prop.kind, version, f"{path}.{key}")
    for key, prop in table.items():
        if prop.required and key not in value and version in prop.versions:
            raise fail(f"{path}.{key}", "is required")


def _value(value: Any, kind: str, version: str, path: str) -> None:  # noqa: C901, PLR0912
    if kind.startswith("const:"):
        if value != kind[6:]:
            raise fail(path, f"must be \"{kind[6:]}\"")
    elif kind in _FORMATS:
        pattern, what = _FORMATS[kind]
        if not isinstance(value, str) or not pattern.match(value):
            raise fail(path, f"must be {what}")
    elif kind == "string":
        if not isinstance(value, str):
            raise fail(path, "must be a string")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise fail(path, "must be true or false")
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise fail(path, "must be a number")
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise fail(path, "must be a non-negative integer")
    elif kind == "timestamp":
        _timestamp(value, version, path)
    elif kind == "version":
        if not isinstance(value, str) or not schema.VERSION[version].match(value):
            raise fail(path, "must be a supported xAPI version (1.0.x or 2.0.x)")
    elif kind in _OBJECT_KINDS:
        _object(value, _OBJECT_KINDS[kind], version, path)
        _after_object(kind, value, version, path)
    elif kind in _LISTS:
        item_kind, may_be_single, may_be_empty = _LISTS[kind]
        items = [value] if may_be_single and isinstance(value, dict) else value
        if not isinstance(items, list) or (not items and not may_be_empty):
            raise fail(path, "must be a non-empty array" if not may_be_empty else "must be an array")
        for index, item in enumerate(items):
            if item is None:
                raise fail(f"{path}[{index}]", "must not be null")
            _value(item, item_kind, version, f"{path}[{index}]")
    elif kind in _SPECIAL:
        _SPECIAL[kind](value, version, path)
    else:  # pragma: no cover - a typo in the tables
        raise AssertionError(kind)


def _after_object(kind: str, value: dict[str, Any], version: str, path: str) -> None:
    if kind in ("agent", "group"):
        _ifis(value, path, group=(kind == "group"))
    elif kind == "score":
        _score(value, path)
    elif kind == "definition" and "interactionType" not in value:
        for key in ("correctResponsesPattern", "choices", "scale", "source", "target", "steps"):
            if key in value:
                raise fail(f"{path}.{key}", "needs an interactionType")


def _actor(value: Any, version: str, path: str) -> None:
    if isinstance(value, dict) and value.get("objectType") == "Group":
        _value(value, "group", version, path)
    else:
        _value(value, "agent", version, path)


def _authority(value: Any, version: str, path: str) -> None:
    """Data §2.4.9: an Agent, or (OAuth) an anonymous Group of exactly two Agents."""
    _actor(value, version, path)
    if isinstance(value, dict) and value.get("objectType") == "Group":
        if any(key in value for key in schema.IFIS):
            raise fail(path, "an authority Group must be anonymous (OAuth consumer and user)")
        if len(value.get("member") or []) != 2:
            raise fail(f"{path}.member", "an authority Group has exactly two Agents")


def _object_prop(value: Any, version: str, path: str, *, sub: bool = False) -> None:
    if not isinstance(value, dict):
        raise fail(path, "must be a JSON object")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        _value(value, "activity", version, path)
    elif kind == "Agent":
        _value(value, "agent", version, path)
    elif kind == "Group":
        _value(value, "group", version, path)
    elif kind == "StatementRef":
        _value(value, "statement_ref", version, path)
    elif kind == "SubStatement" and not sub:
        _object(value, schema.SUB_STATEMENT, version, path)
        _cross_checks(value, version, path)
    else:
        raise fail(f"{path}.objectType", f"\"{kind}\" is not allowed here")


def _ifis(value: dict[str, Any], path: str, *, group: bool) -> None:
    """Data §2.4.2.1/2: exactly one IFI; an anonymous Group must list its members."""
    present = [key for key in schema.IFIS if key in value]
    if len(present) > 1:
        raise fail(path, f"must have exactly one inverse functional identifier, not {present}")
    if not present and (not group or "member" not in value):
        raise fail(path, "needs an inverse functional identifier (mbox, mbox_sha1sum, openid "
                         "or account)" + (" or a member list" if group else ""))


def _score(value: dict[str, Any], path: str) -> None:
    scaled, raw, low, high = (value.get(k) for k in ("scaled", "raw", "min", "max"))
    if scaled is not None and not -1 <= scaled <= 1:
        raise fail(f"{path}.scaled", "must be between -1 and 1")
    if low is not None and high is not None and low >= high:
        raise fail(f"{path}.min", "must be less than max")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        raise fail(f"{path}.raw", "must lie between min and max")


def _timestamp(value: Any, version: str, path: str) -> None:
    match = schema.TIMESTAMP.match(value) if isinstance(value, str) else None
    if not match:
        raise fail(path, "must be an ISO 8601 timestamp")
    month, day, hour, minute = (int(match.group(i)) for i in (2, 3, 4, 5))
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59):
        raise fail(path, "must be a real date and time")
    offset = match.group(8) or ""
    if offset.replace(":", "") in ("-00", "-0000"):
        raise fail(path, "must not use the offset -00:00 (RFC 3339 unknown local offset)")
    if version == V2 and not offset:
        raise fail(path, "must include a time zone offset (RFC 3339)")


def _langmap(value: Any, _version: str, path: str) -> None:
    if not isinstance(value, dict):
        raise fail(path, "must be a language map (object)")
    for key, text in value.items():
        if not schema.LANGTAG.match(key):
            raise fail(f"{path}.{key}", "is not an RFC 5646 language tag")
        if not isinstance(text, str):
            raise fail(f"{path}.{key}", "must be a string")


def _extensions(value: Any, _version: str, path: str) -> None:
    if not isinstance(value, dict):
        raise fail(path, "must be an object")
    for key in value:
        if not schema.IRI.match(key):
            raise fail(f"{path}.{key}", "extension keys must be IRIs")


def _members(value: Any, version: str, path: str) -> None:
    if not isinstance(value, list):
        raise fail(path, "must be an array of Agents")
    for index, member in enumerate(value):
        if isinstance(member, dict) and member.get("objectType") == "Group":
            raise fail(f"{path}[{index}]", "a Group may not contain Groups")
        _value(member, "agent", version, f"{path}[{index}]")


def _cross_checks(statement: dict[str, Any], version: str, path: str) -> None:
    """Rules stated in prose: context revision/platform only with Activities (§2.4.6)."""
    context = statement.get("context")
    target = statement.get("object") or {}
    if isinstance(context, dict) and isinstance(target, dict):
        if target.get("objectType", "Activity") != "Activity":
            for key in ("revision", "platform"):
                if key in context:
                    raise fail(f"{path}.context.{key}", "is only allowed when the object is an "
                                                       "Activity")
    verb = statement.get("verb") or {}
    if verb.get("id") == schema.VOIDED and target.get("objectType") != "StatementRef":
        raise fail(f"{path}.object", "a voiding statement's object must be a StatementRef")


_FORMATS = {
    "uuid": (schema.UUID, "a UUID"),
    "iri": (schema.IRI, "an IRI"),
    "mbox": (schema.MBOX, "a mailto: IRI"),
    "sha1": (schema.SHA1, "a hex SHA-1 sum"),
    "sha2": (schema.SHA2, "a hex SHA-2 sum"),
    "langtag": (schema.LANGTAG, "an RFC 5646 language tag"),
    "mime": (schema.MIME, "an Internet media type"),
    "duration": (schema.DURATION, "an ISO 8601 duration"),
    "interaction_type": (re.compile(  # enum, as an anchored alternation
        "^(" + "|".join(sorted(schema.INTERACTION_TYPES)) + ")$"), "a known interactionType"),
}
_OBJECT_KINDS = {
    "agent": schema.AGENT, "group": schema.GROUP, "account": schema.ACCOUNT,
    "verb": schema.VERB, "activity": schema.ACTIVITY, "definition": schema.DEFINITION,
    "component": schema.COMPONENT, "statement_ref": schema.STATEMENT_REF,
    "result": schema.RESULT, "score": schema.SCORE, "context": schema.CONTEXT,
    "context_activities": schema.CONTEXT_ACTIVITIES, "context_agent": schema.CONTEXT_AGENT,
    "context_group": schema.CONTEXT_GROUP, "attachment": schema.ATTACHMENT,
}
#: list kind → (item kind, a single object is accepted, may be empty)
_LISTS = {
    "strings": ("string", False, True),
    "iris": ("iri", False, False),
    "components": ("component", False, True),
    "activities": ("activity", True, True),
    "attachments": ("attachment", False, True),
    "context_agents": ("context_agent", False, True),
    "context_groups": ("context_group", False, True),
}
_SPECIAL = {
    "actor": _actor,
    "authority": _authority,
    "object": _object_prop,
    "sub_object": lambda v, ver, p: _object_prop(v, ver, p, sub=True),
    "langmap": _langmap,
    "extensions": _extensions,
    "members": _members,
}
