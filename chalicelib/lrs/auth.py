"""Who may use an LRS endpoint: HTTP Basic or OAuth 1.0a (two-legged) activity providers.

xAPI 1.0.3 Communication §4 (at least one of OAuth 1.0, Basic), IEEE 9274.1.1 §4.1.8.
OAuth requests are verified with oauthlib's ``SignatureOnlyEndpoint`` (RFC 5849 §3.2:
HMAC-SHA1/HMAC-SHA256/PLAINTEXT over the request as the caller addressed it); each nonce is
accepted once per key, timestamps within :data:`TIMESTAMP_LIFETIME` seconds.

The caller becomes ``event.context['caller']`` (an :class:`LrsCaller`) for the routes.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from oauthlib.oauth1 import SignatureOnlyEndpoint

from chalicelib import accounts, permissions
from chalicelib.config import settings
from chalicelib.errors import Forbidden, Unauthorized
from chalicelib.identity import Caller, memberships, parse_basic
from chalicelib.lrs import credentials, launch_credentials, learner_access, protocol
from chalicelib.oauth1 import Oauth1Validator
from chalicelib.store import lrs_credentials as store
from chalicelib.store import repos

if TYPE_CHECKING:
    from chalice.app import Request

TIMESTAMP_LIFETIME = 600
#: The default permission rule of every ``/lrs/`` route: an LRS credential (what it may do is
#: its permissions level, checked per resource by :func:`chalicelib.lrs.protocol.require`).
LRS_RULE = permissions.Rule(callers=frozenset({"lrs"}), note="xAPI activity providers")
CHALLENGE = {"WWW-Authenticate": 'Basic realm="Nimbus LRS"'}


@dataclass(frozen=True)
class LrsCaller(Caller):
    """An activity provider on one LRS endpoint."""

    lrs_id: str = ""
    authority: dict[str, Any] | None = None
    read_any: bool = False
    read_own: bool = False
    write: bool = False
    #: set for a temporary launch-scoped credential (:mod:`chalicelib.lrs.launch_credentials`)
    launch: launch_credentials.LaunchScope | None = None
    #: set for a learner using their own email and password (:mod:`chalicelib.lrs.learner_access`)
    actor_key: str | None = None


class _Validator(Oauth1Validator):
    """oauthlib's questions about a request, answered from the credentials store."""

    timestamp_lifetime = TIMESTAMP_LIFETIME

    def __init__(self) -> None:
        super().__init__()
        self.found: credentials.Credential | None = None

    def check_client_key(self, client_key: str) -> bool:
        return 8 <= len(client_key) <= 64

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        found = credentials.find(client_key)
        if found is None or not found.enabled or found.auth != "OAUTH":
            return False
        self.found = found
        return True

    def get_client_secret(self, client_key: str, request: Any) -> str:
        return self.found.secret if self.found else "dummy-secret-never-matches"

    def validate_timestamp_and_nonce(self, client_key: str, timestamp: str, nonce: str,  # noqa: PLR0917 - oauthlib's signature
                                     request: Any, request_token: str | None = None,
                                     access_token: str | None = None) -> bool:
        return store.use_nonce(client_key, nonce, timestamp, 2 * TIMESTAMP_LIFETIME)


def _url(event: Request) -> str:
    headers = event.headers
    scheme = headers.get("x-forwarded-proto") or ("https" if settings().base_url.startswith(
        "https") else "http")
    host = headers.get("host", "")
    path = (event.context or {}).get("path") or ""
    params = event.query_params
    pairs = [(k, v) for k in params for v in params.getlist(k)] if params is not None else []
    return f"{scheme}://{host}{path}" + (f"?{urlencode(pairs)}" if pairs else "")


def _oauth(event: Request) -> credentials.Credential:
    validator = _Validator()
    content_type = event.headers.get("content-type", "")
    body = event.raw_body if content_type.startswith("application/x-www-form-urlencoded") else None
    valid, _request = SignatureOnlyEndpoint(validator).validate_request(
        _url(event), event.method, body=body,
        headers={"Authorization": event.headers.get("authorization", ""),
                 "Content-Type": content_type})
    if not valid or validator.found is None:
        raise Unauthorized("OAuth signature, key, timestamp or nonce is not valid")
    return validator.found


def _basic(header: str | None) -> credentials.Credential:
    key, secret = parse_basic(header)
    found = credentials.find(key)
    if found is None or found.auth != "BASICAUTH" or not hmac.compare_digest(
            found.secret.encode(), secret.encode()):
        raise Unauthorized("LRS key or secret is not valid", headers=CHALLENGE)
    return found


