"""Storage models: conditional creates, optimistic locking and realm-scoped keys."""

from __future__ import annotations

import pytest


def _registration(realm_id: str, registration_id: str = "r1"):
    from chalicelib.store import repos
    from chalicelib.store.tables import RegistrationItem

    now = repos.now()
    return RegistrationItem(realm_id=realm_id, registration_id=registration_id, course_id="golf",
                            learner={"id": "l1"}, created=now, updated=now)


def test_registration_ids_are_unique_per_realm_only(aws) -> None:
    from chalicelib.store import repos

    repos.create_registration(_registration("realmA"))
    with pytest.raises(repos.AlreadyExists):
        repos.create_registration(_registration("realmA"))
    repos.create_registration(_registration("realmB"))  # same id, another realm: separate item
    assert repos.get_registration("realmA", "r1").realm_id == "realmA"
    assert repos.get_registration("realmB", "r1").realm_id == "realmB"
    assert repos.get_registration("realmC", "r1") is None


def test_a_second_tab_cannot_overwrite_a_newer_write(aws) -> None:
    from pynamodb.exceptions import PutError

    from chalicelib.store import repos

    repos.create_registration(_registration("realmA"))
    tab1 = repos.get_registration("realmA", "r1")
    tab2 = repos.get_registration("realmA", "r1")
    tab1.completion = "COMPLETED"
    tab1.save()
    tab2.completion = "INCOMPLETE"
    with pytest.raises(PutError) as lost:
        tab2.save()
    assert lost.value.cause_response_code == "ConditionalCheckFailedException"
    assert repos.get_registration("realmA", "r1").completion == "COMPLETED"


def test_user_emails_are_case_insensitive_and_unique(aws) -> None:
    from chalicelib import accounts
    from chalicelib.errors import BadRequest
    from chalicelib.store import repos

    repos.create_realm("R1", "Realm")
    accounts.create_user("Ann@Example.com", "pw-123456", "R1", "administrator")
    assert repos.get_user("ann@example.COM").role == "administrator"
    with pytest.raises(repos.AlreadyExists):
        accounts.create_user("ANN@example.com", "other", "R1", "learner")
    with pytest.raises(BadRequest):
        accounts.create_user("bob@example.com", "pw", "R1", "superuser")


def test_passwords_and_secrets_are_not_stored_in_clear(aws) -> None:
    import boto3

    from chalicelib import accounts

    made = accounts.create_realm("Acme", "o@acme.test", "hunter2-hunter2")
    items = boto3.client("dynamodb", region_name="us-east-1").scan(TableName="nimbus-accounts")["Items"]
    dump = repr(items)
    assert "hunter2-hunter2" not in dump
    assert made.app.secret_key not in dump
    assert "$argon2id$" in dump


@pytest.mark.parametrize(("lambda_env", "expected"), [({}, "False"),
                                                       ({"AWS_LAMBDA_FUNCTION_NAME": "api"}, "True")])
def test_x_ray_is_imported_and_patched_only_inside_lambda(lambda_env, expected) -> None:
    import subprocess
    import sys

    code = "import app, sys; print('aws_xray_sdk.core' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"AWS_DEFAULT_REGION": "us-east-1", "PATH": "", **lambda_env})
    assert out.stdout.strip() == expected


def test_two_first_uses_of_a_realm_agree_on_one_signing_key(aws, realm) -> None:
    """Two requests that both find no signing key (concurrent first launches) must end with the
    same key, or the loser's tokens fail to verify (a 401 in the player)."""
    from chalicelib import tokens
    from chalicelib.store import accounts, repos

    seen_before = repos.get_realm(realm.realm_id)
    seen_before.signing_key = None  # as both requests read it before either wrote
    repos.get_realm(realm.realm_id).update(actions=[type(seen_before).signing_key.remove()])
    first = tokens.signing_key(realm.realm_id)
    tokens._cache.clear()  # the other request's process has no cache
    stored = accounts.set_signing_key_once(seen_before, tokens.seal(realm.realm_id, b"k" * 32))
    assert tokens.unseal(realm.realm_id, stored) == first
    assert tokens.signing_key(realm.realm_id) == first
