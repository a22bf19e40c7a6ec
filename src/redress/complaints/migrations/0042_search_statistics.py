"""On PostgreSQL, the statistics of the words a search looks for: the trigram indexes'
expressions (UPPER(subject), UPPER(cause); migration 0004) are sampled at 300 values, not
the default 100.

PostgreSQL guesses how many complaints hold a word by testing it against the sampled
values. With 100 of them, a word in 3 % of the complaints (提前还款: 30,666 of a million)
is in about three, and one ANALYZE in several found it in none: the guess fell to a few
hundred, and the search read and sorted every one of its 30,666 matches for a page of
25 (223-286 ms) instead of walking the newest complaints until it had them (9 ms).
Measured on that database, three ANALYZEs each: 提前还款 guessed 19,775-29,872 at 100
values but 96-10,204 for 理财产品 (4,072 hold it); at 300 values 13,990-35,128 and
381-4,200. The price: planning a search reads the 300 values (3-7 ms a query, against
10 at 1,000 values), and ANALYZE of the complaint table takes longer (12-15 s at a
million; 44 s at 1,000 values)."""

from django.db import migrations

INDEXES = ("complaint_subject_trgm", "complaint_cause_trgm")
SAMPLED = 300


def _sample(schema_editor, target: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite searches with LIKE: no plan to choose
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} ALTER COLUMN 1 SET STATISTICS {target}")
    schema_editor.execute("ANALYZE complaints_complaint")  # the new sample now, not at the next autovacuum


def forwards(apps, schema_editor):
    _sample(schema_editor, SAMPLED)


def backwards(apps, schema_editor):
    _sample(schema_editor, -1)  # the server's default_statistics_target


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0041_received_index_holds_the_scope"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