def _authority(found: credentials.Credential) -> dict[str, Any]:
    """Data §2.4.9: the authority recorded on statements this credential stores."""
    return {"objectType": "Agent", "name": found.name,
            "account": {"homePage": settings().base_url.rstrip("/") + "/lrs",
                        "name": found.credential_id}}


def _launch(event: Request, header: str) -> LrsCaller | None:
    """A launch-scoped credential (its keys start ``launch-``): one endpoint, until it expires."""
    key, secret = parse_basic(header)
    if not key.startswith(launch_credentials.KEY_PREFIX):
        return None
    found = launch_credentials.find(key)
    if found is None or not hmac.compare_digest(found.secret.encode(), secret.encode()):
        raise Unauthorized("LRS key or secret is not valid", headers=CHALLENGE)
    if found.expired:
        raise Unauthorized("This launch credential has expired", headers=CHALLENGE)
    lrs_id = (event.uri_params or {}).get("lrsId", "")
    if found.endpoint != lrs_id:
        raise Forbidden(f"These credentials may not use the endpoint /lrs/{lrs_id}")
    authority = {"objectType": "Agent", "name": "launch",
                 "account": {"homePage": settings().base_url.rstrip("/") + "/lrs",
                             "name": key}}
    return LrsCaller(kind="lrs", realm_id=found.realm_id, principal=key, role="LAUNCH",
                     lrs_id=lrs_id, authority=authority, read_own=True, write=True,
                     launch=found.scope)


def _learner(event: Request, header: str) -> LrsCaller | None:
    """A person's own email and password (a user name with "@" that is no provider key), on an
    endpoint of a realm they belong to: the realm's own LRS or one of its apps'."""
    email, password = parse_basic(header)
    if "@" not in email or credentials.find(email) is not None:
        return None
    user = accounts.check_password(email, password)
    lrs_id = (event.uri_params or {}).get("lrsId", "")
    app = repos.get_app(lrs_id)
    realm_id = app.realm_id if app is not None else lrs_id
    if realm_id not in memberships(user):
        raise Forbidden(f"These credentials may not use the endpoint /lrs/{lrs_id}")
    authority = {"objectType": "Agent", "mbox": f"mailto:{user.email}"}
    return LrsCaller(kind="lrs", realm_id=realm_id, principal=f"learner:{user.email}",
                     role="LEARNER", lrs_id=lrs_id, authority=authority, read_own=True,
                     write=True, actor_key=learner_access.actor_key(user.email))


def lrs_caller(event: Request) -> LrsCaller:
    """Authenticate an LRS request and check the credential may use this endpoint.

    A 401 to a script in a browser (xAPI / cmi5 content: the request has an ``Origin``, or a
    ``Sec-Fetch-Mode`` other than ``navigate``) carries no ``WWW-Authenticate: Basic`` challenge:
    Chromium answers such a challenge to a ``fetch`` with its sign-in prompt, and a headless
    browser's request then never completes."""
    try:
        return _authenticate(event)
    except Unauthorized as err:
        headers = {k.lower(): v for k, v in event.headers.items()}
        if "origin" in headers or headers.get("sec-fetch-mode", "navigate") != "navigate":
            err.headers = {k: v for k, v in err.headers.items() if k != "WWW-Authenticate"}
        raise


def _authenticate(event: Request) -> LrsCaller:
    header = protocol.unwrap(event).headers.get("authorization")
    if header and header.lower().startswith("oauth "):
        found = _oauth(event)
    elif header is None:
        raise Unauthorized("Authorization Required.", headers=CHALLENGE)
    else:
        special = _launch(event, header) or _learner(event, header)
        if special is not None:
            return special
        found = _basic(header)
    if not found.enabled:
        raise Unauthorized("These LRS credentials are disabled")
    lrs_id = (event.uri_params or {}).get("lrsId", "")
    if found.endpoint not in ("*", lrs_id):
        raise Forbidden(f"These credentials may not use the endpoint /lrs/{lrs_id}")
    if lrs_id != found.realm_id:
        app = repos.get_app(lrs_id)
        if app is None or app.realm_id != found.realm_id:
            raise Forbidden(f"These credentials may not use the endpoint /lrs/{lrs_id}")
    read_any, read_own, write = credentials.PERMISSIONS.get(found.permissions,
                                                            (False, False, False))
    return LrsCaller(kind="lrs", realm_id=found.realm_id, principal=found.credential_id,
                     role=found.permissions, lrs_id=lrs_id, authority=_authority(found),
                     read_any=read_any, read_own=read_own, write=write)
