"""Run call sequences through scorm-again (Node) and through our API state machines."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from chalicelib.runtime.scorm12_api import Scorm12Api
from chalicelib.runtime.scorm2004_api import Scorm2004Api

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "run.mjs"
INSTALLED = HERE / "node_modules" / ".installed"

Results = list[list[tuple[str, str]]]


def run_scorm_again(standard: str, sequences: list[list[list[str]]]) -> Results:
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.json", Path(tmp) / "out.json"
        source.write_text(json.dumps({"standard": standard, "sequences": sequences}), encoding="utf-8")
        subprocess.run(["node", str(RUNNER), str(source), str(target)], check=True, cwd=HERE, timeout=120)
        raw = json.loads(target.read_text(encoding="utf-8"))
    return [[(str(r), str(e)) for r, e in calls] for calls in raw]


def run_ours(standard: str, sequences: list[list[list[str]]]) -> Results:
    out: Results = []
    for calls in sequences:
        api: Scorm12Api | Scorm2004Api = Scorm12Api() if standard == "scorm12" else Scorm2004Api()
        last_error = api.LMSGetLastError if isinstance(api, Scorm12Api) else api.GetLastError
        row = []
        for method, *args in calls:
            returned = getattr(api, method)(*args)
            row.append((returned, last_error()))
        out.append(row)
    return out
