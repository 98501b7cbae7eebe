"""STYLE.md: only chalicelib/store may import boto3, botocore or pynamodb."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AWS_MODULES = {"boto3", "botocore", "pynamodb"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_only_the_storage_layer_imports_aws_libraries() -> None:
    sources = [ROOT / "app.py", *(ROOT / "chalicelib").rglob("*.py")]
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & AWS_MODULES)
        for path in sources
        if (ROOT / "chalicelib" / "store") not in path.parents and _imports(path) & AWS_MODULES
    }
    assert offenders == {}


def test_the_check_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import boto3\nfrom pynamodb.models import Model\n")
    assert _imports(bad) & AWS_MODULES == {"boto3", "pynamodb"}


def _chalicelib_imports(path: Path) -> set[str]:
    """Dotted chalicelib modules ``path`` imports (``from chalicelib import x`` counts as
    ``chalicelib.x``), type-checking-only imports included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("chalicelib"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chalicelib"):
            found.update(f"{node.module}.{a.name}" for a in node.names)
            found.add(node.module)
    return found


def _module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _reaches(start: str, forbidden: str) -> list[str]:
    """The import chain from module ``start`` to a module under ``forbidden`` (empty if none)."""
    seen: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        name = queue.pop(0)
        path = _module_file(name)
        for found in sorted(_chalicelib_imports(path)) if path else []:
            if found in seen or _module_file(found) is None:
                continue
            seen[found] = name
            if found == forbidden or found.startswith(forbidden + "."):
                chain = [found]
                while seen[chain[-1]] is not None:
                    chain.append(str(seen[chain[-1]]))
                return chain[::-1]
            queue.append(found)
    return []


def test_registrations_sit_below_the_runtime() -> None:
    """``chalicelib.runtime`` launches registrations, so registrations (and what they import,
    results included) must not import the runtime back: results live in ``chalicelib.results``."""
    assert _reaches("chalicelib.registrations", "chalicelib.runtime") == []
    assert _reaches("chalicelib.results", "chalicelib.runtime") == []
    assert _reaches("chalicelib.results", "chalicelib.registrations") == []


def test_the_layer_check_sees_a_cycle(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from chalicelib.runtime import launch\nfrom chalicelib import registrations\n")
    assert {"chalicelib.runtime", "chalicelib.runtime.launch", "chalicelib.registrations"} <= _chalicelib_imports(bad)
    assert _reaches("chalicelib.runtime.launch", "chalicelib.registrations")[-1] == "chalicelib.registrations"
