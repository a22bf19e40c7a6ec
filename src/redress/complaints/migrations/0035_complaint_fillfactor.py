"""Room on each page of the complaint table for the row's next version (issue 15 item 6).

A complaint row is rewritten by every step of its handling and by each sweep that
records on it (a late clock, a reminder: the version, the ledger's head). PostgreSQL can
write the new version on the same page without touching any index (a HOT update) only
when the page has room and no indexed column changed; with the default fillfactor of 100
the pages a seed, an import or a day's intake fill are full, so every update inserted a
new entry in each of the table's 36 indexes, the four GIN text indexes among them
(trigram and bigram extraction of the subject and the cause, again for each version).
At 80 % a page of ~10 complaints keeps ~1.6 kB for new versions; pruning frees the old
ones. Applies to pages written from now on; `VACUUM FULL complaints_complaint` (or
pg_repack) rewrites the existing ones at once. SQLite: nothing to do.
"""

from django.db import migrations

FILLFACTOR = 80


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE complaints_complaint SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE complaints_complaint RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0034_period_tally_viewer"),
    ]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
