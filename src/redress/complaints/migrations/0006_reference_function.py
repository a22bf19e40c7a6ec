"""One round trip per reference number on PostgreSQL: the function takes the next value
of the year's sequence and creates the sequence on the year's first intake (two first
intakes racing both end up using the one sequence)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION redress_next_reference(seq_name text) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN nextval(seq_name::regclass);
EXCEPTION WHEN undefined_table THEN
    BEGIN
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %%I', seq_name);  -- %% for the driver's placeholders
    EXCEPTION WHEN unique_violation OR duplicate_table THEN
        NULL;  -- another transaction created it a moment ago
    END;
    RETURN nextval(seq_name::regclass);
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS redress_next_reference(text);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0005_clock_stopped_at")]
    operations = [migrations.RunPython(create, drop)]
