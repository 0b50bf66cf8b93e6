"""Apply the numbered migrations in ``warehouse/migrations`` in order, and the views.

Each migration runs once, inside its own transaction, and is recorded in
``schema_migrations`` with its SHA-256; an applied file that has since been edited is refused
(write a new numbered file instead). Views (``warehouse/views/*.sql``, ``CREATE OR REPLACE``)
are re-created whenever their text changes, so a view can evolve without a migration.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from qa_pipeline.errors import WarehouseError
from qa_pipeline.warehouse.sql import sql_dir, statement

_SQL = "migrate.sql"

_MIGRATION_NAME = re.compile(r"^(\d{3,})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def list_migrations(root: Path | None = None) -> list[Migration]:
    """The migration files, in version order; a malformed or repeated number is refused."""
    folder = (root or sql_dir()) / "migrations"
    found: dict[int, Migration] = {}
    for path in sorted(folder.glob("*.sql")):
        m = _MIGRATION_NAME.match(path.name)
        if m is None:
            raise WarehouseError(
                f"migration file name '{path.name}' must look like 001_what_it_does.sql"
            )
        version = int(m.group(1))
        if version in found:
            raise WarehouseError(
                f"two migrations share number {version}: {found[version].path.name}, {path.name}"
            )
        found[version] = Migration(version, m.group(2), path)
    return [found[v] for v in sorted(found)]


def apply_migrations(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> list[str]:
    """Bring a writable connection's database up to date.

    Returns:
        The names of the migrations and views applied now (empty when already up to date).

    Raises:
        WarehouseError: an applied migration was edited, or a migration fails (it is rolled
            back and nothing after it runs).
    """
    base = root or sql_dir()
    con.execute((base / "bootstrap.sql").read_text(encoding="utf-8"))
    applied = {
        int(v): sha for v, sha in con.execute(statement("applied_migrations", _SQL)).fetchall()
    }
    done: list[str] = []
    for mig in list_migrations(base):
        if mig.version in applied:
            if applied[mig.version] != mig.sha256:
                raise WarehouseError(
                    f"migration {mig.path.name} was edited after it was applied to this "
                    "warehouse; put the change in a new numbered migration"
                )
            continue
        _in_transaction(
            con,
            mig.path.read_text(encoding="utf-8"),
            statement("record_migration", _SQL),
            [mig.version, mig.name, mig.sha256],
            what=f"migration {mig.path.name}",
        )
        done.append(mig.path.name)
    views = dict(con.execute(statement("applied_views", _SQL)).fetchall())
    for path in sorted((base / "views").glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        sha = hashlib.sha256(text.encode()).hexdigest()
        if views.get(path.name) == sha:
            continue
        _in_transaction(
            con,
            text,
            statement("record_view", _SQL),
            [path.name, sha],
            what=f"view file {path.name}",
        )
        done.append(path.name)
    return done


def _in_transaction(
    con: duckdb.DuckDBPyConnection, script: str, record: str, params: list[object], *, what: str
) -> None:
    con.begin()
    try:
        con.execute(script)
        con.execute(record, params)
        con.commit()
    except duckdb.Error as exc:
        con.rollback()
        raise WarehouseError(f"{what} failed: {exc}") from None
