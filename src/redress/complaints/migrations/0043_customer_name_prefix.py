"""On PostgreSQL, the customers' names in an index that serves a prefix (`name LIKE
'崔%'`, a surname) and carries the id: the customers with a surname are read from the
index alone (7,000 of 700,000: 36 pages, 3 ms).

A search by a surname beside a state sifts a list window by window and tests each row's
customer (worklists._surname). Without such an index that test was a probe of the
customer's row for every complaint walked (9,276 probes, 37,000 pages, 135 ms a window
at a million complaints); with it PostgreSQL reads the surname's customers once and
tests each row against them in a hash (30 ms). The plain index on `name` (exact names)
cannot serve a prefix: it sorts by the database's collation, not by bytes. Built
CONCURRENTLY: intake goes on meanwhile (700,000 customers: 1.4 s)."""

from django.db import migrations

from redress.complaints.migration_indexes import create_concurrently, drop_concurrently

INDEXES = {"customer_name_prefix": ("complaints_customer", "(name varchar_pattern_ops) INCLUDE (id)")}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # SQLite has neither the opclass nor the hash
        create_concurrently(schema_editor, INDEXES)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        drop_concurrently(schema_editor, INDEXES)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("complaints", "0042_search_statistics"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
