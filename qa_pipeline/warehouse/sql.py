"""Find and read the warehouse's SQL files (migrations, views, named statements).

SQL lives in ``warehouse/`` at the repository root, as dbt keeps its macros in ``.sql`` files;
``$QA_PIPELINE_WAREHOUSE_SQL`` points elsewhere (an installed copy, a test's own folder).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from qa_pipeline.errors import WarehouseError

SQL_DIR_ENV = "QA_PIPELINE_WAREHOUSE_SQL"
_NAME_LINE = re.compile(r"^--\s*name:\s*([a-z0-9_]+)\s*$", re.MULTILINE)


def sql_dir() -> Path:
    """The folder holding ``bootstrap.sql``, ``migrations/``, ``views/`` and ``queries/``."""
    override = os.environ.get(SQL_DIR_ENV)
    root = Path(override) if override else Path(__file__).resolve().parents[2] / "warehouse"
    if not (root / "bootstrap.sql").is_file():
        raise WarehouseError(
            f"the warehouse SQL folder {root} has no bootstrap.sql; run from the repository "
            f"checkout or set {SQL_DIR_ENV} to the folder holding migrations/ and views/"
        )
    return root


@functools.cache
def _statements(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    names = list(_NAME_LINE.finditer(text))
    out: dict[str, str] = {}
    for i, m in enumerate(names):
        end = names[i + 1].start() if i + 1 < len(names) else len(text)
        body = text[m.end() : end].strip()
        out[m.group(1)] = body
    return out


def statement(name: str, file: str = "store.sql") -> str:
    """One named statement (``-- name: x``) from ``warehouse/queries/<file>``."""
    stmts = _statements(sql_dir() / "queries" / file)
    try:
        return stmts[name]
    except KeyError:
        raise WarehouseError(f"no statement '{name}' in warehouse/queries/{file}") from None
