"""Settings read once from the environment.

Every deployment-specific value (table names, bucket, base URL) comes from environment
variables that `.chalice/config.json` fills from the CloudFormation stack on AWS and that
`chalicelib.local` sets for the embedded local stack.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    """Deployment settings; one instance per process (see :func:`settings`)."""

    accounts_table: str
    courses_table: str
    registrations_table: str
    statements_table: str
    reports_table: str
    content_bucket: str
    import_queue: str
    registration_stream: str
    statement_stream: str
    base_url: str
    region: str
    session_hours: int
    lockout_attempts: int
    lockout_minutes: int
    in_lambda: bool

    @property
    def api_base(self) -> str:
        return f"{self.base_url.rstrip('/')}/api/v2"


DEFAULTS: dict[str, str] = {
    "ACCOUNTS_TABLE": "nimbus-accounts",
    "COURSES_TABLE": "nimbus-courses",
    "REGISTRATIONS_TABLE": "nimbus-registrations",
    "STATEMENTS_TABLE": "nimbus-statements",
    "REPORTS_TABLE": "nimbus-reports",
    "CONTENT_BUCKET": "nimbus-content",
    "IMPORT_QUEUE": "nimbus-import",
    "REGISTRATION_STREAM": "nimbus-registration-events",
    "STATEMENT_STREAM": "nimbus-statements",
    "BASE_URL": "http://127.0.0.1:8000",
    "AWS_DEFAULT_REGION": "us-east-1",
    "SESSION_HOURS": "12",
    "LOCKOUT_ATTEMPTS": "5",
    "LOCKOUT_MINUTES": "15",
    "POSTBACK_QUEUE": "nimbus-postbacks",  # postback deliveries (chalicelib.postbacks)
    "FORWARDING_QUEUE": "nimbus-forwarding",  # statement pipe steps (chalicelib.statement_pipes)
    "MASTER_KEY": "",  # seals per-realm OAuth signing keys; required in Lambda (chalicelib.tokens)
    # invitations (issue 13): email through SES, or .eml files in a local outbox directory
    "NIMBUS_OUTBOX": "",
    "MAIL_FROM": "Nimbus <no-reply@nimbus.local>",
    "INVITATION_EMAIL_TEMPLATE": "nimbus-invitation",
}


def env(name: str) -> str:
    """Return an environment value or its documented default."""
    return os.environ.get(name) or DEFAULTS[name]


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings(
        accounts_table=env("ACCOUNTS_TABLE"),
        courses_table=env("COURSES_TABLE"),
        registrations_table=env("REGISTRATIONS_TABLE"),
        statements_table=env("STATEMENTS_TABLE"),
        reports_table=env("REPORTS_TABLE"),
        content_bucket=env("CONTENT_BUCKET"),
        import_queue=env("IMPORT_QUEUE"),
        registration_stream=env("REGISTRATION_STREAM"),
        statement_stream=env("STATEMENT_STREAM"),
        base_url=env("BASE_URL"),
        region=env("AWS_DEFAULT_REGION"),
        session_hours=int(env("SESSION_HOURS")),
        lockout_attempts=int(env("LOCKOUT_ATTEMPTS")),
        lockout_minutes=int(env("LOCKOUT_MINUTES")),
        in_lambda=bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME")),
    )
