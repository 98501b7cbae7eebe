"""Plans, usage limits, usage counters and billing records (issue 6, "Plans").

A plan has a registration limit and a limit type (``total``: counted until "Clear Existing
Registrations"; ``monthly``: registrations created this calendar month) and a storage limit on
expanded course content. A realm may be *linked* to another realm, whose plan then covers it:
the limits apply to the sum over the root realm and every realm linked to it.

Callers outside this module use four functions:

* :func:`check_registration_allowed` before creating a registration, and
  :func:`record_registration` after (the registrations issue calls them);
* :func:`check_storage` before keeping imported content, and :func:`record_storage` after
  (the course-import helper calls them).

Both checks raise :class:`PlanLimitReached` (HTTP 402) naming the limit and how to lift it.
Billing keeps records only: there is no payment processor.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from chalicelib.errors import ApiError, BadRequest, Conflict, Forbidden, NotFound
from chalicelib.store import accounts as store
from chalicelib.store import repos

MB = 1024 * 1024
GB = 1024 * MB


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    registration_limit: int | None  # None: unlimited
    limit_type: str  # "total" | "monthly"
    storage_limit_bytes: int | None  # None: unlimited
    price_cents: int  # per month
    resettable: bool  # may "Clear Existing Registrations"
    selectable: bool  # offered as a billing tier


#: The plans, as data. ``unlimited`` is the local stack's seeded realm's plan.
PLANS: dict[str, Plan] = {plan.id: plan for plan in (
    Plan("trial", "Trial", 10, "total", 100 * MB, 0, resettable=True, selectable=True),
    Plan("basic", "Basic", 100, "monthly", 5 * GB, 4900, resettable=False, selectable=True),
    Plan("pro", "Pro", 1000, "monthly", 50 * GB, 29900, resettable=False, selectable=True),
    Plan("enterprise", "Enterprise", None, "monthly", None, 99900, resettable=False, selectable=True),
    Plan("unlimited", "Unlimited", None, "total", None, 0, resettable=True, selectable=False),
)}
DEFAULT_PLAN = "trial"


class PlanLimitReached(ApiError):
    """A plan limit refuses the action; the message says which and how to lift it."""

    status = HTTPStatus.PAYMENT_REQUIRED


def _realm(realm_id: str) -> Any:
    realm = repos.get_realm(realm_id)
    if realm is None:
        raise NotFound(f"No realm {realm_id!r}.")
    return realm


def coverage_root(realm_id: str) -> str:
    realm = _realm(realm_id)
    return str(realm.coverage_root or realm.realm_id)


def covered_realms(root_id: str) -> list[str]:
    return [root_id, *(realm.realm_id for realm in store.realms_covered_by(root_id))]


def plan_of(realm_id: str) -> Plan:
    """The plan that covers ``realm_id`` (its root's plan when linked)."""
    return _root_and_plan(realm_id)[1]


def _root_and_plan(realm_id: str) -> tuple[str, Plan]:
    """(coverage root, its plan): one read of the realm, a second only for a linked realm."""
    realm = _realm(realm_id)
    root_id = str(realm.coverage_root or realm.realm_id)
    root = realm if root_id == realm.realm_id else _realm(root_id)
    return root_id, PLANS.get(root.plan, PLANS[DEFAULT_PLAN])


def _month_start() -> str:
    return repos.now().date().replace(day=1).isoformat()


def registrations_counted(root_id: str, plan: Plan) -> int:
    """Registrations counted against the plan over the coverage group."""
    total = 0
    for realm_id in covered_realms(root_id):
        if plan.limit_type == "monthly":
            total += sum(int(day.registrations or 0) for day in store.daily_usage(realm_id, _month_start()))
        else:
            total += int(store.get_usage(realm_id).registrations or 0)
    return total


def storage_used(root_id: str) -> int:
    return sum(int(store.get_usage(realm_id).storage_bytes or 0) for realm_id in covered_realms(root_id))


def _how_to_lift(plan: Plan) -> str:
    if plan.resettable and plan.limit_type == "total":
        return ("clear existing registrations (Account → Plan → Clear Existing Registrations) or choose a "
                "larger billing tier on the Account page")
    return "choose a larger billing tier on the Account page" + (
        " or wait for next month" if plan.limit_type == "monthly" else "")


def check_registration_allowed(realm_id: str, count: int = 1) -> None:
    """Raise :class:`PlanLimitReached` if ``count`` more registrations would exceed the plan."""
    root, plan = _root_and_plan(realm_id)
    if plan.registration_limit is None:
        return
    used = registrations_counted(root, plan)
    if used + count > plan.registration_limit:
        period = "per month" if plan.limit_type == "monthly" else "in total"
        group = "this realm" if len(covered_realms(root)) == 1 else f"realm {root} and the realms linked to it"
        needs = f" This needs {count}, so none were created." if count > 1 else ""
        raise PlanLimitReached(
            f"Registration limit reached: the {plan.name} plan allows {plan.registration_limit} registrations "
            f"{period}, and {group} have used {used}.{needs} To create more, {_how_to_lift(plan)}.")


def check_storage(realm_id: str, extra_bytes: int) -> None:
    """Raise :class:`PlanLimitReached` if ``extra_bytes`` more would exceed the storage limit."""
    root = coverage_root(realm_id)
    plan = plan_of(realm_id)
    if plan.storage_limit_bytes is None:
        return
    used = storage_used(root)
    if used + extra_bytes > plan.storage_limit_bytes:
        raise PlanLimitReached(
            f"Storage limit reached: the {plan.name} plan allows {plan.storage_limit_bytes // MB} MB of expanded "
            f"course content; {used // MB} MB are used and this needs {max(extra_bytes // MB, 1)} MB more. "
            "To import it, delete courses you no longer need or choose a larger billing tier on the Account page.")


def record_registration(realm_id: str, count: int = 1) -> None:
    store.add_usage(realm_id, registrations=count)


def registration_counters(realm_id: str) -> list[tuple[Any, list[Any]]]:
    """The usage updates of one new registration, for the transaction that stores it."""
    return store.usage_updates(realm_id, registrations=1)


def record_storage(realm_id: str, delta_bytes: int) -> None:
    """Add (or, negative, release) expanded content bytes."""
    store.add_usage(realm_id, storage_bytes=delta_bytes)


def clear_registrations(realm_id: str, actor: str) -> int:
    """"Clear Existing Registrations": delete the realm's registrations and reset its count."""
    plan = plan_of(realm_id)
    if not plan.resettable:
        raise Conflict(f"The {plan.name} plan counts registrations per month; they cannot be cleared.")
    deleted = store.delete_registrations(realm_id)
    store.reset_registration_count(realm_id, repos.now())
    store.add_billing_record(realm_id, "registrations-cleared", plan.id, 0, actor)
    return deleted


def select_tier(realm_id: str, plan_id: object, actor: str) -> Plan:
    """Choose a billing tier (kept as a record; no payment is taken)."""
    plan = PLANS.get(plan_id) if isinstance(plan_id, str) else None
    if plan is None or not plan.selectable:
        offered = ", ".join(p.id for p in PLANS.values() if p.selectable)
        raise BadRequest(f"plan must be one of {offered}.")
    realm = _realm(realm_id)
    if realm.coverage_root:
        raise Conflict(f"This realm is covered by realm {realm.coverage_root}'s plan; change the plan there "
                       "or unlink this realm first.")
    realm.plan = plan.id
    store.save_realm(realm)
    store.add_billing_record(realm_id, "tier-selected", plan.id, plan.price_cents, actor)
    return plan


def set_plan(realm_id: str, plan_id: str) -> None:
    """Put a realm on a plan directly (seeding, operators)."""
    realm = _realm(realm_id)
    if realm.plan != plan_id:
        realm.plan = PLANS[plan_id].id
        store.save_realm(realm)


def link(realm_id: str, root_id: str | None, owner_realms: set[str]) -> None:
    """Let ``root_id``'s plan cover ``realm_id`` (None: unlink). The person must own both."""
    if realm_id not in owner_realms or (root_id and root_id not in owner_realms):
        raise Forbidden("Only an owner of both realms may link them.")
    realm = _realm(realm_id)
    if root_id:
        if root_id == realm_id:
            raise BadRequest("A realm cannot be linked to itself.")
        root = _realm(root_id)
        if root.coverage_root:
            raise Conflict(f"Realm {root_id} is itself linked to {root.coverage_root}; link to that realm.")
        if store.realms_covered_by(realm_id):
            raise Conflict("Other realms are linked to this one; unlink them first.")
    store.link_realm(realm, root_id)


def plan_json(plan: Plan) -> dict[str, Any]:
    return {"id": plan.id, "name": plan.name, "registrationLimit": plan.registration_limit,
            "limitType": plan.limit_type, "storageLimitBytes": plan.storage_limit_bytes,
            "priceCents": plan.price_cents, "resettable": plan.resettable, "selectable": plan.selectable}


def overview(realm_id: str) -> dict[str, Any]:
    """The Account overview: plan, coverage, usage per covered realm, billing summary."""
    root = coverage_root(realm_id)
    plan = plan_of(realm_id)
    realms = []
    for rid in covered_realms(root):
        usage, realm = store.get_usage(rid), repos.get_realm(rid)
        realms.append({"id": rid, "name": realm.name if realm else rid,
                       "registrations": int(usage.registrations or 0),
                       "registrationsAllTime": int(usage.registrations_all_time or 0),
                       "storageBytes": int(usage.storage_bytes or 0)})
    records = store.billing_records(root)
    return {
        "realmId": realm_id, "coverageRoot": root, "plan": plan_json(plan),
        "plans": [plan_json(p) for p in PLANS.values() if p.selectable],
        "registrationsCounted": registrations_counted(root, plan), "storageUsedBytes": storage_used(root),
        "realms": realms,
        "billing": {"tier": plan.id, "monthlyPriceCents": plan.price_cents,
                    "records": [{"when": r.created.isoformat(), "kind": r.kind, "plan": r.plan,
                                 "amountCents": int(r.amount_cents or 0), "by": r.actor} for r in records[:50]]},
    }
