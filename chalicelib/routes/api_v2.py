"""The SCORM Cloud API v2 blueprints added for issue 16 ("every operation of the official SDK
answers"), registered by ``app.py`` under ``/api/v2`` in one place so that adding one does not
touch ``app.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.configuration import routes as configuration
from chalicelib.routes import content_connectors, course_assets, learners, registration_instances, xapi_statements

if TYPE_CHECKING:
    from chalice.app import Blueprint

BLUEPRINTS: tuple[Blueprint, ...] = (
    registration_instances.api,
    content_connectors.api,
    xapi_statements.api,
    learners.api,
    course_assets.api,
    configuration.api,
)
