from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.stack import LocalStack

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """One running local stack shared by the end-to-end tests of a session."""
    running = LocalStack(home=tmp_path_factory.mktemp("nimbus-home")).start()
    yield running
    running.stop()


@pytest.fixture
def fresh_home(tmp_path: Path) -> Path:
    return tmp_path / "home"


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Debian's Chromium, headless, with nothing that reaches out to the (closed) network
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium (driven by Playwright) for the session's browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def sdk(stack: LocalStack) -> Any:
    """The official SCORM Cloud SDK pointed at the running stack: (module, CourseApi, RegistrationApi)."""
    import rustici_software_cloud_v2 as scorm

    creds = stack.credentials()
    config = scorm.Configuration()
    config.host = creds["apiBase"]
    config.username, config.password = creds["appId"], creds["secretKey"]
    client = scorm.ApiClient(config)
    return scorm, scorm.CourseApi(client), scorm.RegistrationApi(client)
