"""Complaint.orders_elsewhere: a work order of the complaint went to a unit other than
its responsible unit, or names a person other than its handler. The scope probes a
row's work orders only when it is set (selectors/scope.visible_condition): a handler's
deadline counts re-checked the 7,700 cases due before tomorrow outside their unit's
columns with two probes each, at a million complaints, where a few percent of cases
ever had a work order elsewhere (a unit that sent it back, a handler replaced).

The column is added with a constant default (no table rewrite on PostgreSQL 11 and
later), then set on the complaints that need it, found by reading every work order
with its complaint's two columns (the rule of scope.has_orders_elsewhere, restated
here: a migration keeps the rule it was written with). On PostgreSQL the indexes a list
walks to its end reading no table rows (migrations 0038 and 0041) are rebuilt to carry
the flag too, CONCURRENTLY, each under a new name before it takes the old one's place."""

from django.db import migrations, models

from redress.complaints.migration_indexes import replace_concurrently

# What selectors.scope.visible_condition reads on the complaint row (migration 0038's
# list and the flag; tests/complaints/selectors/test_scope.py holds the scope to it).
SCOPE_COLUMNS = ("owner_id", "first_responder_id", "intake_unit_id", "responsible_unit_id", "branch_id",
                 "handler_id", "state", "orders_elsewhere")
CARRYING = {
    "complaint_inquiry_received": "kind = 'inquiry'",
    "complaint_no_unit_received": "responsible_unit_id IS NULL",
}
RECEIVED = ("(received_at) INCLUDE (kind, id, state, category, owner_id, first_responder_id, responsible_unit_id, "
            "branch_id, handler_id, intake_unit_id{})")


def _rebuild(schema_editor, columns, flag: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    table = "complaints_complaint"
    for name, where in CARRYING.items():
        replace_concurrently(schema_editor, name, table, f"(received_at, id) INCLUDE ({', '.join(columns)}) WHERE {where}")
    replace_concurrently(schema_editor, "complaint_received_scope", table, RECEIVED.format(flag))


def carry(apps, schema_editor):
    _rebuild(schema_editor, SCOPE_COLUMNS, ", orders_elsewhere")


def uncarry(apps, schema_editor):
    _rebuild(schema_editor, SCOPE_COLUMNS[:-1], "")


def mark(apps, schema_editor):
    Assignment = apps.get_model("complaints", "Assignment")
    Complaint = apps.get_model("complaints", "Complaint")
    elsewhere = set()
    orders = Assignment.objects.values_list("complaint_id", "unit_id", "handler_id", "complaint__responsible_unit_id",
                                            "complaint__handler_id")
    for complaint_id, unit_id, handler_id, responsible_id, complaint_handler_id in orders.iterator(chunk_size=20000):
        if unit_id != responsible_id or (handler_id is not None and handler_id != complaint_handler_id):
            elsewhere.add(complaint_id)
    ids = sorted(elsewhere)
    for start in range(0, len(ids), 5000):
        Complaint.objects.filter(pk__in=ids[start:start + 5000]).update(orders_elsewhere=True)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("complaints", "0043_customer_name_prefix"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="orders_elsewhere",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark, migrations.RunPython.noop),
        migrations.RunPython(carry, uncarry),
    ]
