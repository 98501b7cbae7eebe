"""Shared fixtures: moto's in-process AWS (``mock_aws``) with the tables, bucket, queue and
streams created from infra/resources.json, and chalice's test client."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

# Traffic must reach moto's in-process mock, not a running local stack.
for _var in [v for v in os.environ if v.startswith("AWS_ENDPOINT_URL")]:
    del os.environ[_var]
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1", "AWS_SESSION_TOKEN": "testing",
})
os.environ.pop("AWS_LAMBDA_FUNCTION_NAME", None)
os.environ.pop("AWS_PROFILE", None)


@dataclass(frozen=True)
class RealmCredentials:
    realm_id: str
    app_id: str
    secret_key: str
    owner_email: str
    owner_password: str

    @property
    def basic(self) -> dict[str, str]:
        token = base64.b64encode(f"{self.app_id}:{self.secret_key}".encode()).decode()
        return {"Authorization": f"Basic {token}"}


@pytest.fixture
def aws() -> Iterator[dict[str, str]]:
    """moto's mock AWS with every resource of infra/resources.json created."""
    from moto import mock_aws

    from nimbus_local import bootstrap

    with mock_aws():
        yield bootstrap.create_all("us-east-1")


@pytest.fixture
def client(aws: dict[str, str]) -> Iterator[object]:
    from chalice.test import Client

    from app import app

    with Client(app) as test_client:
        yield test_client


@pytest.fixture
def realm(aws: dict[str, str]) -> RealmCredentials:
    from chalicelib import accounts

    made = accounts.create_realm("Acme Training", "owner@acme.test", "correct horse battery")
    return RealmCredentials(made.realm_id, made.app.app_id, made.app.secret_key,
                            made.owner_email, "correct horse battery")
