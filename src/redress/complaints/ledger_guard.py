"""The ledger tables refuse UPDATE and DELETE at the database (DESIGN rule 2), and on
PostgreSQL TRUNCATE too (a statement trigger: TRUNCATE fires no row triggers; SQLite has
no TRUNCATE, and its DELETE without WHERE fires the row triggers), so even code that
bypasses the services, or a person at a SQL prompt, cannot quietly rewrite history.
Undoing this needs DDL rights (or a superuser's session_replication_role = replica) and
leaves `redress verify` and the signed checkpoints (ledger_key.py) to catch the rest.

Installed by migration 0002 (TRUNCATE and the signatures' table: 0022); removed only by `redress demo --reset`, which rebuilds a
demo database from nothing and puts the guard straight back.
"""

from __future__ import annotations

TABLES = ("complaints_event", "complaints_ledgercheckpoint", "complaints_checkpointentry",
          "complaints_checkpointsignature")
# Append-only tables of other apps, each guarded by its own app's migration under the
# same rule (the regulator returns as produced: reports 0002).
OTHER_TABLES = ("reports_returnproduction",)
ALL_TABLES = TABLES + OTHER_TABLES  # what a wipe (demo --reset, a live server's flush) lifts and restores

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION redress_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _statements(vendor: str, install: bool, tables: tuple[str, ...]) -> list[str]:
    sql: list[str] = []
    if vendor == "postgresql":
        if install:
            sql.append(PG_FUNCTION)
        for table in tables:
            sql.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            sql.append(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            if install:
                sql.append(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                           "FOR EACH ROW EXECUTE FUNCTION redress_ledger_append_only()")
                sql.append(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                           "FOR EACH STATEMENT EXECUTE FUNCTION redress_ledger_append_only()")
    elif vendor == "sqlite":
        for table in tables:
            for op in ("UPDATE", "DELETE"):
                sql.append(f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()}")
                if install:
                    sql.append(f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} BEGIN "
                               f"SELECT RAISE(ABORT, 'the ledger is append-only: {op} on {table} refused'); END")
    return sql


def install(schema_editor_or_cursor, vendor: str, tables: tuple[str, ...] = TABLES) -> None:
    for statement in _statements(vendor, install=True, tables=tables):
        _run(schema_editor_or_cursor, statement)


def remove(schema_editor_or_cursor, vendor: str, tables: tuple[str, ...] = TABLES) -> None:
    for statement in _statements(vendor, install=False, tables=tables):
        _run(schema_editor_or_cursor, statement)


def _run(target, statement: str) -> None:
    # params=None: the PL/pgSQL body holds '%' placeholders of its own.
    target.execute(statement, None)
