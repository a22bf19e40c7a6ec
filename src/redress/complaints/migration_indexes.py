"""The indexes that PostgreSQL-only migrations write in SQL (INCLUDE columns, which
Django's Index cannot say), built and dropped CONCURRENTLY: on a database in use,
building one must not hold up intake. Their migrations set `atomic = False`."""

from __future__ import annotations


def create_concurrently(schema_editor, indexes: dict[str, tuple[str, str]]) -> None:
    """`indexes`: name -> (table, definition after the table name)."""
    for name, (table, definition) in indexes.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} {definition}")


def drop_concurrently(schema_editor, names) -> None:
    for name in names:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


def replace_concurrently(schema_editor, name: str, table: str, definition: str) -> None:
    """Build index `name` anew under a temporary name, then let it take the old one's
    place: the old index serves until its successor exists."""
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}_new")
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY {name}_new ON {table} {definition}")
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    schema_editor.execute(f"ALTER INDEX {name}_new RENAME TO {name}")
