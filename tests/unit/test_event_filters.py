"""The event pump applies the consumers' Lambda FilterCriteria from infra/resources.json, as
Lambda does on AWS: the same records reach a consumer in both places."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from nimbus_local import event_filters

if TYPE_CHECKING:
    from pathlib import Path


def _data(sk: str, event: str = "INSERT") -> dict[str, object]:
    return {"eventName": event, "dynamodb": {"Keys": {"pk": {"S": "r#REG#x"}, "sk": {"S": sk}}}}


def test_the_declared_filters_deliver_what_each_consumer_handles() -> None:
    reportage = event_filters.kinesis_filters("registration_events")
    postbacks = event_filters.kinesis_filters("registration_postbacks")
    lti = event_filters.kinesis_filters("registration_lti_outcomes")
    forwarding = event_filters.kinesis_filters("statement_forwarding")
    assert reportage and postbacks and lti and forwarding  # every stream consumer declares its filter
    for sk, wanted in (("REG", True), ("LAUNCH#0001-ab", True), ("LOG#x#1", False), ("TOKEN", False),
                       ("SETTINGS", False), ("INSTANCE#000001", False)):
        assert event_filters.passes(reportage, _data(sk)) is wanted, sk
        assert event_filters.passes(postbacks, _data(sk, "MODIFY")) is (sk == "REG"), sk
        assert event_filters.passes(lti, _data(sk, "MODIFY")) is (sk == "REG"), sk
    assert event_filters.passes(forwarding, _data("STMT"))
    assert not event_filters.passes(forwarding, _data("STMT", "REMOVE"))  # only new statements are forwarded
    assert not event_filters.passes(forwarding, _data("A#agent|x"))  # an index item
    assert event_filters.kinesis_filters("no_such_consumer") == []  # undeclared: every record


def test_pattern_rules(tmp_path: Path) -> None:
    pattern = {"data": {"eventName": [{"anything-but": ["REMOVE"]}], "dynamodb": {
        "Keys": {"sk": {"S": ["REG", {"prefix": "LAUNCH#"}]}}, "NewImage": {"sandbox": [{"exists": False}]}}}}
    assert event_filters.passes([pattern], _data("REG", "MODIFY"))
    assert not event_filters.passes([pattern], _data("REG", "REMOVE"))
    assert not event_filters.passes([pattern], _data("LAUNCHX"))
    sandbox = _data("REG")
    sandbox["dynamodb"]["NewImage"] = {"sandbox": {"BOOL": True}}  # type: ignore[index]
    assert not event_filters.passes([pattern], sandbox)
    assert event_filters.passes([], _data("anything"))  # no filter: everything
    declared = {"Resources": {"Odd": {"Properties": {"Events": {"OddKinesisEventSource": {"Properties": {
        "FilterCriteria": {"Filters": [{"Pattern": json.dumps({"data": {"n": [{"numeric": [">", 1]}]}})}]}}}}}}}}
    path = tmp_path / "resources.json"
    path.write_text(json.dumps(declared))
    with pytest.raises(ValueError, match="does not apply the filter rule"):  # never deliver differently from AWS
        event_filters.kinesis_filters("odd", path)


def test_a_table_keeps_only_the_changes_some_consumer_could_receive() -> None:
    statements = event_filters.capture([event_filters.kinesis_filters("statement_forwarding")])
    registrations = event_filters.capture([event_filters.kinesis_filters(name) for name in (
        "registration_events", "registration_postbacks", "registration_lti_outcomes")])
    assert statements is not None and registrations is not None
    assert statements("INSERT", {"pk": {"S": "r#STMT#x"}, "sk": {"S": "STMT"}})
    assert not statements("INSERT", {"pk": {"S": "r#IDX#agent"}, "sk": {"S": "1#x"}})  # an index item
    assert not statements("REMOVE", {"pk": {"S": "r#STMT#x"}, "sk": {"S": "STMT"}})
    assert registrations("MODIFY", {"pk": {"S": "r#REG#a"}, "sk": {"S": "REG"}})
    assert registrations("INSERT", {"pk": {"S": "r#REG#a"}, "sk": {"S": "LAUNCH#1"}})
    assert not registrations("INSERT", {"pk": {"S": "r#REG#a"}, "sk": {"S": "LOG#1#2"}})
    # when it cannot be told from the keys, everything is kept
    assert event_filters.capture([[], event_filters.kinesis_filters("registration_events")]) is None
    on_image = {"data": {"dynamodb": {"NewImage": {"sandbox": [{"exists": False}]}}}}
    assert event_filters.capture([[on_image]]) is None
    assert event_filters.capture([]) is None
