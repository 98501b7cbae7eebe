"""The LRS endpoint a request addresses, and who is calling it.

Endpoints (documented in docs/lrs.md):

* ``/lrs/{appId}/…`` — one LRS per app, as SCORM Cloud's ``/lrs/{APPID}/``;
* ``/lrs/{realmId}/…`` — the realm's own LRS, beside its apps' (a separate store, not a union).

Statements, documents and activities are kept under the scope ``{realmId}#{lrsId}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.lrs.launch_credentials import LaunchScope


@dataclass(frozen=True)
class Endpoint:
    realm_id: str
    lrs_id: str
    version: str  # "1.0.3" or "2.0.0": the version the request asked for
    credential_id: str
    authority: dict[str, Any]
    can_read_any: bool
    can_read_own: bool
    can_write: bool
    launch: LaunchScope | None = None  # a launch-scoped credential's limits
    actor_key: str | None = None  # a learner (own email + password): their Agent's key

    @property
    def scope(self) -> str:
        return f"{self.realm_id}#{self.lrs_id}"

    @property
    def base_path(self) -> str:
        return f"/lrs/{self.lrs_id}"
