"""Realms, people and web sign-in.

Passwords are hashed with Argon2id (argon2-cffi's ``PasswordHasher`` defaults, RFC 9106's
second recommended option) and never logged. A person belongs to one or more realms, with a
role in each (Owner, Administrator, Learner; :mod:`chalicelib.permissions`). After
``lockout_attempts`` failed sign-ins in a row they are locked out for ``lockout_minutes``;
each realm sets both (defaults ``LOCKOUT_ATTEMPTS``/``LOCKOUT_MINUTES``), and a person in
several realms gets the strictest of their realms' policies.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from chalicelib import apps, plans
from chalicelib.apps import NewApp, create_app, new_id
from chalicelib.config import settings
from chalicelib.errors import BadRequest, Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized
from chalicelib.identity import memberships
from chalicelib.permissions import ROLES
from chalicelib.store import accounts as store
from chalicelib.store import repos
from chalicelib.store.tables import UserItem

if TYPE_CHECKING:
    from chalicelib.identity import Caller
    from chalicelib.store.tables import MembershipItem, RealmItem

__all__ = ["ROLES", "NewApp", "create_app", "new_id"]

BAD_SIGN_IN = "Email or password is incorrect."
PASSWORD_MIN = 10
LOCKOUT_LIMITS = {"lockoutAttempts": (1, 100), "lockoutMinutes": (1, 24 * 60)}
_HASHER = PasswordHasher()
# Verifying against this keeps the time of an unknown-email sign-in like a known one.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class SignedIn:
    token: str
    csrf_token: str
    user: UserItem
    max_age: int


@dataclass(frozen=True)
class NewRealm:
    realm_id: str
    owner_email: str
    app: NewApp


def _email(raw: object, field: str = "email") -> str:
    if not isinstance(raw, str) or "@" not in raw or len(raw) > 254 or raw.strip() != raw.strip().split()[0]:
        raise BadRequest(f"{field} must be an email address")
    return raw.strip().lower()


def _password(raw: object, field: str = "password") -> str:
    if not isinstance(raw, str) or len(raw) < PASSWORD_MIN:
        raise BadRequest(f"{field} must be at least {PASSWORD_MIN} characters")
    return raw


def _role(raw: object) -> str:
    if raw not in ROLES:
        raise BadRequest(f"role must be one of {', '.join(ROLES)}")
    return str(raw)


def create_user(email: str, password: str, realm_id: str, role: str, name: str = "") -> UserItem:
    """Create a person with a role in ``realm_id`` (their home realm)."""
    role = _role(role)
    email = _email(email)
    user = UserItem(user_id=new_id("U"), email=email, name=name, realm_id=realm_id,
                    role=role, password_hash=_HASHER.hash(password), created=repos.now())
    repos.create_user(user)
    store.add_membership(email, realm_id, role)
    return user


# --- sign-in and lockout --------------------------------------------------------------------


def lockout_policy(user: UserItem) -> tuple[int, int]:
    """(attempts, minutes): the strictest policy of the realms the person belongs to."""
    cfg = settings()
    attempts, minutes = cfg.lockout_attempts, cfg.lockout_minutes
    for realm_id in memberships(user) or {user.realm_id: ""}:
        realm = repos.get_realm(realm_id)
        if realm is not None and realm.lockout_attempts:
            attempts = min(attempts, int(realm.lockout_attempts))
        if realm is not None and realm.lockout_minutes:
            minutes = max(minutes, int(realm.lockout_minutes))
    return attempts, minutes


def sign_in(email: object, password: object) -> SignedIn:
    """Check a person's email and password and open a session (or raise 400/401/429)."""
    if not isinstance(email, str) or not email.strip():
        raise BadRequest("email is required")
    if not isinstance(password, str) or not password:
        raise BadRequest("password is required")
    return open_session(check_password(email, password))


def check_password(email: str, password: str) -> UserItem:
    """The person whose email and password these are (401), unless locked out (429); failures
    count toward lockout. Web sign-in and learners' LRS Basic auth both use it."""
    user = repos.get_user(email)
    if user is None:
        _verify(_DUMMY_HASH, password)
        raise Unauthorized(BAD_SIGN_IN)
    if user.locked_until and user.locked_until > repos.now():
        raise TooManyRequests("Too many failed sign-ins; try again later.",
                              headers={"Retry-After": str(int((user.locked_until - repos.now())
                                                                .total_seconds()) + 1)})
    if not _verify(user.password_hash, password):
        _count_failure(user)
        raise Unauthorized(BAD_SIGN_IN)
    if user.failed_signins or user.locked_until or _HASHER.check_needs_rehash(user.password_hash):
        user.failed_signins, user.locked_until = 0, None
        user.password_hash = (_HASHER.hash(password) if _HASHER.check_needs_rehash(user.password_hash)
                              else user.password_hash)
        repos.save_user(user)
    return user


