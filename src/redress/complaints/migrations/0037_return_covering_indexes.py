"""On PostgreSQL, indexes that let a regulator return's two large counts (returns/compute.py:
the complaints received in the period, those whose `closed_when` clock stopped in it, each
by its first product and category) read indexes alone instead of the complaint table
(about 1 GB at a million complaints, every row with its subject and cause; PostgreSQL's
buffers hold an eighth of it): the DISP return at a million complaints went from ~1.8 s of
database CPU (parallel query off) to ~1.0 s, the same figures (benchmarks/README.md,
returns.py).

- the receiving index (0024's `complaint_received_kind`, which the statistics' trend
  reads) now also holds the state and the category: replaced, so the complaint table keeps
  the same number of indexes;
- the complaints by id with the facts a return reads of a closed one (kind, state,
  category, received, responsibility: DISP's "upheld"), for the join from the stopped clocks;
- the clocks stopped, by code and moment, with their complaint;
- the product parties by complaint and id with the product: the first product a complaint
  names (a return's `product` rows) is one index probe, not a read and sort of its parties.

A complaint written costs an entry more in the second; the responsibility, which no
index held before, is set with the move to approved (handling.resolution_decide), a
state change that rewrites the state's indexes anyway, so no update that was HOT stops
being so. A clock stopped costs an entry in the third. SQLite reads its (much smaller)
tables instead: it has no INCLUDE."""

from django.db import migrations

from redress.complaints.migration_indexes import create_concurrently, drop_concurrently

INDEXES = {
    "complaint_received_facts": ("complaints_complaint", "(received_at) INCLUDE (kind, id, state, category)"),
    "complaint_return_facts": ("complaints_complaint", "(id) INCLUDE (kind, state, category, received_at, responsibility)"),
    "clock_stopped_code": ("complaints_complaintclock", "(code, stopped_at) INCLUDE (complaint_id) WHERE status = 'stopped'"),
    "party_first_product": ("complaints_complaintparty", "(complaint_id, id) INCLUDE (product) WHERE kind = 'product'"),
}
REPLACED = {"complaint_received_kind": ("complaints_complaint", "(received_at) INCLUDE (kind, id)")}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    create_concurrently(schema_editor, INDEXES)
    drop_concurrently(schema_editor, REPLACED)  # after its successor exists: the statistics' trend never goes without


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    create_concurrently(schema_editor, REPLACED)
    drop_concurrently(schema_editor, INDEXES)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("complaints", "0036_pages_at_a_million_indexes"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
