"""infra/resources.json: the properties production relies on, checked on the template."""

from __future__ import annotations

import json
from pathlib import Path

TEMPLATE = json.loads((Path(__file__).resolve().parents[2] / "infra" / "resources.json").read_text())
RESOURCES = TEMPLATE["Resources"]


def _of_type(kind: str) -> dict[str, dict]:
    return {name: res for name, res in RESOURCES.items() if res.get("Type") == kind}


def test_tables_are_retained_with_point_in_time_recovery() -> None:
    tables = _of_type("AWS::DynamoDB::Table")
    assert set(tables) == {"AccountsTable", "CoursesTable", "RegistrationsTable", "StatementsTable",
                           "ReportsTable"}
    for name, table in tables.items():
        assert table["DeletionPolicy"] == "Retain", name
        assert table["Properties"]["PointInTimeRecoverySpecification"] == {
            "PointInTimeRecoveryEnabled": True}, name
        assert [i["IndexName"] for i in table["Properties"]["GlobalSecondaryIndexes"]] == ["gsi1"], name


def test_uploads_notify_the_import_queue_which_has_a_dead_letter_queue() -> None:
    bucket = RESOURCES["ContentBucket"]["Properties"]
    [conf] = bucket["NotificationConfiguration"]["QueueConfigurations"]
    assert conf["Queue"] == {"Fn::GetAtt": ["ImportQueue", "Arn"]}
    assert conf["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": "uploads/"}]
    redrive = RESOURCES["ImportQueue"]["Properties"]["RedrivePolicy"]
    assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": ["ImportDeadLetterQueue", "Arn"]}
    assert bucket["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True


def test_event_sources_report_partial_batch_failures() -> None:
    sqs = RESOURCES["ImportCourse"]["Properties"]["Events"]["ImportCourseSqsEventSource"]["Properties"]
    kinesis = RESOURCES["RegistrationEvents"]["Properties"]["Events"][
        "RegistrationEventsKinesisEventSource"]["Properties"]
    for source in (sqs, kinesis):
        assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert sqs["Queue"] == {"Fn::Sub": "${ImportQueue.Arn}"}  # same intrinsic key as chalice's
    assert kinesis["Stream"] == {"Fn::Sub": "${RegistrationEventsStream.Arn}"}


def test_every_function_gets_every_resource_name() -> None:
    named = {res["Metadata"]["Nimbus::EnvVar"] for res in RESOURCES.values()
             if "Nimbus::EnvVar" in res.get("Metadata", {})}
    for function in ("APIHandler", "ImportCourse", "RegistrationEvents"):
        variables = RESOURCES[function]["Properties"]["Environment"]["Variables"]
        assert named <= set(variables), function


def test_the_master_key_comes_from_a_generated_secret() -> None:
    secret = RESOURCES["MasterKeySecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret" and secret["DeletionPolicy"] == "Retain"
    for function in ("APIHandler", "ImportCourse", "RegistrationEvents"):
        value = RESOURCES[function]["Properties"]["Environment"]["Variables"]["MASTER_KEY"]
        assert value == {"Fn::Sub": "{{resolve:secretsmanager:${MasterKeySecret}:SecretString}}"}


def test_registrations_and_statements_stream_their_own_changes_to_kinesis() -> None:
    """docs/events.md: change data capture, not a second write by the app."""
    for table, stream in (("RegistrationsTable", "RegistrationEventsStream"), ("StatementsTable", "StatementStream")):
        spec = RESOURCES[table]["Properties"]["KinesisStreamSpecification"]
        assert spec["StreamArn"] == {"Fn::GetAtt": [stream, "Arn"]}
    streams = next(s for s in RESOURCES["NimbusDataAccessPolicy"]["Properties"]["PolicyDocument"]["Statement"]
                   if s.get("Sid") == "Streams")
    assert not [a for a in streams["Action"] if a.startswith("kinesis:Put")]  # the app never puts events
