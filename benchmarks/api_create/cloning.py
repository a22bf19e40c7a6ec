"""Background rows for a benchmark database: one real row, copied N times in SQL.

Both systems start a run with the same number of existing rows (100,000 by default,
as the reference figures were taken), so their indexes, including Redress's trigram
GIN indexes, have the size they would have in service. Copying with INSERT ... SELECT
generate_series takes seconds where the ORM would take minutes. Used by both setup
scripts (each in its own virtualenv), so it needs nothing but a DB-API cursor.
"""

from __future__ import annotations


def clone_rows(cursor, table: str, template_id: int, count: int, overrides: dict[str, str],
               columns: list[str], params: tuple = ()) -> None:
    """Insert `count` copies of row `template_id` of `table`. `overrides` maps a column
    to an SQL expression that may use `g` (1..count), `t` (the template row) and `%s`
    placeholders, filled from `params` in the order the overridden columns appear."""
    if count <= 0:
        return
    names = [c for c in columns if c != "id"]
    rebuilt = _drop_secondary_indexes(cursor, table)
    select = [overrides.get(c, f't."{c}"') for c in names]
    cursor.execute(
        f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in names)}) '
        f'SELECT {", ".join(select)} FROM "{table}" t, generate_series(1, %s) g WHERE t.id = %s',
        [*params, count, template_id],
    )
    cursor.execute("SET maintenance_work_mem = '256MB'")
    for definition in rebuilt:
        cursor.execute(definition)
    cursor.execute(f'ANALYZE "{table}"')


def _drop_secondary_indexes(cursor, table: str) -> list[str]:
    """Drop the table's non-unique indexes and return their definitions: building an
    index once after the copy is many times faster than maintaining it row by row
    (a trigram GIN index on long texts above all)."""
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
        "AND NOT x.indisunique AND NOT x.indisprimary", [table])
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def model_columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]
