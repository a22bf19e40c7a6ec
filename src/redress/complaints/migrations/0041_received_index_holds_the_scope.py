"""On PostgreSQL, the receiving index (0037's `complaint_received_facts`: received, with
kind, id, state and category) also holds the columns a person's scope tests on each row
(scope.visible_condition: owner, first responder, responsible unit, branch, handler,
intake unit). The register walks it newest first, testing each row against the scope
and its filter, until it has a page and its count; with the scope in the index that walk
reads the index alone instead of a complaint row (about 1 kB each) per entry: a branch
head's `/register/?compensated=yes` walks 58,000 entries for its 201 matches, 36 → 20 ms
of database at a million complaints (benchmarks/README.md). The regulator returns and
the statistics' trend read it as before (its columns are a subset).

Replaced, not added: the complaint table keeps the same number of indexes. Every column
added is a foreign key Django already indexes, so an update that was HOT stays HOT."""

from django.db import migrations

from redress.complaints.migration_indexes import create_concurrently, drop_concurrently

NEW = {"complaint_received_scope": ("complaints_complaint", "(received_at) INCLUDE (kind, id, state, category, "
                                    "owner_id, first_responder_id, responsible_unit_id, branch_id, handler_id, "
                                    "intake_unit_id)")}
OLD = {"complaint_received_facts": ("complaints_complaint", "(received_at) INCLUDE (kind, id, state, category)")}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        create_concurrently(schema_editor, NEW)
        drop_concurrently(schema_editor, OLD)  # after its successor exists: the returns never go without


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        create_concurrently(schema_editor, OLD)
        drop_concurrently(schema_editor, NEW)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("complaints", "0040_remedy_escalated"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
