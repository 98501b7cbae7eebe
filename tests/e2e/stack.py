"""The tests' handle on a running local stack (implemented in nimbus_local.child)."""

from __future__ import annotations

from nimbus_local.child import ROOT, LocalStack, free_port

__all__ = ["ROOT", "LocalStack", "free_port"]
