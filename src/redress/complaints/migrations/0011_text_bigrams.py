"""On PostgreSQL, an index of the two-character pieces of each complaint's subject and
cause, for searches of two characters: most Chinese words are two characters long, and
the trigram indexes (0004) cannot serve a query shorter than three. A two-character
search is then an index lookup (`redress_bigrams(subject, cause) @> ARRAY['理财']`,
then LIKE on the few rows found) instead of reading the list until a page of matches
turns up, which for a rare word meant the whole list."""

from django.db import migrations

# The pairs within each text (not across the two) that hold a character beyond ASCII:
# the index is for Chinese two-character words, and a text with none (an English
# complaint) adds nothing to it; two ASCII letters are searched without it. Upper-cased
# like the trigram indexes. IMMUTABLE: an index may only use such. A loop over the
# characters, because substr(t, i, 2) on multi-byte text walks from the start each
# time: an SQL version with it took 43 ms for a 4,000-character complaint (this takes
# about 1 ms, 40 µs for a typical one), and a create or any change of the row pays it.
FUNCTION = r"""
CREATE OR REPLACE FUNCTION redress_bigrams(a text, b text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  pairs text[] := '{}';
  prev text;
  c text;
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[upper(coalesce(a, '')), upper(coalesce(b, ''))] LOOP
    CONTINUE WHEN t !~ '[^\x01-\x7F]';
    prev := NULL;
    FOREACH c IN ARRAY string_to_array(t, NULL) LOOP
      IF prev IS NOT NULL AND (ascii(prev) > 127 OR ascii(c) > 127) THEN
        pairs := pairs || (prev || c);
      END IF;
      prev := c;
    END LOOP;
  END LOOP;
  RETURN pairs;
END
$$
"""


def bigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite reads the (much smaller) embedded data with LIKE
    schema_editor.execute(FUNCTION)
    # CONCURRENTLY: on a database in use, building it (5½ minutes for a million
    # complaints on two cores) must not hold up intake and handling meanwhile.
    schema_editor.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS complaint_text_bigrams ON complaints_complaint "
                          "USING gin (redress_bigrams(subject, cause))")


def drop_bigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS complaint_text_bigrams")
    schema_editor.execute("DROP FUNCTION IF EXISTS redress_bigrams(text, text)")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ('complaints', '0010_day_tally'),
    ]

    operations = [
        migrations.RunPython(bigram_index, drop_bigram_index),
    ]
