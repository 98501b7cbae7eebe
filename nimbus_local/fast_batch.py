"""``BatchWriteItem`` of plain puts, answered without moto's web layer: the same items written
through moto's own ``Table.put_item``, the same answer.

An xAPI batch of 100 statements writes ~700 index entries: 28 ``BatchWriteItem`` requests of 25
puts. Profiles of ``python -m bench.load lrs-soak`` (docs/performance.md) found a third of each
request's time outside the writes themselves: Flask and werkzeug building a request, moto's
``setup_class`` decoding the body again, the service lookup, JSON-dumping every item whole to look
for duplicates, and serialising a fixed answer through the botocore output shape.

Here the request is decoded once and, when it has the one shape Nimbus sends — puts (no deletes)
into one existing table, every key attribute present and non-empty, no two items with the same
key — each item goes to ``Table.put_item`` (moto's validations of types, key sizes and the 400 KB
limit, the stream record, the disk store) and the answer is the body moto answers (``ConsumedCapacity``
per table, empty ``ItemCollectionMetrics`` and ``UnprocessedItems``) with its headers and CRC32.
Anything else — another shape, an error while writing — returns ``None`` before answering: the
caller rolls the request's SQLite transaction back and moto serves it as before, so errors are
moto's own. ``tests/unit/test_local_storage.py`` runs its scenario against plain moto and this.
"""

from __future__ import annotations

import json
import os
import secrets
import zlib
from typing import TYPE_CHECKING, Any

from moto.core.responses import BaseResponse
from moto.dynamodb.models import dynamodb_backends
from moto.iam.models import get_account_id_from

if TYPE_CHECKING:
    from moto.dynamodb.models.table import Table

TARGET = "DynamoDB_20120810.BatchWriteItem"
#: The request parameters this path understands (the others make moto serve the request).
KNOWN = frozenset({"RequestItems", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics"})
_ACCESS_KEY = BaseResponse.access_key_regex
#: Requests served here since start (tests check this path was taken).
SERVED = [0]


def _where(environ: dict[str, Any]) -> tuple[str, str] | None:
    """(account, region) as moto's ``BaseResponse.setup_class`` works them out for this request;
    None when it would look anywhere but the signature (URL, user agent, account header)."""
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    host = environ.get("HTTP_HOST", "")
    if ("AWS4" not in authorization or "HTTP_X_MOTO_ACCOUNT_ID" in environ
            or BaseResponse.region_regex.search(f"http://{host}{environ.get('PATH_INFO', '')}")
            or BaseResponse.region_from_useragent_regex.search(environ.get("HTTP_USER_AGENT", ""))):
        return None
    region = authorization.split(",")[0].split("/")[2]
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"], region
    match = _ACCESS_KEY.search(authorization)
    return get_account_id_from(match.group(1) if match else None), region  # type: ignore[arg-type]


def _key(item: dict[str, Any], name: str | None) -> tuple[str, Any] | None | bool:
    """The (type, value) of a key attribute; False when it is missing, empty or malformed."""
    if name is None:
        return None
    value = item.get(name)
    if not isinstance(value, dict) or len(value) != 1:
        return False
    kind, raw = next(iter(value.items()))
    if not isinstance(raw, str) or raw == "" or kind not in ("S", "N", "B"):
        return False
    return kind, raw


def _puts(request: Any, environ: dict[str, Any]) -> tuple[Table, list[dict[str, Any]]] | None:  # noqa: PLR0911
    """The table and the items, when the request has the shape described above."""
    if not isinstance(request, dict) or not set(request) <= KNOWN:
        return None
    batches = request.get("RequestItems")
    if not isinstance(batches, dict) or len(batches) != 1:
        return None
    (name, requests), = batches.items()
    where = _where(environ)
    if where is None or not isinstance(requests, list) or not requests:
        return None
    table = dynamodb_backends[where[0]][where[1]].tables.get(name)
    if table is None:
        return None
    index_keys = [attr for index in table.global_indexes for attr in index.schema_key_attrs]
    items, keys = [], set()
    for entry in requests:
        put = entry.get("PutRequest") if isinstance(entry, dict) and len(entry) == 1 else None
        item = put.get("Item") if isinstance(put, dict) and len(put) == 1 else None
        if not isinstance(item, dict) or not all(isinstance(v, dict) and len(v) == 1 for v in item.values()):
            return None
        for attr in index_keys:  # absent is fine, empty is moto's error to give
            value = item.get(attr)
            if value is not None and next(iter(value.values())) == "":
                return None
        key = (_key(item, table.hash_key_attr), _key(item, table.range_key_attr))
        if False in key or key in keys:
            return None
        keys.add(key)
        items.append(item)
    return table, items


def serve(environ: dict[str, Any], body: bytes) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """Write the batch and return (status, headers, body), or None for moto to serve it. Called
    under the request lock; on None the caller rolls back whatever was written."""
    try:
        request = json.loads(body)
    except ValueError:
        return None
    found = _puts(request, environ)
    if found is None:
        return None
    table, items = found
    try:
        for item in items:
            table.put_item(item)
    except Exception:  # noqa: BLE001 - moto serves it again and answers with its own error
        return None
    answer = json.dumps({
        "ConsumedCapacity": [{"TableName": name, "CapacityUnits": 1.0, "Table": {"CapacityUnits": 1.0}}
                             for name in request["RequestItems"]],
        "ItemCollectionMetrics": {}, "UnprocessedItems": {}}, separators=(",", ":")).encode()
    headers = [("Content-Type", "application/x-amz-json-1.0"),
               ("x-amzn-requestid", secrets.token_hex(26)),
               ("x-amz-crc32", str(zlib.crc32(answer))), ("Content-Length", str(len(answer))),
               ("Access-Control-Allow-Origin", "*")]
    SERVED[0] += 1
    return "200 OK", headers, answer
