"""The register's inquiries and cases without a unit, for a unit's handler, at a million
complaints (issue 12 item 1): the handler sees few of them, so a page walks the whole
list. Two partial indexes of the lists in id order, for the merge with the unit's work
orders (scope.visible_condition's `within`), on both databases; and on PostgreSQL the
receipt-order indexes of migration 0036 rebuilt to carry the columns the scope's rules
test (INCLUDE), so the walk reads no table rows. SQLite has no INCLUDE and keeps them as
they were. Each is built CONCURRENTLY under a new name, then takes the old one's place:
intake is not held up (113,000 and 50,000 rows at a million complaints, 1.5 s each)."""

from django.db import migrations, models

from redress.complaints.migration_indexes import replace_concurrently

# What selectors.scope.visible_condition reads on the complaint row: owner, first
# responder, intake desk, the unit links' columns, handler, the callback desk's states
# (migration 0044 adds the work-order flag to it; tests/complaints/selectors/test_scope.py
# holds the scope to that list).
SCOPE_COLUMNS = ("owner_id", "first_responder_id", "intake_unit_id", "responsible_unit_id", "branch_id",
                 "handler_id", "state")
CARRYING = {
    "complaint_inquiry_received": "kind = 'inquiry'",
    "complaint_no_unit_received": "responsible_unit_id IS NULL",
}


def _rebuild(schema_editor, include: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, where in CARRYING.items():
        replace_concurrently(schema_editor, name, "complaints_complaint", f"(received_at, id){include} WHERE {where}")


def carry(apps, schema_editor):
    _rebuild(schema_editor, f" INCLUDE ({', '.join(SCOPE_COLUMNS)})")


def uncarry(apps, schema_editor):
    _rebuild(schema_editor, "")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("complaints", "0037_return_covering_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(condition=models.Q(("kind", "inquiry")), fields=["id"], name="complaint_inquiry_id"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(condition=models.Q(("responsible_unit__isnull", True)), fields=["id"],
                               name="complaint_no_unit_id"),
        ),
        migrations.RunPython(carry, uncarry),
    ]
