"""Two realms with every kind of caller, built through the real domain functions.

Realm A has an owner, an administrator and a learner, an app with an enabled and a disabled
key, application-management credentials, and a spare app/key/member that routes may delete.
Realm B has its own administrator. Tokens are minted with the real signer.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

PASSWORD = "correct horse battery"


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class World:
    realm_a: str
    realm_b: str
    app_id: str
    secret: str
    disabled_secret: str
    mgmt_app_id: str
    mgmt_secret: str
    spare_app_id: str
    spare_key_id: str
    emails: dict[str, str]  # caller name → email
    learner_user_id: str
    sessions: dict[str, dict[str, str]] = field(default_factory=dict)

    def new_sessions(self) -> dict[str, dict[str, str]]:
        """A fresh web session (cookie + CSRF headers) for each person."""
        from chalicelib import accounts
        from chalicelib.store import repos

        for name, email in self.emails.items():
            user = repos.get_user(email)
            assert user is not None
            realm = self.realm_b if name == "other_admin" else self.realm_a
            done = accounts.open_session(user, realm)
            self.sessions[name] = {"Cookie": f"nimbus_session={done.token}", "X-CSRF-Token": done.csrf_token}
        return self.sessions

    def token(self, scopes: str = "read write delete", seconds: int = 600, *, management: bool = False,
              expired: bool = False) -> str:
        from chalicelib import tokens

        if expired:
            import jwt

            key = tokens.signing_key(self.realm_a)
            return jwt.encode({"iss": "nimbus", "sub": self.app_id, "rlm": self.realm_a, "scope": scopes,
                               "mgmt": management, "iat": 1_000_000, "exp": 1_000_060}, key,
                              algorithm="HS256", headers={"kid": self.realm_a})
        app_id = self.mgmt_app_id if management else self.app_id
        return tokens.mint(self.realm_a, app_id, frozenset(scopes.split()), seconds, management=management)

    def callers(self) -> dict[str, dict[str, str]]:
        """Every caller of the authorization matrix → its request headers."""
        sessions = self.new_sessions()
        return {
            "none": {},
            "owner": sessions["owner"],
            "administrator": sessions["administrator"],
            "learner": sessions["learner"],
            "other_admin": sessions["other_admin"],
            "app_key": basic(self.app_id, self.secret),
            "disabled_key": basic(self.app_id, self.disabled_secret),
            "management_key": basic(self.mgmt_app_id, self.mgmt_secret),
            "token": bearer(self.token()),
            "management_token": bearer(self.token(management=True)),
            "expired_token": bearer(self.token(expired=True)),
            "underscoped_token": bearer(self.token("read:xapi")),
            "reportage_link": self.reportage_link_session(),
        }

    def reportage_link_session(self) -> dict[str, str]:
        """The cookie of a reports-only session, opened the way a Reportage link opens it."""
        from http.cookies import SimpleCookie

        from chalicelib.reports import link_session

        opened = link_session.open_link(link_session.grant(self.realm_a, self.app_id, "FREENAV", admin=True),
                                        "overview", "")
        morsel = SimpleCookie(opened.cookie)[link_session.COOKIE]
        return {"Cookie": f"{link_session.COOKIE}={morsel.value}"}

    def path_values(self) -> dict[str, Any]:
        """Values for route path parameters: realm A's spare objects, so deletes spare the
        credentials the matrix uses."""
        return {"appId": self.spare_app_id, "childAppId": self.spare_app_id, "keyId": self.spare_key_id,
                "credentialId": self.spare_key_id, "email": self.emails["spare"], "realmId": self.realm_a}


def build_world() -> World:
    from chalicelib import accounts, apps

    made = accounts.create_realm("Acme Training", "owner@acme.test", PASSWORD)
    other = accounts.create_realm("Other Org", "owner@other.test", PASSWORD)
    emails = {"owner": "owner@acme.test", "administrator": "admin@acme.test", "learner": "learner@acme.test",
              "other_admin": "admin@other.test", "spare": "spare@acme.test"}
    accounts.create_user(emails["administrator"], PASSWORD, made.realm_id, "administrator")
    learner = accounts.create_user(emails["learner"], PASSWORD, made.realm_id, "learner")
    accounts.create_user(emails["spare"], PASSWORD, made.realm_id, "learner")
    accounts.create_user(emails["other_admin"], PASSWORD, other.realm_id, "administrator")
    app = apps.get_app(made.realm_id, made.app.app_id)
    disabled = apps.add_key(app, "Old key", enabled=False)
    mgmt = apps.management_app(made.realm_id)
    mgmt_key = apps.add_key(mgmt, "Automation")
    spare = apps.create_app(made.realm_id, "Spare app")
    return World(realm_a=made.realm_id, realm_b=other.realm_id, app_id=made.app.app_id,
                 secret=made.app.secret_key, disabled_secret=disabled.secret, mgmt_app_id=mgmt.app_id,
                 mgmt_secret=mgmt_key.secret, spare_app_id=spare.app_id, spare_key_id=spare.key_id,
                 emails=emails, learner_user_id=learner.user_id)
