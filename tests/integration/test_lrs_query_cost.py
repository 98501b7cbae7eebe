"""What a filtered GET /statements costs in DynamoDB reads does not grow with what matches: the
LRS asks for a first page sized to the request's ``limit`` and only then for more (issue 5:
queries stay flat at millions of statements; ``bench/lrs_scale.py`` measures the latency)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.builders import statements as b
from tests.integration.test_lrs_api import lrs  # noqa: F401 - the fixture

if TYPE_CHECKING:
    from tests.integration.test_lrs_api import Lrs


class QueryCounter:
    """Counts the items DynamoDB returns to the statements table's Query calls."""

    def __init__(self) -> None:
        from chalicelib.store.statements import IndexEntryItem

        self.items = 0
        self.events = IndexEntryItem._get_connection().connection.client.meta.events
        self.events.register("after-call.dynamodb.Query", self._count)

    def _count(self, parsed: dict[str, Any], **_: Any) -> None:
        self.items += len(parsed.get("Items", []))

    def close(self) -> None:
        self.events.unregister("after-call.dynamodb.Query", self._count)


def test_a_limited_query_reads_a_page_not_every_match(lrs: Lrs) -> None:  # noqa: F811
    for _ in range(80):  # one by one: moto copies its whole table per transaction item
        assert lrs.post(b.statement(actor="busy")).status_code == 200
    assert lrs.post(b.statement(actor="quiet")).status_code == 200
    counter = QueryCounter()
    try:
        page = lrs.query(agent='{"mbox": "mailto:busy@example.com"}', limit=10)
        busy_reads = counter.items
        counter.items = 0
        everything = lrs.query(agent='{"mbox": "mailto:busy@example.com"}', limit=80)
        all_reads = counter.items
    finally:
        counter.close()
    assert len(page["statements"]) == 10 and page["more"]
    assert len(everything["statements"]) == 80
    # 80 entries match; the limited query reads its page (limit + 10) and, to know whether to
    # offer `more`, the last entry again plus at most two after it
    assert busy_reads <= 10 + 10 + 3, busy_reads
    assert all_reads >= 80
    following = lrs.call("GET", page["more"].removeprefix(lrs.base))
    assert following.status_code == 200
