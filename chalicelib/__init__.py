"""Nimbus: an open, self-hostable, serverless training-delivery cloud."""

__version__ = "0.1.0"
