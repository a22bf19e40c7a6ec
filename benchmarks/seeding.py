"""What the benchmark scripts share: pointing the process at a benchmark database and
deciding whether to reuse or wipe it (with a guard on its name), writing prepared rows fast on Django's own connection, and resetting id
sequences after ids were assigned by the script.

Imported by the scripts beside it (`python benchmarks/<script>.py` puts this folder on
sys.path), never by the application.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def guard(name: str, force: bool) -> None:
    if "bench" not in name.lower() and not force:
        sys.exit(
            f"refusing to wipe database {name!r}: its name does not contain 'bench' "
            "(pass --force-reset if you really mean it)"
        )


def reset_postgres(parts, force: bool) -> None:
    """Create the database named by the URL parts, or drop and recreate its schema."""
    import psycopg
    from psycopg import sql

    dbname = parts.path.lstrip("/")
    if not dbname:
        sys.exit("REDRESS_DATABASE_URL names no database")
    guard(dbname, force)
    admin_url = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
            print(f"created database {dbname}")
            return
    target_url = urlunsplit(("postgresql", parts.netloc, "/" + dbname, parts.query, ""))
    with psycopg.connect(target_url, autocommit=True) as conn:
        # Drops the ledger's append-only triggers and function with the tables.
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    print(f"reset database {dbname} (schema public dropped and recreated)")


def url_scheme(url: str) -> str:
    """'postgres' or 'sqlite' (exits on anything else)."""
    scheme = urlsplit(url).scheme.split("+")[0]
    if scheme in ("postgres", "postgresql", "pgsql"):
        return "postgres"
    if scheme == "sqlite":
        return "sqlite"
    sys.exit(f"REDRESS_DATABASE_URL={url!r}: only sqlite and postgres URLs are supported")


def sqlite_path(url: str) -> Path:
    path = urlsplit(url).path
    return Path(path[1:] if path.startswith("//") else path)


def wipe(url: str, force: bool) -> None:
    """Empty the database the URL names: PostgreSQL schema dropped, SQLite file deleted."""
    if url_scheme(url) == "postgres":
        reset_postgres(urlsplit(url), force)
        return
    path = sqlite_path(url)
    if str(path) not in ("", ":memory:") and path.exists():
        guard(path.name, force)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


ROOT = Path(__file__).resolve().parent.parent


def bench_database(prefix: str, force: bool) -> tuple[str, str]:
    """Set up this process for a benchmark on the database REDRESS_DATABASE_URL names (a
    SQLite file in REDRESS_DATA_DIR, a temporary directory by default, when none):
    the source on sys.path, Django's settings, DEBUG off, a persistent connection as a
    gunicorn worker keeps one. Exits unless the database's name holds "bench" (or
    `force`). Returns the URL and its scheme; Django is not set up yet."""
    sys.path.insert(0, str(ROOT / "src"))
    data_dir = os.environ.get("REDRESS_DATA_DIR") or tempfile.mkdtemp(prefix=f"redress-{prefix}-bench-")
    os.environ["REDRESS_DATA_DIR"] = data_dir
    url = os.environ.get("REDRESS_DATABASE_URL") or f"sqlite:///{data_dir}/{prefix}-bench.sqlite3"
    os.environ["REDRESS_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "redress.settings"
    os.environ.setdefault("REDRESS_DEBUG", "false")
    os.environ.setdefault("REDRESS_DB_CONN_MAX_AGE", "3600")
    scheme = url_scheme(url)
    guard(url.rsplit("/", 1)[-1] if scheme == "postgres" else sqlite_path(url).name, force)
    return url, scheme


def reuse_or_wipe(url: str, scheme: str, complaints: int, *, reuse: bool, force: bool) -> bool:
    """True when `reuse` was asked and the database holds exactly that many complaints
    (a seed that was stopped does not); otherwise the database is wiped for a new seed."""
    if reuse and seeded_count(url, scheme) == complaints:
        return True
    if reuse:
        print(f"--reuse: the database does not hold {complaints:,} seeded complaints; seeding afresh")
    wipe(url, force)
    return False


def seeded_count(url: str, scheme: str) -> int | None:
    """Complaints in the database, without Django (before deciding whether to wipe)."""
    try:
        if scheme == "postgres":
            import psycopg

            with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
                return conn.execute("SELECT count(*) FROM complaints_complaint").fetchone()[0]
        import sqlite3

        path = sqlite_path(url)
        if not path.exists():
            return None
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT count(*) FROM complaints_complaint").fetchone()[0]
    except Exception:  # no database, no table: nothing to reuse
        return None


def shown_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


def insert(connection, model, columns: list[str], rows: list) -> None:
    """Insert prepared rows in one transaction: COPY on PostgreSQL (executemany there
    costs a round trip per row), executemany on SQLite."""
    from django.db import transaction

    q = connection.ops.quote_name
    table, cols = q(model._meta.db_table), ", ".join(q(c) for c in columns)
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.executemany(
                f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})", rows
            )


def reset_sequences(connection, models: list) -> None:
    """After ids were assigned by the script, the next id the ORM takes follows them."""
    from django.core.management.color import no_style

    with connection.cursor() as cur:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cur.execute(statement)


@contextmanager
def secondary_indexes_dropped(connection, models: list):
    """Load big tables without maintaining their indexes row by row, then build each
    index once over the loaded rows (far quicker, above all for trigram GIN indexes).

    Only indexes that back no constraint are dropped (primary keys and unique
    constraints stay, so the load is still checked); each is recreated from its own
    stored definition, with the statistics target a migration set on its columns (an
    index's definition does not carry it: migration 0042's 300 sampled values of the
    searched texts were lost with every seed before 2026-12-07, so searches were planned
    from 100), so the schema afterwards is exactly what the migrations made."""
    tables = [m._meta.db_table for m in models]
    targets = []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
                "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
                [tables],
            )
            indexes = cur.fetchall()
            cur.execute("SELECT c.relname, a.attnum, a.attstattarget FROM pg_attribute a JOIN pg_class c "
                        "ON c.oid = a.attrelid WHERE c.relname = ANY(%s) AND a.attstattarget > 0",
                        [[name for name, _definition in indexes]])
            targets = cur.fetchall()
        else:
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({', '.join(['%s'] * len(tables))})",
                tables,
            )
            indexes = cur.fetchall()
        for name, _definition in indexes:
            cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield indexes
    finally:
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cur.execute(definition)
            for name, column, target in targets:
                cur.execute(f"ALTER INDEX {connection.ops.quote_name(name)} ALTER COLUMN {column} "
                            f"SET STATISTICS {target}")


@contextmanager
def foreign_keys_dropped(connection, models: list):
    """PostgreSQL checks each foreign key of each COPYed row with its own lookup; for
    millions of rows it is much quicker to drop the constraints and add them back, which
    checks every row in one pass per constraint (and still refuses a dangling id).
    SQLite checks at commit, cheaply: nothing to do there."""
    if connection.vendor != "postgresql":
        yield []
        return
    tables = [m._meta.db_table for m in models]
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        constraints = cur.fetchall()
        for table, name, _definition in constraints:
            cur.execute(f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}")
    try:
        yield constraints
    finally:
        with connection.cursor() as cur:
            for table, name, definition in constraints:
                cur.execute(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {definition}")


# ---- the machine, for the report ------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"
