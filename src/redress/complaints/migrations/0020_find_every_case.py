"""Every case can be found (issue 12): a customer by their whole phone number however it
was written (an index on the phone without separators, both databases), and a complaint
by a piece of its reference number (a trigram index on PostgreSQL; SQLite reads the
references, a short column, with LIKE)."""

from django.db import migrations, models

import redress.complaints.models.complaint

# Exactly what Django's `contains` lookup emits on PostgreSQL, so the planner matches it.
REFERENCE_TRIGRAMS = ("complaint_reference_trgm", "complaints_complaint", '("reference"::text)')


def reference_trigrams(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    name, table, expression = REFERENCE_TRIGRAMS
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} gin_trgm_ops)")


def drop_reference_trigrams(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {REFERENCE_TRIGRAMS[0]}")


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0019_clock_breached_at_day_tally_late'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='customer',
            index=models.Index(redress.complaints.models.complaint.PhoneKey(), name='customer_phone_key'),
        ),
        migrations.RunPython(reference_trigrams, drop_reference_trigrams),
    ]
