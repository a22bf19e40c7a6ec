"""On PostgreSQL, the complaints by id with the facts a return reads (migration 0037) now
also carry the due time: a dashboard's group (the office's "needs my action": 15,000
open cases at a million complaints) is ordered by it to show the eight due soonest, and
PostgreSQL read each case's whole row from the table for it (web/dashboard/views.py,
`_most_urgent`). The due time is in other indexes already, so an update that changes it
was never HOT and this costs no update more. Built CONCURRENTLY under a new name, then
takes the old one's place: intake is not held up, and the returns never go without."""

from django.db import migrations

NAME = "complaint_return_facts"
BEFORE = "(id) INCLUDE (kind, state, category, received_at, responsibility)"
AFTER = "(id) INCLUDE (kind, state, category, received_at, responsibility, due_at)"


def _rebuild(schema_editor, definition: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}_new")
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY {NAME}_new ON complaints_complaint {definition}")
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")
    schema_editor.execute(f"ALTER INDEX {NAME}_new RENAME TO {NAME}")


def carry(apps, schema_editor):
    _rebuild(schema_editor, AFTER)


def uncarry(apps, schema_editor):
    _rebuild(schema_editor, BEFORE)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("complaints", "0039_period_tally_compaction_mark"),
    ]

    operations = [
        migrations.RunPython(carry, uncarry),
    ]
