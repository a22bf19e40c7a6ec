"""Worklists: the complaint's soonest running due time as a column, the indexes the
lists sort and filter on, and on PostgreSQL trigram indexes for substring search
(Chinese included: pg_trgm treats CJK characters as word characters under UTF-8)."""

from django.db import migrations, models

# Each expression is exactly what Django's icontains / contains lookups emit, so the
# planner matches it: UPPER("col"::text) LIKE UPPER('%...%').
TRIGRAM_INDEXES = [
    ("complaint_subject_trgm", "complaints_complaint", 'UPPER("subject"::text)'),
    ("complaint_cause_trgm", "complaints_complaint", 'UPPER("cause"::text)'),
    ("customer_name_trgm", "complaints_customer", 'UPPER("name"::text)'),
    ("customer_phone_trgm", "complaints_customer", '("phone"::text)'),
    ("customer_account_trgm", "complaints_customer", '("account_number"::text)'),
]


def backfill_due_at(apps, schema_editor):
    # One statement for any number of rows, the same SQL on both databases.
    schema_editor.execute(
        "UPDATE complaints_complaint SET due_at = (SELECT MIN(k.due_at) FROM complaints_complaintclock k "
        "WHERE k.complaint_id = complaints_complaint.id AND k.status = 'running')"
    )


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite searches with LIKE over the (much smaller) embedded data
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in TRIGRAM_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} gin_trgm_ops)")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0003_calendar_day'),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='due_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['due_at', 'id'], name='complaint_due'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['responsible_unit', 'due_at'], name='complaint_unit_due'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['handler', 'state'], name='complaint_handler_state'),
        ),
        migrations.AddIndex(
            model_name='complaintclock',
            index=models.Index(condition=models.Q(('breached', True), ('status', 'running')), fields=['complaint'], name='clock_running_breached'),
        ),
        migrations.AddIndex(
            model_name='extension',
            index=models.Index(condition=models.Q(('status', 'requested')), fields=['complaint'], name='extension_requested'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['complaint'], name='proposal_pending'),
        ),
        migrations.RunPython(backfill_due_at, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
