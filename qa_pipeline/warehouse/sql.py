"""Find and read the warehouse's SQL files (migrations, views, named statements).

The SQL ships inside the package (``qa_pipeline/warehouse/sql_files/``, package data), so an
installed, non-editable copy finds it next to this module; ``warehouse/`` at the repository
root links to the same folder. ``$QA_PIPELINE_WAREHOUSE_SQL`` points elsewhere (a deployment's
own copy, a test's folder).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from qa_pipeline.errors import WarehouseError

SQL_DIR_ENV = "QA_PIPELINE_WAREHOUSE_SQL"
#: the SQL shipped with the package
PACKAGED_SQL_DIR = Path(__file__).resolve().parent / "sql_files"
_NAME_LINE = re.compile(r"^--\s*name:\s*([a-z0-9_]+)\s*$", re.MULTILINE)


def sql_dir() -> Path:
    """The folder holding ``bootstrap.sql``, ``migrations/``, ``views/`` and ``queries/``.

    Raises:
        WarehouseError: the folder ($QA_PIPELINE_WAREHOUSE_SQL, else the packaged one) has no
            ``bootstrap.sql``.
    """
    override = os.environ.get(SQL_DIR_ENV)
    root = Path(override) if override else PACKAGED_SQL_DIR
    if not (root / "bootstrap.sql").is_file():
        hint = (
            f"${SQL_DIR_ENV} points there; point it at a folder holding bootstrap.sql, "
            "migrations/, views/ and queries/, or unset it to use the packaged SQL"
            if override
            else "the package was installed without its SQL files; reinstall qa-pipeline "
            f"or set ${SQL_DIR_ENV}"
        )
        raise WarehouseError(f"the warehouse SQL folder {root} has no bootstrap.sql; {hint}")
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
    """One named statement (``-- name: x``) from ``queries/<file>`` of `sql_dir`."""
    stmts = _statements(sql_dir() / "queries" / file)
    try:
        return stmts[name]
    except KeyError:
        raise WarehouseError(f"no statement '{name}' in queries/{file}") from None
