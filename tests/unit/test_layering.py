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
