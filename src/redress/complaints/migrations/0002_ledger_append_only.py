"""Make the ledger tables append-only at the database (see redress.complaints.ledger_guard)."""

from django.db import migrations

from redress.complaints import ledger_guard

# The tables as they were then: the signatures' table comes in 0022, which guards it.
TABLES = ("complaints_event", "complaints_ledgercheckpoint", "complaints_checkpointentry")


def forwards(apps, schema_editor):
    ledger_guard.install(schema_editor, schema_editor.connection.vendor, TABLES)


def backwards(apps, schema_editor):
    ledger_guard.remove(schema_editor, schema_editor.connection.vendor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
