"""Nimbus: the chalice application. Routes and handlers live in ``chalicelib``; this file only
wires them together (blueprints, middleware, event handlers)."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from chalice.app import Chalice

from chalicelib import consumers, reportage, uploads
from chalicelib.aicc import routes as aicc_routes
from chalicelib.cmi5 import routes as cmi5_routes
from chalicelib.config import env, settings
from chalicelib.dispatch import lti as dispatch_lti
from chalicelib.dispatch import play_routes as dispatch_play_routes
from chalicelib.dispatch import routes as dispatch_routes
from chalicelib.dispatch import web_routes as dispatch_web_routes
from chalicelib.invitations import routes as invitation_routes
from chalicelib.invitations import splash_routes as invitation_splash_routes
from chalicelib.invitations import web as invitation_web_routes
from chalicelib.lrs import routes as lrs_routes
from chalicelib.middleware import install as install_middleware
from chalicelib.observability import configure_logging, enable_xray, log_event
from chalicelib.postbacks import delivery as postback_delivery
from chalicelib.postbacks import routes as postback_routes
from chalicelib.reports import question_routes
from chalicelib.reports import routes as reports_routes
from chalicelib.routes import about, account, app_management, launch, library, oauth, realms, session, users
from chalicelib.routes import api_v2 as api_v2_routes
from chalicelib.routes import apps as apps_routes
from chalicelib.routes import courses as courses_routes
from chalicelib.routes import lrs_viewer as lrs_viewer_routes
from chalicelib.routes import registrations as registrations_routes
from chalicelib.routes import registrations_web as registrations_web_routes
from chalicelib.routes import xapi_credentials as xapi_credential_routes
from chalicelib.runtime.content import BINARY_TYPES as PLAYER_BINARY_TYPES
from chalicelib.statement_pipes import forwarder
from chalicelib.statement_pipes import routes as statement_pipe_routes

if TYPE_CHECKING:
    from chalice.app import KinesisEvent, SQSEvent

app = Chalice(app_name="nimbus", configure_logs=False)
configure_logging()  # JSON lines on the "nimbus" logger, which is also chalice's app.log
enable_xray(settings().in_lambda)
LOG = logging.getLogger("nimbus.events")
app.api.binary_types.extend(["multipart/form-data", "application/zip", "application/octet-stream"])
app.api.binary_types.extend(PLAYER_BINARY_TYPES)  # course files the player serves (chalicelib.runtime.content)
install_middleware(app)  # auth by route prefix + per-route permission rules (chalicelib.permissions)
app.register_blueprint(about.api, url_prefix="/api/v2")
app.register_blueprint(oauth.api, url_prefix="/api/v2")
app.register_blueprint(app_management.api, url_prefix="/api/v2")
app.register_blueprint(session.api)
app.register_blueprint(users.api)
app.register_blueprint(realms.api)
app.register_blueprint(apps_routes.api)
app.register_blueprint(account.api)
app.register_blueprint(courses_routes.api, url_prefix="/api/v2")
app.register_blueprint(registrations_routes.api, url_prefix="/api/v2")
app.register_blueprint(library.api)
app.register_blueprint(registrations_web_routes.api)
app.register_blueprint(launch.api)
app.register_blueprint(lrs_routes.api)
app.register_blueprint(lrs_viewer_routes.api)
app.register_blueprint(xapi_credential_routes.api, url_prefix="/api/v2")
app.register_blueprint(aicc_routes.api)  # AICC HACP (chalicelib.aicc)
app.register_blueprint(invitation_routes.api, url_prefix="/api/v2")  # invitations (issue 13)
app.register_blueprint(invitation_web_routes.api)
app.register_blueprint(invitation_splash_routes.api)
app.register_blueprint(dispatch_routes.api, url_prefix="/api/v2")
app.register_blueprint(dispatch_play_routes.api)
app.register_blueprint(dispatch_web_routes.api)
for blueprint in api_v2_routes.BLUEPRINTS:  # issue 16: the rest of the SCORM Cloud API v2 surface
    app.register_blueprint(blueprint, url_prefix="/api/v2")
app.register_blueprint(cmi5_routes.api, url_prefix="/api/v2")  # the cmi5 extension (docs/cmi5.md)
app.register_blueprint(cmi5_routes.fetch_api)  # the cmi5 fetch URL
app.register_blueprint(cmi5_routes.web_api)  # the web app's cmi5 waive
app.register_blueprint(postback_routes.api)
app.register_blueprint(statement_pipe_routes.api)
app.register_blueprint(reports_routes.api)
app.register_blueprint(question_routes.api)  # Reportage question analysis


@app.on_sqs_message(queue=settings().import_queue, batch_size=1, name="import_course")
def import_course(event: SQSEvent) -> dict[str, Any]:
    """S3 → SQS → here: each message names uploaded packages to import.

    Returns ``batchItemFailures`` (with ReportBatchItemFailures set in infra/) so one bad
    message is retried alone and, after the queue's maxReceiveCount, lands in the DLQ.
    """
    failures = []
    for record in event:
        try:
            uploads.handle(record.body)  # an S3 notification or a queued fetch task
        except uploads.MalformedNotification as err:
            log_event(LOG, "dropped malformed upload notification", error=str(err))
        except Exception:
            LOG.exception("upload handling failed", extra={"messageId": record.to_dict()["messageId"]})
            failures.append({"itemIdentifier": record.to_dict()["messageId"]})
    return {"batchItemFailures": failures}


@app.on_kinesis_record(stream=settings().registration_stream, batch_size=100,
                       starting_position="TRIM_HORIZON", name="registration_postbacks")
def registration_postbacks(event: KinesisEvent) -> dict[str, Any]:
    """The registrations table's changes → postback deliveries queued (chalicelib.postbacks)."""
    return consumers.process(event.to_dict(), event.context, postback_delivery.on_registration_change,
                             "registration_postbacks")


