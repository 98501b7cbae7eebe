"""First-start seeding: a default realm, its Owner and an API app, and the credentials file.

``$NIMBUS_HOME/credentials.json`` (mode 600) holds ``baseUrl``, ``apiBase``, ``appId``,
``secretKey``, ``ownerEmail`` and ``ownerPassword``. Later starts reuse it; if the data was
wiped but the file kept, the same realm, app and owner are created again from it.
"""

from __future__ import annotations

import json
import os
import secrets
from typing import TYPE_CHECKING, Any

from chalicelib import accounts, plans
from chalicelib.lrs import credentials as lrs_credentials
from chalicelib.store import repos

if TYPE_CHECKING:
    from pathlib import Path

REALM_ID = "local"
OWNER_EMAIL = "owner@nimbus.local"


def _write(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh, indent=2)
        fh.write("\n")
    tmp.chmod(0o600)
    tmp.replace(path)


def ensure(home: Path, base_url: str, aws_port: int) -> dict[str, Any]:
    """Return the local credentials, creating the realm, owner and app when missing."""
    path = home / "credentials.json"
    creds: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    if not creds:
        creds = {"appId": accounts.new_id(), "secretKey": secrets.token_urlsafe(30),
                 "ownerEmail": OWNER_EMAIL, "ownerPassword": secrets.token_urlsafe(12),
                 "realmId": REALM_ID}
    if repos.get_app(creds["appId"]) is None:
        if repos.get_realm(creds["realmId"]) is None:
            repos.create_realm(creds["realmId"], "Local realm")
        if repos.get_user(creds["ownerEmail"]) is None:
            accounts.create_user(creds["ownerEmail"], creds["ownerPassword"], creds["realmId"],
                                 "owner", name="Owner")
        accounts.create_app(creds["realmId"], "Local app", app_id=creds["appId"],
                            secret_key=creds["secretKey"])
    plans.set_plan(creds["realmId"], "unlimited")  # the seeded realm has no usage limits
    creds.setdefault("lrsKey", "root" + secrets.token_hex(8))
    creds.setdefault("lrsSecret", secrets.token_urlsafe(24))
    if lrs_credentials.find(creds["lrsKey"]) is None:  # a root activity provider (issue 5)
        lrs_credentials.create_root(creds["realmId"], "Local root provider", creds["lrsKey"],
                                    creds["lrsSecret"])
    creds["lrsEndpoint"] = f"{base_url}/lrs/{creds['appId']}"
    creds.update(baseUrl=base_url, apiBase=f"{base_url}/api/v2",
                 awsEndpoint=f"http://127.0.0.1:{aws_port}")
    _write(path, creds)
    return creds


def announce(creds: dict[str, Any], home: Path, restored: bool, seconds: float) -> None:
    state = "restored saved data" if restored else "started with empty data"
    print(
        f"\nNimbus is running ({state}, {seconds:.1f}s): {creds['baseUrl']}\n"
        f"  Web app:   {creds['baseUrl']}/   sign in as {creds['ownerEmail']}"
        f" / {creds['ownerPassword']}\n"
        f"  API v2:    {creds['apiBase']}   App ID {creds['appId']}"
        f"  Secret Key {creds['secretKey']}\n"
        f"  Try:       curl -u {creds['appId']}:{creds['secretKey']} {creds['apiBase']}/ping\n"
        f"  xAPI LRS:  {creds.get('lrsEndpoint')}   key {creds.get('lrsKey')}"
        f"  secret {creds.get('lrsSecret')}\n"
        f"  Local AWS: {creds['awsEndpoint']} (moto)   Data: {home}\n"
        f"  Credentials file: {home / 'credentials.json'}   Stop with Ctrl-C.\n",
        flush=True,
    )
