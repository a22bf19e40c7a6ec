"""On PostgreSQL, indexes for the period statistics (reports/statistics.py) that hold
every column two of its counts read, so those are read from the index alone, not from
the table of a million complaints (800 MB: every row has its subject and cause): the
receiving trend and the open at each period's end. And a small one of the complaints
with a root cause. A complaint written costs an entry more in each (a closing rewrites
the second; closed_at was indexed already). SQLite reads its (much smaller) table
instead: it has no INCLUDE."""

from django.db import migrations

INDEXES = {
    # The receiving trend: a quarter's complaints by day.
    "complaint_received_kind": "(received_at) INCLUDE (kind, id)",
    # Open at each end: the complaints closed since the first end and received before the last.
    "complaint_closed_received": "(closed_at) INCLUDE (received_at, kind, id) WHERE closed_at IS NOT NULL",
    # Root causes: the few complaints with one (set when archived), not every closed one.
    "complaint_root_cause_closed": "(closed_at) WHERE root_cause <> ''",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        # CONCURRENTLY: on a database in use, building them must not hold up intake.
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON complaints_complaint {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ('complaints', '0023_checkpoint_signatures'),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
