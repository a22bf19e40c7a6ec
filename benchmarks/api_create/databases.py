"""Each run starts from a fresh copy of a database seeded once (CREATE DATABASE ...
TEMPLATE): building 100,000 rows and their trigram index takes minutes on this machine,
copying the files takes seconds, and every run then starts from identical rows."""

from __future__ import annotations

import sys

import psycopg
from psycopg import sql

ADMIN = "postgresql://postgres@127.0.0.1/postgres"


def guard(name: str) -> None:
    if "bench" not in name:
        sys.exit(f"refusing to touch database {name!r}: its name does not contain 'bench'")


def _drop(conn, name: str) -> None:
    conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                 "AND pid <> pg_backend_pid()", [name])
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def recreate(name: str, template: str | None = None, admin: str = ADMIN) -> None:
    """Drop `name` and create it again, empty or as a copy of `template`."""
    guard(name)
    with psycopg.connect(admin, autocommit=True) as conn:
        _drop(conn, name)
        if template is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        else:
            guard(template)
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                          sql.Identifier(template)))


def drop(name: str, admin: str = ADMIN) -> None:
    guard(name)
    with psycopg.connect(admin, autocommit=True) as conn:
        _drop(conn, name)


def query(name: str, statement: str, params=()) -> list[tuple]:
    with psycopg.connect(f"postgresql://postgres@127.0.0.1/{name}", autocommit=True) as conn:
        return conn.execute(statement, params).fetchall()


def execute(name: str, statement: str) -> None:
    with psycopg.connect(f"postgresql://postgres@127.0.0.1/{name}", autocommit=True) as conn:
        conn.execute(statement)
