"""The DuckDB warehouse: migrations, the single writer, read-only readers, row building.

Readers (the app, notebooks) connect with `connect_reader` per query; the pipeline's flow is
the only writer (`Warehouse`). See `qa_pipeline.warehouse.store` for why and how.
"""

from qa_pipeline.warehouse.migrate import apply_migrations, list_migrations
from qa_pipeline.warehouse.rows import (
    CallFailure,
    CallIdentity,
    JudgedCall,
    RubricRef,
    content_hash,
)
from qa_pipeline.warehouse.store import (
    RunCounts,
    StoreResult,
    Warehouse,
    connect_reader,
)

__all__ = [
    "CallFailure",
    "CallIdentity",
    "JudgedCall",
    "RubricRef",
    "RunCounts",
    "StoreResult",
    "Warehouse",
    "apply_migrations",
    "connect_reader",
    "content_hash",
    "list_migrations",
]
