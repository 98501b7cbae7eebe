"""Configuration settings (SCORM Cloud API v2 ``.../configuration``) stored beside what they
configure, so deleting that deletes them too:

* application (the realm): accounts table ``REALM#{realm}`` / ``SETTINGS``;
* course: courses table ``{realm}#COURSE#{courseId}`` / ``SETTINGS``, a version ``SETTINGS#V#{n:06d}``;
* registration: registrations table ``{realm}#REG#{id}`` / ``SETTINGS``, an instance
  ``SETTINGS#I#{n:06d}`` (removed with the registration's items).

Each item holds ``values``: ``{settingId: value}`` (strings, validated by the caller).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from chalicelib.config import settings
from chalicelib.store import transactions

_S = settings()


def _meta(table: str) -> Any:
    return type("Meta", (), {"table_name": table, "region": _S.region})


class _Settings(Model):
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    values = JSONAttribute(default=dict)


class AppSettingsItem(_Settings):
    Meta = _meta(_S.accounts_table)


class CourseSettingsItem(_Settings):
    Meta = _meta(_S.courses_table)


class RegistrationSettingsItem(_Settings):
    Meta = _meta(_S.registrations_table)


@dataclass(frozen=True)
class Place:
    """Where one level's values are kept."""

    model: type[_Settings]
    pk: str
    sk: str


def application(realm_id: str) -> Place:
    return Place(AppSettingsItem, f"REALM#{realm_id}", "SETTINGS")


def course(realm_id: str, course_id: str, version: int | None = None) -> Place:
    sk = "SETTINGS" if version is None else f"SETTINGS#V#{version:06d}"
    return Place(CourseSettingsItem, f"{realm_id}#COURSE#{course_id}", sk)


def registration(realm_id: str, registration_id: str, instance: int | None = None) -> Place:
    sk = "SETTINGS" if instance is None else f"SETTINGS#I#{instance:06d}"
    return Place(RegistrationSettingsItem, f"{realm_id}#REG#{registration_id}", sk)


def read(place: Place) -> dict[str, str]:
    try:
        found = place.model.get(place.pk, place.sk, consistent_read=True)
    except DoesNotExist:
        return {}
    return {str(k): str(v) for k, v in (found.values or {}).items()}


def read_many(places: list[Place]) -> list[dict[str, str]]:
    """The values of several levels (at most six, in up to three tables) in one strongly
    consistent ``BatchGetItem`` (a launch reads them all; one round trip instead of six)."""
    if len(places) < 2:
        return [read(place) for place in places]
    wanted: dict[str, dict[str, Any]] = {}
    for place in places:
        table = place.model.Meta.table_name
        wanted.setdefault(table, {"Keys": [], "ConsistentRead": True})
        key = {"pk": {"S": place.pk}, "sk": {"S": place.sk}}
        if key not in wanted[table]["Keys"]:
            wanted[table]["Keys"].append(key)
    found: dict[tuple[str, str, str], dict[str, str]] = {}
    client = transactions.connection().client
    while wanted:
        answer = client.batch_get_item(RequestItems=wanted)
        for table, items in answer.get("Responses", {}).items():
            for raw in items:
                values = json.loads(raw["values"]["S"]) if "S" in raw.get("values", {}) else {}
                found[(table, raw["pk"]["S"], raw["sk"]["S"])] = {str(k): str(v) for k, v in values.items()}
        wanted = answer.get("UnprocessedKeys") or {}
    return [found.get((p.model.Meta.table_name, p.pk, p.sk), {}) for p in places]


def write(place: Place, values: dict[str, str]) -> None:
    """Replace one level's values (an empty map deletes the item)."""
    item = place.model(place.pk, place.sk, values=values)
    if values:
        item.save()
    else:
        item.delete()


def delete_course_settings(realm_id: str, course_id: str, version: int | None = None) -> None:
    """A deleted course (every level) or course version forgets its settings."""
    pk = f"{realm_id}#COURSE#{course_id}"
    prefix = "SETTINGS" if version is None else f"SETTINGS#V#{version:06d}"
    with CourseSettingsItem.batch_write() as batch:
        for item in CourseSettingsItem.query(pk, CourseSettingsItem.sk.startswith(prefix)):
            batch.delete(item)
