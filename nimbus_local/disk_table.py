"""A moto DynamoDB ``Table`` whose items are rows of one SQLite table (see ``dynamo_disk``).

``table.items`` is a thin adapter (:class:`_Items`) over the rows, so moto's own ``put_item`` /
``get_item`` / ``delete_item`` work unchanged; ``Query`` and ``Scan`` read only the partition and
key range they ask for, in key order, from SQLite indexes on the table's and each secondary
index's keys. Keys are stored twice, exactly and as an ordering value (``nimbus_local.key_order``);
range conditions are narrowed in SQL and confirmed with moto's own comparison.
"""

from __future__ import annotations

import pickle
from typing import TYPE_CHECKING, Any

from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, Table

from nimbus_local import disk_stream
from nimbus_local.key_order import exact, narrow, order

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nimbus_local.dynamo_disk import ItemStore

Key = tuple[str, str]
#: A cached item: the object moto holds, the bytes it was read or written as, and whether moto was
#: handed it (only those can have been changed in place).
Cached = tuple["Item | None", "bytes | None", bool]
#: The open item store (set by ``nimbus_local.dynamo_disk.install``).
STORE: list[ItemStore] = []


class _Partition:
    """``table.items[hash]`` for a table with a range key: the rows of one partition."""

    def __init__(self, table: DiskTable, hash_key: DynamoType) -> None:
        self.table, self.hash_key = table, hash_key

    def __getitem__(self, range_key: DynamoType) -> Item:
        item = self.table.load(self.hash_key, range_key)
        if item is None:
            raise KeyError(range_key)
        return item

    def __setitem__(self, range_key: DynamoType, item: Item) -> None:
        self.table.store_item(item)

    def pop(self, range_key: DynamoType) -> Item:
        item = self.table.load(self.hash_key, range_key)
        if item is None:
            raise KeyError(range_key)
        self.table.remove(self.hash_key, range_key)
        return item


class _Items:
    """Stands in for moto's ``Table.items`` dict: ``items[h][r]``, ``items[h] = item``,
    ``items.pop(h)``, ``h in items`` — each one SQL statement on the table's rows."""

    def __init__(self, table: DiskTable) -> None:
        self.table = table

    def __getitem__(self, hash_key: DynamoType) -> Any:
        if self.table.has_range_key:
            return _Partition(self.table, hash_key)
        item = self.table.load(hash_key, None)
        if item is None:
            raise KeyError(hash_key)
        return item

    def __setitem__(self, hash_key: DynamoType, item: Item) -> None:
        self.table.store_item(item)

    def __contains__(self, hash_key: DynamoType) -> bool:
        return self.table.load(hash_key, None) is not None

    def pop(self, hash_key: DynamoType) -> Item:
        item = self.table.load(hash_key, None)
        if item is None:
            raise KeyError(hash_key)
        self.table.remove(hash_key, None)
        return item

    def values(self) -> list[Any]:
        return self.table.all_items()


