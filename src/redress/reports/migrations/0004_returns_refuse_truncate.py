"""Returns as produced refuse TRUNCATE on PostgreSQL, as the ledger does (complaints
0022; ledger_guard installs the statement trigger beside the row trigger)."""

from django.db import migrations

from redress.complaints import ledger_guard


def guard(apps, schema_editor):
    ledger_guard.install(schema_editor, schema_editor.connection.vendor, ledger_guard.OTHER_TABLES)


def truncate_allowed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in ledger_guard.OTHER_TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}", None)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_return_productions")]
    operations = [migrations.RunPython(guard, truncate_allowed)]
