"""Settings per level and their effective values (SCORM Cloud API v2 ``SettingListSchema`` /
``SettingsPostSchema``).

Levels, most general first: ``default`` (the catalog) → ``application`` (the realm: courses and
registrations belong to the realm, shared by its apps) → ``course`` → ``courseVersion`` →
``registration`` → ``instance``. A value set at a more specific level wins; each ``SettingItem``
says which level its ``effectiveValue`` came from (``effectiveValueSource``), the value set at the
level asked about (``explicitValue``) and whether there is one (``explicit``).

POST sets values. ``explicit: true`` keeps the value at this level even when it equals what the
level would inherit; ``explicit: false`` (what the SDK sends unless told otherwise) keeps it only
when it differs, so a value equal to the inherited one leaves the setting inherited; a ``null``
value removes the level's own value. DELETE ``.../configuration/{settingId}`` removes one.
A registration's levels follow the course version it runs on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib import courses, registrations
from chalicelib.configuration.catalog import SETTINGS, setting
from chalicelib.errors import BadRequest, NotFound
from chalicelib.store import registrations as registration_store
from chalicelib.store import settings as store

if TYPE_CHECKING:
    from chalicelib.store.tables import RegistrationItem


@dataclass(frozen=True)
class Chain:
    """The levels that apply, most general first; the last one is the level addressed."""

    names: list[str]
    places: list[store.Place]


def application(realm_id: str) -> Chain:
    return Chain(["application"], [store.application(realm_id)])


def course(realm_id: str, course_id: str, version: int | None = None) -> Chain:
    found = courses.require(realm_id, course_id)
    chain = application(realm_id)
    names, places = [*chain.names, "course"], [*chain.places, store.course(realm_id, course_id)]
    if version is not None:
        courses.version_of(realm_id, found, version)
        names.append("courseVersion")
        places.append(store.course(realm_id, course_id, version))
    return Chain(names, places)


def registration_chain(item: RegistrationItem, instance: int | None = None) -> Chain:
    """A stored registration's levels (its course and version are not looked up again: a level
    whose item is missing simply sets nothing)."""
    realm_id, course_id = item.realm_id, item.course_id
    names = ["application", "course", "courseVersion", "registration"]
    places = [store.application(realm_id), store.course(realm_id, course_id),
              store.course(realm_id, course_id, int(item.course_version)),
              store.registration(realm_id, item.registration_id)]
    if instance is not None:
        names.append("instance")
        places.append(store.registration(item.realm_id, item.registration_id, instance))
    return Chain(names, places)


def registration(realm_id: str, registration_id: str, instance: int | None = None) -> Chain:
    item = registrations.require(realm_id, registration_id)
    if instance is not None and instance != int(item.instance or 0) and instance not in {
            int(frozen.instance) for frozen in registration_store.instances(realm_id, registration_id)}:
        raise NotFound(f"Registration {registration_id!r} has no instance {instance}.")
    return registration_chain(item, instance)


def effective(chain: Chain) -> dict[str, tuple[str, str]]:
    """settingId → (effective value, the level it came from)."""
    found = {sid: (s.default, "default") for sid, s in SETTINGS.items()}
    for name, values in zip(chain.names, store.read_many(chain.places), strict=True):
        for sid, value in values.items():
            if sid in found:
                found[sid] = (value, name)
    return found


def values_for(item: RegistrationItem) -> dict[str, str]:
    """What the runtime uses for a registration's current instance: settingId → value."""
    return {sid: value for sid, (value, _) in effective(registration_chain(item, int(item.instance or 0))).items()}


def listing(chain: Chain, *, include_metadata: bool = False, standard: str | None = None) -> dict[str, Any]:
    """SettingListSchema for the level the chain ends at (only the settings that apply to
    ``standard`` when one is given)."""
    own = store.read(chain.places[-1])
    items = []
    for sid, (value, source) in effective(chain).items():
        if standard and standard not in SETTINGS[sid].standards:
            continue
        shown: dict[str, Any] = {"id": sid, "effectiveValue": value, "effectiveValueSource": source,
                                 "explicit": sid in own}
        if sid in own:
            shown["explicitValue"] = own[sid]
        if include_metadata:
            shown["metadata"] = SETTINGS[sid].metadata()
        items.append(shown)
    return {"settingItems": items}


Entry = tuple[str, str | None, bool]  # settingId, normalised value (None: remove), explicit


def entries(body: object) -> list[Entry]:
    """A SettingsPostSchema checked: (settingId, normalised value or None to remove, explicit)."""
    return _entries(body)


def _entries(body: object) -> list[Entry]:
    if not isinstance(body, dict) or not isinstance(body.get("settings"), list):
        raise BadRequest("The body must be a JSON object with settings, a list of {settingId, value, explicit} "
                         "(SettingsPostSchema).")
    checked: list[Entry] = []
    for index, entry in enumerate(body["settings"]):
        if not isinstance(entry, dict):
            raise BadRequest(f"settings[{index}] must be an object with settingId and value.")
        found = setting(entry.get("settingId"))
        explicit = entry.get("explicit", False)
        if explicit is None:
            explicit = False
        if not isinstance(explicit, bool):
            raise BadRequest(f"settings[{index}].explicit must be true or false.")
        if "value" not in entry:
            raise BadRequest(f"settings[{index}].value is required for {found.id} (null removes it).")
        value = entry["value"]
        checked.append((found.id, None if value is None else found.normalise(value), explicit))
    return checked


def change(chain: Chain, body: object) -> None:
    """Apply a SettingsPostSchema to the chain's own level (all or nothing)."""
    apply(chain, _entries(body))


def apply(chain: Chain, checked: list[Entry]) -> None:
    """Apply checked :func:`entries` to the chain's own level."""
    place = chain.places[-1]
    values = store.read(place)
    inherited = effective(Chain(chain.names[:-1], chain.places[:-1]))
    for sid, value, explicit in checked:
        if value is None or (not explicit and value == inherited[sid][0]):
            values.pop(sid, None)
        else:
            values[sid] = value
    store.write(place, values)


def remove(chain: Chain, setting_id: str) -> None:
    """DELETE .../configuration/{settingId}: the level inherits the setting again."""
    found = setting(setting_id)
    place = chain.places[-1]
    values = store.read(place)
    values.pop(found.id, None)
    store.write(place, values)
