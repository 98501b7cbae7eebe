"""The built-in LRS driven by a real third-party client: npm ``@xapi/xapi`` (pinned in
tests/xapi_client, installed by ``make``), against the running local stack."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.e2e.stack import LocalStack

pytestmark = pytest.mark.e2e
CLIENT = Path(__file__).resolve().parents[1] / "xapi_client"


@pytest.mark.skipif(not (CLIENT / "node_modules" / "@xapi" / "xapi").is_dir() or not shutil.which("node"),
                    reason="run `make tests/xapi_client/node_modules/.installed` first")
def test_xapi_client_sends_gets_attaches_and_keeps_state(stack: LocalStack) -> None:
    creds = stack.credentials()
    done = subprocess.run(["node", "run.mjs", creds["lrsEndpoint"], creds["lrsKey"], creds["lrsSecret"]],
                          cwd=CLIENT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["sent"] == [seen["plainId"]]
    assert seen["attachmentSent"] == [seen["attachmentId"]]
    assert seen["listedIds"] == [seen["attachmentId"], seen["plainId"]]  # newest stored first
    assert seen["fetchedAttachmentParts"] == 2
    assert seen["fetchedAttachmentText"] == "Certificate for Node Client"
    assert seen["state"] == {"bookmark": "page-3", "score": 42}
    assert "1.0.3" in seen["about"]["version"]
