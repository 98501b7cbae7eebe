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
