"""Who may call which route: the authorization model, kept as data.

Every route has a :class:`Rule`. The middleware finds it (see :func:`rule_for`), authenticates
the caller with the authenticator of the route's prefix, then :func:`check` compares the
caller with the rule. A route with no rule is refused (default deny), and
``tests/integration/test_authorization_matrix.py`` fails for it.

Where a rule comes from, first match wins:

1. ``@permissions.declare(rule)`` on the view function (either side of ``@api.route``);
2. ``PERMISSION = <rule>`` at module level in the blueprint's module (a default for every route
   of that blueprint);
3. the default rule of the middleware gate that owns the route's prefix
   (``middleware.GATES``, e.g. the LRS);
4. for ``/api/v2/*`` only: :data:`API_AREAS`, the SCORM Cloud API v2 resource of the path, which
   gives the OAuth scope area (``read:course`` for ``GET /api/v2/courses``).

Caller kinds: ``user`` (web session; has a role per realm), ``app`` (App ID + secret key,
``APP_NORMAL``), ``app_management`` (the realm's application-management credentials,
``APP_MANAGEMENT``), ``oauth`` (bearer token minted by an app), ``management_oauth`` (bearer
token minted with management credentials). Other packages may add kinds (the LRS does).

Roles (issue 6): Owner (everything), Administrator (everything except the Account tab),
Learner (only their own assigned courses and registrations: see :func:`learner_scope`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from chalicelib.errors import Forbidden

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.identity import Caller

OWNER = frozenset({"owner"})
ADMINS = frozenset({"owner", "administrator"})
MEMBERS = frozenset({"owner", "administrator", "learner"})
ROLES = ("owner", "administrator", "learner")

ACTIONS = ("read", "write", "delete")
ACTION_BY_METHOD = {"GET": "read", "HEAD": "read", "OPTIONS": "read", "DELETE": "delete"}
TOKEN_KINDS = frozenset({"oauth", "management_oauth"})
API_CALLERS = frozenset({"app", "oauth"})

#: SCORM Cloud API v2 resource of each ``/api/v2`` path prefix → OAuth scope area
#: (API_V2.md "Auth": ``read|write|delete[:course|registration|dispatch|…]``). An empty area
#: means any valid app credential or token will do.
API_AREAS: tuple[tuple[str, str], ...] = (
    ("/api/v2/ping", ""),
    ("/api/v2/about", ""),
    ("/api/v2/courses", "course"),
    ("/api/v2/registrations", "registration"),
    ("/api/v2/dispatch", "dispatch"),
    ("/api/v2/invitations", "invitation"),
    ("/api/v2/learner", "learner"),
    ("/api/v2/xapi", "xapi"),
    ("/api/v2/reporting", "reporting"),
    ("/api/v2/contentConnectors", "content"),
)
#: Scope areas a token may name (bare ``read``/``write``/``delete`` cover all of them).
SCOPE_AREAS = frozenset({area for _, area in API_AREAS if area} | {"application"})

KIND_NAMES = {
    "user": "a web session",
    "app": "app credentials",
    "app_management": "application-management credentials",
    "oauth": "an OAuth token",
    "management_oauth": "an application-management OAuth token",
}


@dataclass(frozen=True)
class Rule:
    """What a route demands of its caller."""

    callers: frozenset[str]
    area: str = ""
    roles: frozenset[str] = field(default=ADMINS)
    action: str | None = None  # read | write | delete; None: derived from the HTTP method
    public: bool = False
    note: str = ""

    def action_for(self, method: str) -> str:
        return self.action or ACTION_BY_METHOD.get(method.upper(), "write")


def public(note: str) -> Rule:
    """No credentials needed (``note`` says why)."""
    return Rule(callers=frozenset(), public=True, note=note)


def web(roles: frozenset[str] = ADMINS, area: str = "") -> Rule:
    """A signed-in person whose role in the current realm is one of ``roles``."""
    return Rule(callers=frozenset({"user"}), roles=roles, area=area)


def api(area: str = "", action: str | None = None) -> Rule:
    """API v2 with app credentials, or an OAuth token holding ``action[:area]``."""
    return Rule(callers=API_CALLERS, area=area, action=action)


def app_management(action: str | None = None) -> Rule:
    """``/appManagement/*``: management credentials or a token minted with them."""
    return Rule(callers=frozenset({"app_management", "management_oauth"}), area="application",
                action=action)


def token_endpoint() -> Rule:
    """The two token endpoints: app or management Basic credentials (never a token)."""
    return Rule(callers=frozenset({"app", "app_management"}))


_F = TypeVar("_F", bound="Callable[..., Any]")


def declare(rule: Rule) -> Callable[[_F], _F]:
    """Decorator: the rule of one view function (overrides the module's ``PERMISSION``)."""
    def mark(view: _F) -> _F:
        view.__nimbus_rule__ = rule  # type: ignore[attr-defined]
        return view
    return mark


def declared_rule(view: Callable[..., Any]) -> Rule | None:
    """The rule declared on ``view`` or as its module's ``PERMISSION`` default."""
    found = getattr(view, "__nimbus_rule__", None)
    if found is None:
        found = getattr(sys.modules.get(view.__module__), "PERMISSION", None)
    return found if isinstance(found, Rule) else None


def api_area(route: str) -> str | None:
    for prefix, area in API_AREAS:
        if route == prefix or route.startswith(prefix + "/"):
            return area
    return None


def rule_for(route: str, view: Callable[..., Any] | None, gate_default: Rule | None) -> Rule | None:
    """The rule for a route (see the module docstring for the order), or None: deny."""
    if view is not None:
        declared = declared_rule(view)
        if declared is not None:
            return declared
    if gate_default is not None:
        return gate_default
    area = api_area(route)
    return api(area) if area is not None else None


def satisfies(scopes: frozenset[str], action: str, area: str) -> bool:
    """Does a token's scope set allow ``action`` on ``area``? Bare actions cover every area."""
    return not area and bool(scopes) or action in scopes or f"{action}:{area}" in scopes


def check(rule: Rule, caller: Caller, method: str) -> None:
    """Raise :class:`Forbidden` unless ``caller`` may call a route governed by ``rule``."""
    if caller.kind not in rule.callers:
        allowed = ", ".join(KIND_NAMES.get(kind, kind) for kind in sorted(rule.callers)) or "nobody"
        raise Forbidden(f"This route does not accept {KIND_NAMES.get(caller.kind, caller.kind)}; "
                        f"it accepts {allowed}.")
    action = rule.action_for(method)
    if caller.kind == "user" and caller.role not in rule.roles:
        raise Forbidden(f"Your role in this realm ({caller.role}) may not do this; it needs "
                        f"{' or '.join(sorted(rule.roles))}.")
    if caller.kind in TOKEN_KINDS and not satisfies(caller.scopes, action, rule.area):
        needed = f"{action}:{rule.area}" if rule.area else "any scope"
        raise Forbidden(f"The token's scopes do not allow this; it needs {action} or {needed}.")


def learner_scope(caller: Caller) -> str | None:
    """The learner id a caller is limited to, or None when it may see every learner's data.

    Learners see only their own assigned courses and registrations: list and read functions
    (registrations, launches) must filter by this id, which is the person's email.
    """
    return caller.principal if caller.kind == "user" and caller.role == "learner" else None
