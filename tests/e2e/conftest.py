from __future__ import annotations

from typing import TYPE_CHECKING

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
