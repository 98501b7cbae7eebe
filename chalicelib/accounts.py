"""Realms, apps, users and web sign-in.

Passwords are hashed with Argon2id (argon2-cffi's ``PasswordHasher`` defaults, RFC 9106's
second recommended option). A user is locked out for ``LOCKOUT_MINUTES`` after
``LOCKOUT_ATTEMPTS`` failed sign-ins in a row.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from chalicelib.config import settings
from chalicelib.errors import BadRequest, TooManyRequests, Unauthorized
from chalicelib.identity import secret_digest
from chalicelib.store import repos
from chalicelib.store.tables import UserItem

ROLES = ("owner", "administrator", "learner")
BAD_SIGN_IN = "Email or password is incorrect."
_HASHER = PasswordHasher()
# Verifying against this keeps the time of an unknown-email sign-in like a known one.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class NewApp:
    """An app as just created: the only moment its secret key is known in clear."""

    app_id: str
    secret_key: str
    realm_id: str


@dataclass(frozen=True)
class SignedIn:
    token: str
    csrf_token: str
    user: UserItem
    max_age: int


def new_id(prefix: str = "") -> str:
    return prefix + secrets.token_hex(8).upper()


def create_app(realm_id: str, name: str, app_id: str | None = None,
               secret_key: str | None = None) -> NewApp:
    """Create an app with one enabled secret key (SCORM Cloud: "App ID" + "Secret Key")."""
    app_id = app_id or new_id()
    secret = secret_key or secrets.token_urlsafe(30)
    repos.create_app(app_id, realm_id, name)
    repos.add_secret_key(app_id, new_id("K"), "Default", secret_digest(secret))
    return NewApp(app_id=app_id, secret_key=secret, realm_id=realm_id)


def create_user(email: str, password: str, realm_id: str, role: str, name: str = "") -> UserItem:
    if role not in ROLES:
        raise BadRequest(f"role must be one of {', '.join(ROLES)}")
    if "@" not in email:
        raise BadRequest("email must be an email address")
    user = UserItem(user_id=new_id("U"), email=email.strip().lower(), name=name, realm_id=realm_id,
                    role=role, password_hash=_HASHER.hash(password), created=repos.now())
    return repos.create_user(user)


def sign_in(email: object, password: object) -> SignedIn:
    """Check a person's email and password and open a session (or raise 400/401/429)."""
    if not isinstance(email, str) or not email.strip():
        raise BadRequest("email is required")
    if not isinstance(password, str) or not password:
        raise BadRequest("password is required")
    cfg = settings()
    user = repos.get_user(email)
    if user is None:
        _verify(_DUMMY_HASH, password)
        raise Unauthorized(BAD_SIGN_IN)
    if user.locked_until and user.locked_until > repos.now():
        raise TooManyRequests("Too many failed sign-ins; try again later.",
                              headers={"Retry-After": str(int((user.locked_until - repos.now())
                                                                .total_seconds()) + 1)})
    if not _verify(user.password_hash, password):
        user.failed_signins = (user.failed_signins or 0) + 1
        if user.failed_signins >= cfg.lockout_attempts:
            user.locked_until = repos.now() + timedelta(minutes=cfg.lockout_minutes)
            user.failed_signins = 0
        repos.save_user(user)
        raise Unauthorized(BAD_SIGN_IN)
    if user.failed_signins or user.locked_until or _HASHER.check_needs_rehash(user.password_hash):
        user.failed_signins, user.locked_until = 0, None
        user.password_hash = (_HASHER.hash(password) if _HASHER.check_needs_rehash(user.password_hash)
                              else user.password_hash)
        repos.save_user(user)
    max_age = cfg.session_hours * 3600
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    repos.create_session(token, user.email, csrf, max_age)
    return SignedIn(token=token, csrf_token=csrf, user=user, max_age=max_age)


def sign_out(token: str) -> None:
    repos.delete_session(token)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class NewRealm:
    realm_id: str
    owner_email: str
    app: NewApp


def create_realm(name: str, owner_email: str, owner_password: str,
                 realm_id: str | None = None) -> NewRealm:
    """Create a realm with its Owner and a first API app (what signing up gives you)."""
    realm_id = realm_id or new_id("R")
    repos.create_realm(realm_id, name)
    create_user(owner_email, owner_password, realm_id, "owner", name="Owner")
    app = create_app(realm_id, f"{name} app")
    return NewRealm(realm_id=realm_id, owner_email=owner_email.lower(), app=app)