class DiskTable(Table):
    """A moto ``Table`` whose items are rows of one SQLite table (see the module docstring)."""

    store: ItemStore
    sql_name: str
    _cache: dict[Key, Cached]
    _indexes: list[tuple[str, str, str | None]]
    _index_count: int

    @classmethod
    def adopt(cls, table: Table) -> DiskTable:
        """Turn a freshly created moto table into a disk-backed one (rows already on disk stay:
        a table created again after a crash finds its items)."""
        existing = list(table.all_items())
        table.__class__ = cls
        assert isinstance(table, DiskTable)  # noqa: S101 - for the type checker
        table._attach()
        for item in existing:
            table.store_item(item)
        disk_stream.adopt(table, table.store)  # its change stream on disk too
        return table

    def _attach(self) -> None:
        if not STORE:
            raise RuntimeError("nimbus_local.dynamo_disk.install() was not called")
        self.store = STORE[0]
        self.sql_name = f'"items:{self.account_id}:{self.region_name}:{self.name}"'
        self.items = _Items(self)  # type: ignore[assignment]
        self._cache = {}
        self._index_count = -1
        self._ensure_schema()

    # --- schema -------------------------------------------------------------------------------

    def _key_indexes(self) -> list[tuple[str, str, str | None]]:
        """(column prefix, hash attribute, range attribute) of every single-attribute index."""
        if self._index_count != len(self.all_indexes()):
            self._indexes = self._read_indexes()
            self._index_count = len(self.all_indexes())
            self._ensure_schema()
        return self._indexes

    def _read_indexes(self) -> list[tuple[str, str, str | None]]:
        out = []
        for number, index in enumerate(self.all_indexes()):
            hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
            ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
            if len(hashes) == 1 and len(ranges) <= 1:
                out.append((f"i{number}", hashes[0], ranges[0] if ranges else None))
        return out

    def _ensure_schema(self) -> None:
        conn = self.store.conn
        conn.execute(f"CREATE TABLE IF NOT EXISTS {self.sql_name} (h TEXT NOT NULL, r TEXT NOT NULL, "
                     "ro, item BLOB NOT NULL, PRIMARY KEY (h, r)) WITHOUT ROWID")
        base = self.sql_name.strip('"')
        if self._sorts_by_ro():  # string range keys sort by r itself (see _sorts_by_ro)
            conn.execute(f'CREATE INDEX IF NOT EXISTS "{base}:order" ON {self.sql_name} (h, ro, r)')
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({self.sql_name})")}
        added = False
        self._indexes, self._index_count = self._read_indexes(), len(self.all_indexes())
        for prefix, _hash, _range in self._indexes:
            if f"{prefix}h" not in columns:
                conn.execute(f"ALTER TABLE {self.sql_name} ADD COLUMN {prefix}h")
                conn.execute(f"ALTER TABLE {self.sql_name} ADD COLUMN {prefix}ro")
                added = True
            conn.execute(f'CREATE INDEX IF NOT EXISTS "{base}:{prefix}" ON {self.sql_name} '
                         f"({prefix}h, {prefix}ro, h, r) WHERE {prefix}h IS NOT NULL")
        if added:  # a new index on a table with items: fill its columns
            for item in self._rows_as_items(f"SELECT item FROM {self.sql_name}", ()):
                self._write(item)

    def _sorts_by_ro(self) -> bool:
        """Whether the table's own key order needs the ``ro`` column: for a string range key the
        exact form ``"S" + value`` already sorts as DynamoDB does (SQLite compares text by its
        UTF-8 bytes), so the primary key serves and each write updates one index fewer."""
        return self.has_range_key and self.range_key_type != "S"

    def _range_value(self, value: DynamoType | None) -> Any:
        """A range key value as the table's own sort column holds it."""
        return order(value) if self._sorts_by_ro() else exact(value)

    def drop(self) -> None:
        with self.store.lock:
            self.store.conn.execute(f"DROP TABLE IF EXISTS {self.sql_name}")

    # --- pickling (the snapshot holds the table's definition, never its items) ----------------

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for name in ("store", "items", "_cache"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._attach()

    def __deepcopy__(self, memo: dict[int, Any]) -> DiskTable:
        """moto copies a table before ``TransactWriteItems`` to roll back by hand; the request's
        SQLite transaction does that here, so the "copy" is the table itself."""
        return self

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    # --- rows ---------------------------------------------------------------------------------

    def _key(self, hash_key: DynamoType, range_key: DynamoType | None) -> Key:
        return exact(hash_key), exact(range_key) if self.has_range_key else ""

    def load(self, hash_key: DynamoType, range_key: DynamoType | None) -> Item | None:
        key = self._key(hash_key, range_key)
        cached = self._cache.get(key)
        if cached is not None:
            if cached[0] is not None and not cached[2]:
                self._cache[key] = (cached[0], cached[1], True)
            return cached[0]
        row = self.store.conn.execute(f"SELECT item FROM {self.sql_name} WHERE h = ? AND r = ?",
                                      key).fetchone()
        item = pickle.loads(row[0]) if row else None  # noqa: S301 - our own rows
        self._remember(key, item, row[0] if row else None, handed_out=True)
        return item

    def _remember(self, key: Key, item: Item | None, blob: bytes | None, *, handed_out: bool) -> None:
        self._cache[key] = (item, blob, handed_out)
        self.store.touched.add(self)

    def store_item(self, item: Item) -> None:
        blob = self._write(item)
        # moto changes an item in place only after getting it again (UpdateItem), which marks it
        self._remember(self._key(item.hash_key, item.range_key), item, blob, handed_out=False)

    def _write(self, item: Item) -> bytes:
        blob = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        columns, values = ["h", "r", "ro", "item"], [*self._key(item.hash_key, item.range_key),
                                                     order(item.range_key) if self._sorts_by_ro() else None,
                                                     blob]
        for prefix, hash_attr, range_attr in self._key_indexes():
            hash_value = item.attrs.get(hash_attr)
            range_value = item.attrs.get(range_attr) if range_attr else None
            indexed = hash_value is not None and (range_attr is None or range_value is not None)
            columns += [f"{prefix}h", f"{prefix}ro"]
            values += [exact(hash_value) if indexed else None, order(range_value) if indexed else None]
        self.store.begin()
        self.store.conn.execute(f"INSERT OR REPLACE INTO {self.sql_name} ({', '.join(columns)}) "
                                f"VALUES ({', '.join('?' * len(values))})", values)
        return blob

    def remove(self, hash_key: DynamoType, range_key: DynamoType | None) -> None:
        key = self._key(hash_key, range_key)
        self.store.begin()
        self.store.conn.execute(f"DELETE FROM {self.sql_name} WHERE h = ? AND r = ?", key)
        self._remember(key, None, None, handed_out=False)

    def flush(self) -> None:
        """Write back the items moto changed in place during this request (``UpdateItem``)."""
        for item, blob, handed_out in list(self._cache.values()):
            if handed_out and item is not None and pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL) != blob:
                self.store_item(item)

    def forget(self) -> None:
        self._cache.clear()

    def _rows_as_items(self, sql: str, params: tuple[Any, ...] | list[Any]) -> Iterator[Item]:
        self.flush()
        for (blob,) in self.store.conn.execute(sql, params):
            yield pickle.loads(blob)  # noqa: S301 - our own rows

    def __len__(self) -> int:
        return int(self.store.conn.execute(f"SELECT COUNT(*) FROM {self.sql_name}").fetchone()[0])

    def all_items(self) -> list[Item]:
        return list(self._rows_as_items(f"SELECT item FROM {self.sql_name} ORDER BY h, ro, r", ()))

    # --- Query and Scan ----------------------------------------------------------------------

    def query(self, hash_key: DynamoType | None, range_comparison: str | None,  # type: ignore[override]
              range_objs: list[DynamoType], limit: int, exclusive_start_key: dict[str, Any],
              scan_index_forward: bool, projection_expressions: list[list[str]] | None,
              index_name: str | None = None, consistent_read: bool = False,
              filter_expression: Any = None,
              hash_key_conditions: list[tuple[str, DynamoType]] | None = None,
              range_key_conditions: list[tuple[str, str, list[DynamoType]]] | None = None,
              **filter_kwargs: Any) -> tuple[list[Item], int, dict[str, Any] | None]:
        """DynamoDB ``Query`` reading only the asked partition and key range, in key order."""
        plan = self._query_plan(index_name, hash_key, hash_key_conditions, range_key_conditions,
                                filter_kwargs)
        if plan is None:  # a shape only moto's own walk handles
            return super().query(hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                                 scan_index_forward, projection_expressions, index_name,
                                 consistent_read, filter_expression,
                                 hash_key_conditions=hash_key_conditions,
                                 range_key_conditions=range_key_conditions, **filter_kwargs)
        prefix, hash_value, range_attr = plan
        if index_name and consistent_read and self.get_index(index_name) in self.global_indexes:
            return super().query(hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                                 scan_index_forward, projection_expressions, index_name,
                                 consistent_read, filter_expression)  # moto raises the right error
        hcol, ocol = ("h", "ro" if self._sorts_by_ro() else "r") if prefix == "" else (f"{prefix}h", f"{prefix}ro")
        if ocol == "r":
            sort = ["r"]
        else:
            sort = ([ocol] if range_attr else []) + (["h", "r"] if prefix else ["r"])
        value_of = exact if ocol == "r" else order
        where, params = [f"{hcol} = ?"], [exact(hash_value)]
        if range_comparison and range_attr:
            narrowed = narrow(ocol, range_comparison, range_objs, value_of)
            where += narrowed[0]
            params += narrowed[1]
        if exclusive_start_key:
            start = self._start_values(exclusive_start_key, prefix, range_attr)
            if start is not None:
                where.append(f"({', '.join(sort)}) {'>' if scan_index_forward else '<'} "
                             f"({', '.join('?' * len(sort))})")
                params += start
        direction = "" if scan_index_forward else " DESC"
        sql = (f"SELECT item FROM {self.sql_name} WHERE {' AND '.join(where)} "
               f"ORDER BY {', '.join(c + direction for c in sort)}")
        check = (range_attr, range_comparison, range_objs) if range_comparison and range_attr else None
        results, last_key = self._page(self._rows_as_items(sql, params), check, limit, index_name)
        scanned = len(results)
        if index_name:
            index = self.get_index(index_name)
            results = [index.project(r) for r in results]
        if filter_expression is not None:
            results = [item for item in results if filter_expression.expr(item)]
        if projection_expressions:
            results = [r.project(projection_expressions) for r in results]
        return results, scanned, last_key

    def _page(self, rows: Iterator[Item], check: tuple[str, str, list[DynamoType]] | None, limit: int,
              index_name: str | None) -> tuple[list[Item], dict[str, Any] | None]:
        """One page of a query: rows in key order that meet the range condition (moto's exact
        comparison), up to ``Limit`` items or 1 MB, and the key to go on from."""
        results: list[Item] = []
        size = 0
        for item in rows:
            if check is not None:
                value = item.attrs.get(check[0])
                if value is None or not value.compare(check[1], check[2]):
                    continue
            if len(results) == limit or size + item.size() > RESULT_SIZE_LIMIT:
                return results, self._get_last_evaluated_key(results[-1], index_name)
            results.append(item)
            size += item.size()
        return results, None

    def _query_plan(self, index_name: str | None, hash_key: DynamoType | None,
                    hash_key_conditions: list[tuple[str, DynamoType]] | None,
                    range_key_conditions: list[tuple[str, str, list[DynamoType]]] | None,
                    filter_kwargs: dict[str, Any]) -> tuple[str, DynamoType, str | None] | None:
        """(column prefix, hash value, range attribute) for the indexed path, or None."""
        if filter_kwargs or len(hash_key_conditions or []) > 1 or len(range_key_conditions or []) > 1:
            return None
        if not index_name:
            return ("", hash_key, self.range_key_attr) if hash_key is not None else None
        for number, index in enumerate(self.all_indexes()):
            if index.name != index_name:
                continue
            for prefix, hash_attr, range_attr in self._key_indexes():
                if prefix == f"i{number}":
                    value = dict(hash_key_conditions or []).get(hash_attr, hash_key)
                    return (prefix, value, range_attr) if value is not None else None
        return None  # unknown index: moto's walk raises its ValidationException

    def _start_values(self, start: dict[str, Any], prefix: str, range_attr: str | None) -> list[Any] | None:
        """ExclusiveStartKey as the values of the query's sort columns (None: start at the top)."""
        try:
            table_hash = DynamoType(start[self.hash_key_attr])
            table_range = DynamoType(start[self.range_key_attr]) if self.range_key_attr else None
            base = [exact(table_hash), exact(table_range)]
            if not prefix:
                if not range_attr:
                    return [base[1]]
                return [order(table_range), base[1]] if self._sorts_by_ro() else [base[1]]
            if not range_attr:
                return base
            return [order(DynamoType(start[range_attr])), *base]
        except KeyError:
            return None

    def scan(self, filters: dict[str, Any], limit: int, exclusive_start_key: dict[str, Any],  # type: ignore[override]
             filter_expression: Any = None, index_name: str | None = None, consistent_read: bool = False,
             projection_expression: list[list[str]] | None = None,
             segments: tuple[None, None] | tuple[int, int] = (None, None),
             ) -> tuple[list[Item], int, dict[str, Any] | None]:
        """DynamoDB ``Scan`` in key order, starting after ``ExclusiveStartKey`` (not from the top)."""
        prefix = ""
        if index_name:
            index = self.get_index(index_name, error_if_not=True)
            if consistent_read and index in self.global_indexes:
                return super().scan(filters, limit, exclusive_start_key, filter_expression, index_name,
                                    consistent_read, projection_expression, segments)
            numbers = {i.name: n for n, i in enumerate(self.all_indexes())}
            prefix = next((p for p, _h, _r in self._key_indexes() if p == f"i{numbers[index_name]}"), "")
            if not prefix:
                return super().scan(filters, limit, exclusive_start_key, filter_expression, index_name,
                                    consistent_read, projection_expression, segments)
        sort = self._scan_columns(prefix)
        where, params = ([f"{prefix}h IS NOT NULL"] if prefix else []), []
        if exclusive_start_key:
            start = self._scan_start(exclusive_start_key, prefix)
            if start is not None:
                where.append(f"({', '.join(sort)}) > ({', '.join('?' * len(sort))})")
                params += start
        sql = (f"SELECT item FROM {self.sql_name} {'WHERE ' + ' AND '.join(where) if where else ''} "
               f"ORDER BY {', '.join(sort)}")
        results: list[Item] = []
        size = scanned = 0
        last_key = None
        for item in self._rows_as_items(sql, params):
            if not item.is_within_segment(segments):
                continue
            if len(results) == limit or size + item.size() > RESULT_SIZE_LIMIT:
                last_key = self._get_last_evaluated_key(results[-1], index_name)
                break
            if self._passes(item, filters):
                results.append(self.get_index(index_name).project(item) if index_name else item)
                size += item.size()
            scanned += 1
        if filter_expression is not None:
            results = [item for item in results if filter_expression.expr(item)]
        if projection_expression:
            results = [r.project(projection_expression) for r in results]
        return results, scanned, last_key

    def _scan_columns(self, prefix: str) -> list[str]:
        """The key order a scan walks: index hash and range (if any), then the table's keys."""
        table = ["h", "ro", "r"] if self._sorts_by_ro() else ["h", "r"] if self.has_range_key else ["h"]
        if not prefix:
            return table
        range_attr = {p: r for p, _h, r in self._key_indexes()}[prefix]
        return [f"{prefix}h"] + ([f"{prefix}ro"] if range_attr else []) + ["h", "r"]

    def _scan_start(self, start: dict[str, Any], prefix: str) -> list[Any] | None:
        try:
            table_hash = DynamoType(start[self.hash_key_attr])
            table_range = DynamoType(start[self.range_key_attr]) if self.range_key_attr else None
            if table_range is None:
                table: list[Any] = [exact(table_hash)]
            elif self._sorts_by_ro():
                table = [exact(table_hash), order(table_range), exact(table_range)]
            else:
                table = [exact(table_hash), exact(table_range)]
            if not prefix:
                return table
            plan = {p: (h, r) for p, h, r in self._key_indexes()}[prefix]
            index: list[Any] = [exact(DynamoType(start[plan[0]]))]
            if plan[1]:
                index.append(order(DynamoType(start[plan[1]])))
            return [*index, exact(table_hash), exact(table_range)]
        except KeyError:
            return None

    @staticmethod
    def _passes(item: Item, filters: dict[str, Any]) -> bool:
        """The legacy ``ScanFilter`` conditions (as moto's scan evaluates them)."""
        for name, (operator, values) in filters.items():
            attribute = item.attrs.get(name)
            if attribute is None:
                if operator != "NULL":
                    return False
            elif not attribute.compare(operator, values):
                return False
        return True