@app.on_sqs_message(queue=env("POSTBACK_QUEUE"), batch_size=10, name="postback_deliveries")
def postback_deliveries(event: SQSEvent) -> dict[str, Any]:
    """One postback attempt per message; a failed one is queued again with its backoff."""
    failures = []
    for record in event:
        try:
            postback_delivery.run(json.loads(record.body))
        except ValueError as err:
            log_event(LOG, "dropped malformed postback task", error=str(err))
        except Exception:
            LOG.exception("postback delivery failed", extra={"messageId": record.to_dict()["messageId"]})
            failures.append({"itemIdentifier": record.to_dict()["messageId"]})
    return {"batchItemFailures": failures}


@app.on_kinesis_record(stream=settings().statement_stream, batch_size=500,
                       starting_position="TRIM_HORIZON", name="statement_forwarding")
def statement_forwarding(event: KinesisEvent) -> dict[str, Any]:
    """The statements table's changes → the statement pipes of their LRS started."""
    return consumers.process(event.to_dict(), event.context, forwarder.ChangeBatch(), "statement_forwarding")


@app.on_sqs_message(queue=env("FORWARDING_QUEUE"), batch_size=1, name="statement_pipe_steps")
def statement_pipe_steps(event: SQSEvent) -> dict[str, Any]:
    """One step of a statement pipe: a batch forwarded, or its retry scheduled."""
    failures = []
    for record in event:
        try:
            forwarder.run(json.loads(record.body))
        except ValueError as err:
            log_event(LOG, "dropped malformed forwarding task", error=str(err))
        except Exception:
            LOG.exception("forwarding step failed", extra={"messageId": record.to_dict()["messageId"]})
            failures.append({"itemIdentifier": record.to_dict()["messageId"]})
    return {"batchItemFailures": failures}


@app.on_kinesis_record(stream=settings().registration_stream, batch_size=100,
                       starting_position="TRIM_HORIZON", name="registration_lti_outcomes")
def registration_lti_outcomes(event: KinesisEvent) -> dict[str, Any]:
    """The registrations table's changes → LTI 1.1 Outcomes ``replaceResult`` of dispatch
    registrations launched over LTI (chalicelib.dispatch.lti), retried while unacknowledged."""
    return consumers.process(event.to_dict(), event.context, dispatch_lti.on_registration_change,
                             "registration_lti_outcomes")


@app.on_kinesis_record(stream=settings().registration_stream, batch_size=100,
                       starting_position="TRIM_HORIZON", name="registration_events")
def registration_events(event: KinesisEvent) -> dict[str, Any]:
    """The registrations table's changes (Kinesis Data Streams for DynamoDB) → Reportage,
    each change applied once (chalicelib.consumers)."""
    return consumers.process(event.to_dict(), event.context, reportage.apply_change, "registration_events",
                             apply_batch=reportage.apply_changes)
