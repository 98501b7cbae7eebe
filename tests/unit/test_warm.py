"""The local stack makes pynamodb's clients before serving (nimbus_local.warm): every model must
then query through a connection of its own that knows its indexes, and all share one client."""

from __future__ import annotations

from typing import Any


def test_every_model_keeps_its_own_connection_and_indexes() -> None:
    import app  # noqa: F401 - defines every model
    from chalicelib.store import transactions
    from nimbus_local import warm

    models = warm._models()  # noqa: SLF001
    before = {model: model.__dict__.get("_connection") for model in models}
    try:
        _check(models, warm)
    finally:  # the other tests' models make their connections as they always do
        for model, connection in before.items():
            model._connection = connection  # noqa: SLF001
        transactions._CONNECTION.clear()  # noqa: SLF001


def _check(models: list[Any], warm: Any) -> None:
    from chalicelib.store import transactions

    for model in models:  # base classes used first (the bootstrap, earlier requests or tests)
        if model.__subclasses__():
            model._get_connection()  # noqa: SLF001
    warm.pynamodb_clients()
    assert len(models) > 40
    clients = set()
    for model in models:
        own = model.__dict__.get("_connection")
        assert own is not None, f"{model.__name__} would use a base class's connection"
        meta = own.connection.get_meta_table(model.Meta.table_name)
        known = {index["IndexName"] for index in
                 meta.data.get("GlobalSecondaryIndexes", []) + meta.data.get("LocalSecondaryIndexes", [])}
        wanted = {index.Meta.index_name for index in getattr(model, "_indexes", {}).values()}
        assert wanted <= known, f"{model.__name__} lost its indexes {wanted - known}"
        clients.add(id(own.connection._client))  # noqa: SLF001
    clients.add(id(transactions.connection()._client))  # noqa: SLF001
    assert len(clients) == 1  # one botocore client, not one per model
