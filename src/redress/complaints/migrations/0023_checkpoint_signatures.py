"""Checkpoints are signed with a key outside the database (ledger_key.py); the
signatures' table is append-only like the rest of the ledger, and on PostgreSQL every
ledger table now refuses TRUNCATE as well (ledger_guard)."""

import django.db.models.deletion
from django.db import migrations, models

from redress.complaints import ledger_guard


def forwards(apps, schema_editor):
    ledger_guard.install(schema_editor, schema_editor.connection.vendor, ledger_guard.TABLES)


def backwards(apps, schema_editor):
    # Back to the guard of 0002: UPDATE and DELETE refused on the three tables it knew.
    vendor = schema_editor.connection.vendor
    ledger_guard.remove(schema_editor, vendor, ledger_guard.TABLES)
    ledger_guard.install(schema_editor, vendor, ledger_guard.TABLES[:3])
    if vendor == "postgresql":
        for table in ledger_guard.TABLES[:3]:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}", None)


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0022_imported_dates_estimated'),
    ]

    operations = [
        migrations.CreateModel(
            name='CheckpointSignature',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key_id', models.CharField(max_length=16)),
                ('signature', models.CharField(max_length=88)),
                ('checkpoint', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='signature', to='complaints.ledgercheckpoint')),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
