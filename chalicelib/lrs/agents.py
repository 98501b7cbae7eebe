"""Agents and Groups: identity (IFIs), the ``agent`` query parameter and the Person object.

xAPI 1.0.3 Data §2.4.2 (Actor, IFIs), Communication §2.4 (Agents Resource: Person object).
Two Agents/identified Groups are the same when they use the same IFI and objectType.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.lrs import schema
from chalicelib.lrs.validation import InvalidStatement, fail, validate_statement


def ifi(agent: dict[str, Any]) -> str | None:
    """The agent's inverse functional identifier as one string, or None (anonymous group)."""
    for key in schema.IFIS:
        value = agent.get(key)
        if value is None:
            continue
        if key == "account" and isinstance(value, dict):
            return f"account:{value.get('homePage')}|{value.get('name')}"
        return f"{key}:{value}"
    return None


def key(agent: dict[str, Any]) -> str | None:
    """``objectType|ifi`` — the form agents are indexed and compared by."""
    found = ifi(agent)
    return f"{agent.get('objectType', 'Agent')}|{found}" if found else None


def parse_param(raw: str, name: str = "agent") -> dict[str, Any]:
    """Parse an ``agent`` query parameter: JSON of a valid Agent or identified Group."""
    try:
        agent = json.loads(raw)
    except ValueError as err:
        raise InvalidStatement(f"{name} parameter is not valid JSON") from err
    if not isinstance(agent, dict):
        raise fail(name, "must be a JSON object")
    probe = {"actor": agent, "verb": {"id": "http://example.com/v"},
             "object": {"id": "http://example.com/a"}}
    try:
        validate_statement(probe, schema.V2, path="$")
    except InvalidStatement as err:
        raise InvalidStatement(f"{name} parameter: {err.message.replace('$.actor', name)}") from err
    if ifi(agent) is None:
        raise fail(name, "must identify an Agent or identified Group")
    return agent


def person(agent: dict[str, Any]) -> dict[str, Any]:
    """The Person object for one agent (Communication §2.4: arrays of every known value)."""
    found: dict[str, Any] = {"objectType": "Person"}
    if "name" in agent:
        found["name"] = [agent["name"]]
    for prop in schema.IFIS:
        if prop in agent:
            found[prop] = [agent[prop]]
    return found


def members(agent: dict[str, Any]) -> list[dict[str, Any]]:
    member = agent.get("member")
    return [m for m in member if isinstance(m, dict)] if isinstance(member, list) else []
