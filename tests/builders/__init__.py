"""Fixture builders: packages, events and records made by code (no third-party files)."""
