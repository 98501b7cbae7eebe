"""Start and stop the real local stack (``python -m nimbus_local``) as a child process.

Used by the end-to-end tests and the benchmarks."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalStack:
    home: Path
    port: int = field(default_factory=free_port)
    aws_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    #: extra environment for the stack (e.g. ``NIMBUS_EVENT_PUMP=off``)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def aws_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.aws_port}"

    def credentials(self) -> dict[str, Any]:
        return json.loads((self.home / "credentials.json").read_text())  # type: ignore[no-any-return]

    def start(self, timeout: float = 60) -> LocalStack:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(NIMBUS_HOME=str(self.home), NIMBUS_PORT=str(self.port),
                   NIMBUS_AWS_PORT=str(self.aws_port), PYTHONUNBUFFERED="1", **self.env)
        env.pop("BASE_URL", None)
        self.log = self.home / f"stack-{int(time.time() * 1000)}.log"
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "nimbus_local"], cwd=ROOT, env=env,
                                            stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"local stack exited: {self.log.read_text()[-3000:]}")
            if b"Nimbus is running" in self.log.read_bytes():
                return self
            time.sleep(0.1)
        raise TimeoutError(f"local stack did not start: {self.log.read_text()[-3000:]}")

    def kill_hard(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        creds = self.credentials()
        kwargs.setdefault("auth", (creds["appId"], creds["secretKey"]))
        return requests.request(method, f"{self.base_url}/api/v2{path}", timeout=10, **kwargs)
