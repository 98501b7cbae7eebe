"""The storage layer: the only package that imports boto3 or pynamodb.

Domain modules call the functions in :mod:`chalicelib.store.repos` and
:mod:`chalicelib.store.blobs`; they never see an AWS client. ``tests/unit/test_layering.py``
walks the AST of every other module and fails if one imports boto3, botocore or pynamodb.
"""
