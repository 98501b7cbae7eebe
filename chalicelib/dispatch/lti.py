"""Basic LTI 1.1 for dispatches: Nimbus is the Tool Provider (1EdTech "LTI Implementation Guide
v1.1.1"). Each dispatch has its own launch URL, consumer key and shared secret (sealed at rest);
GetLtiDispatch (``DispatchLtiInfoSchema``) hands them to the customer, who enters them in the
tool consumer (the LMS)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from chalicelib.config import settings
from chalicelib.dispatch import dispatches

if TYPE_CHECKING:
    from chalicelib.store.dispatch import DispatchItem


def launch_url(item: DispatchItem) -> str:
    base = settings().base_url.rstrip("/")
    return f"{base}/launch/dispatch/lti/{quote(item.realm_id, safe='')}/{quote(item.dispatch_id, safe='')}"


def descriptor(item: DispatchItem) -> dict[str, str]:
    """DispatchLtiInfoSchema: ``{url, consumerKey, sharedSecret}``."""
    return {"url": launch_url(item), "consumerKey": item.lti_key, "sharedSecret": dispatches.lti_secret(item)}
