"""Make the ledger tables append-only at the database (see redress.complaints.ledger_guard)."""

from django.db import migrations

from redress.complaints import ledger_guard


def forwards(apps, schema_editor):
    ledger_guard.install(schema_editor, schema_editor.connection.vendor)


def backwards(apps, schema_editor):
    ledger_guard.remove(schema_editor, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
