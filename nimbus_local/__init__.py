"""The embedded local stack: moto as the local AWS, the chalice app, the event pump and the
snapshotter in one process (``python -m nimbus_local``; ``make run``).

This package is development infrastructure, not part of the Lambda deployment: it plays the
AWS services that the deployed functions use, so it may import boto3 and moto directly.
"""