def _count_failure(user: UserItem) -> None:
    attempts, minutes = lockout_policy(user)
    user.failed_signins = (user.failed_signins or 0) + 1
    if user.failed_signins >= attempts:
        user.locked_until = repos.now() + timedelta(minutes=minutes)
        user.failed_signins = 0
    repos.save_user(user)


def open_session(user: UserItem, realm_id: str | None = None) -> SignedIn:
    max_age = settings().session_hours * 3600
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    session = repos.create_session(token, user.email, csrf, max_age)
    if realm_id:
        store.set_session_realm(session, realm_id)
    return SignedIn(token=token, csrf_token=csrf, user=user, max_age=max_age)


def sign_out(token: str) -> None:
    repos.delete_session(token)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- the signed-in person's own settings ----------------------------------------------------


def _me(caller: Caller) -> UserItem:
    user = repos.get_user(caller.principal)
    if user is None:
        raise Unauthorized("Sign in first.")
    return user


def _check_current(user: UserItem, current: object) -> UserItem:
    """The current password, required to change sign-in details; failures count toward lockout."""
    if user.locked_until and user.locked_until > repos.now():
        raise TooManyRequests("Too many failed attempts; try again later.")
    if not isinstance(current, str) or not current:
        raise BadRequest("currentPassword is required.")
    if not _verify(user.password_hash, current):
        _count_failure(user)
        raise BadRequest("currentPassword is not your current password.")
    return user


def change_password(caller: Caller, current: object, new: object) -> None:
    """Change the caller's password; the current one is required."""
    user = _check_current(_me(caller), current)
    user.password_hash = _HASHER.hash(_password(new, "newPassword"))
    repos.save_user(user)


def change_email(caller: Caller, new_email: object, current: object) -> UserItem:
    """Move the caller to a new email (the account key); the current password is required.
    Existing sessions end; the caller gets a new one."""
    user = _check_current(_me(caller), current)
    email = _email(new_email)
    if email == user.email:
        return user
    moved = UserItem(user_id=user.user_id, email=email, name=user.name, realm_id=user.realm_id,
                     role=user.role, password_hash=user.password_hash, created=user.created)
    try:
        repos.create_user(moved)
    except repos.AlreadyExists as err:
        raise Conflict(f"{email} is already used by another account.") from err
    for item in store.memberships_of(user.email):
        store.add_membership(email, item.realm_id, item.role)
        store.delete_membership(item)
    user.delete()
    return moved


# --- realms and people ----------------------------------------------------------------------


def realm_item(realm_id: str) -> RealmItem:
    realm = repos.get_realm(realm_id)
    if realm is None:
        raise NotFound(f"No realm {realm_id!r}.")
    return realm


def create_realm(name: str, owner_email: str, owner_password: str, realm_id: str | None = None,
                 plan: str = plans.DEFAULT_PLAN) -> NewRealm:
    """Create a realm on ``plan`` with its Owner, a first API app and its management app
    (what signing up gives you)."""
    if not isinstance(name, str) or not name.strip():
        raise BadRequest("name is required")
    realm_id = realm_id or new_id("R")
    repos.create_realm(realm_id, name.strip())
    plans.set_plan(realm_id, plan)
    create_user(owner_email, owner_password, realm_id, "owner", name="Owner")
    app = create_app(realm_id, f"{name.strip()} app")
    apps.management_app(realm_id)
    return NewRealm(realm_id=realm_id, owner_email=_email(owner_email), app=app)


def sign_up(name: object, email: object, password: object) -> SignedIn:
    """Create a realm on the trial plan with the new person as its Owner, and sign them in."""
    address = _email(email)
    if repos.get_user(address) is not None:
        raise Conflict(f"{address} already has an account; sign in and create a realm from Account.")
    made = create_realm(str(name or ""), address, _password(password))
    user = repos.get_user(address)
    assert user is not None  # noqa: S101 - just created
    return open_session(user, made.realm_id)


def create_another_realm(caller: Caller, name: object) -> str:
    """A signed-in person creates another realm (trial plan) and becomes its Owner."""
    if not isinstance(name, str) or not name.strip():
        raise BadRequest("name is required")
    realm_id = new_id("R")
    repos.create_realm(realm_id, name.strip())
    store.add_membership(caller.principal, realm_id, "owner")
    create_app(realm_id, f"{name.strip()} app")
    apps.management_app(realm_id)
    return realm_id


def my_realms(email: str) -> list[dict[str, Any]]:
    user = repos.get_user(email)
    if user is None:
        return []
    out = []
    for realm_id, role in sorted(memberships(user).items()):
        realm = repos.get_realm(realm_id)
        out.append({"id": realm_id, "name": realm.name if realm else realm_id, "role": role,
                    "coverageRoot": (realm.coverage_root if realm else None) or realm_id})
    return out


def switch_realm(session: Any, caller: Caller, realm_id: object) -> str:
    """Make ``realm_id`` the session's realm, if the person belongs to it."""
    user = _me(caller)
    if not isinstance(realm_id, str) or realm_id not in memberships(user):
        raise NotFound(f"You do not belong to realm {realm_id!r}.")
    store.set_session_realm(session, realm_id)
    return realm_id


def lockout_settings(realm_id: str) -> dict[str, int]:
    realm, cfg = realm_item(realm_id), settings()
    return {"lockoutAttempts": int(realm.lockout_attempts or cfg.lockout_attempts),
            "lockoutMinutes": int(realm.lockout_minutes or cfg.lockout_minutes)}


def set_lockout_settings(realm_id: str, body: dict[str, Any]) -> dict[str, int]:
    realm = realm_item(realm_id)
    for field, (low, high) in LOCKOUT_LIMITS.items():
        if field not in body:
            continue
        value = body[field]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise BadRequest(f"{field} must be a whole number from {low} to {high}.")
        setattr(realm, "lockout_attempts" if field == "lockoutAttempts" else "lockout_minutes", value)
    store.save_realm(realm)
    return lockout_settings(realm_id)


def member_json(item: MembershipItem, user: UserItem | None) -> dict[str, Any]:
    return {"email": item.email, "name": user.name if user else "", "role": item.role,
            "added": item.created.isoformat(),
            "locked": bool(user and user.locked_until and user.locked_until > repos.now())}


def list_members(realm_id: str) -> list[dict[str, Any]]:
    return [member_json(item, repos.get_user(item.email))
            for item in sorted(store.members_of(realm_id), key=lambda m: m.email)]


def _grant_check(caller: Caller, role: str) -> None:
    if role == "owner" and caller.role != "owner":
        raise Forbidden("Only an owner may make or change owners.")


def add_member(caller: Caller, email: object, role: object, name: object = "") -> tuple[dict[str, Any], str | None]:
    """Add a person to the caller's realm with a role. A new person gets a generated first
    password, returned once (there is no email delivery yet); an existing one just joins."""
    address, wanted = _email(email), _role(role)
    _grant_check(caller, wanted)
    if store.get_membership(address, caller.realm_id) is not None:
        raise Conflict(f"{address} is already a member of this realm.")
    password = None
    if repos.get_user(address) is None:
        password = secrets.token_urlsafe(12)
        create_user(address, password, caller.realm_id, wanted, name=str(name or "")[:100])
    else:
        store.add_membership(address, caller.realm_id, wanted)
    item = store.get_membership(address, caller.realm_id)
    assert item is not None  # noqa: S101 - just written
    return member_json(item, repos.get_user(address)), password


def _owners(realm_id: str) -> list[str]:
    return [m.email for m in store.members_of(realm_id) if m.role == "owner"]


def _membership(realm_id: str, email: str) -> MembershipItem:
    item = store.get_membership(email, realm_id)
    if item is None:
        raise NotFound(f"{email} is not a member of this realm.")
    return item


def set_role(caller: Caller, email: str, role: object) -> dict[str, Any]:
    wanted = _role(role)
    item = _membership(caller.realm_id, email.lower())
    _grant_check(caller, wanted)
    _grant_check(caller, item.role)
    if item.role == "owner" and wanted != "owner" and _owners(caller.realm_id) == [item.email]:
        raise Conflict("A realm must keep at least one owner.")
    item.role = wanted
    store.save_membership(item)
    user = repos.get_user(item.email)
    if user is not None and user.realm_id == caller.realm_id and user.role != wanted:
        user.role = wanted
        repos.save_user(user)
    return member_json(item, user)


def remove_member(caller: Caller, email: str) -> None:
    item = _membership(caller.realm_id, email.lower())
    _grant_check(caller, item.role)
    if item.role == "owner" and _owners(caller.realm_id) == [item.email]:
        raise Conflict("A realm must keep at least one owner.")
    store.delete_membership(item)
    user = repos.get_user(item.email)
    if user is not None and user.realm_id == caller.realm_id and user.role:
        user.role = ""  # the pre-membership fallback in identity.memberships must not revive it
        repos.save_user(user)
