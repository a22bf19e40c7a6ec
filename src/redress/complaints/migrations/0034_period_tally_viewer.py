"""The statistics' period tallies get a row set per viewing unit (PeriodTally.viewer:
the units whose head sees the complaint), so a branch head's statistics are read from
them too. A database with complaints has none of those rows yet: its tallies stay
complete for the institution, and the viewers' are marked incomplete (the branch
statistics count the rows) until `redress tallies --rebuild`."""

import django.db.models.deletion
from django.db import migrations, models


def viewers_incomplete_if_complaints(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    State = apps.get_model("complaints", "PeriodTallyState")
    if Complaint.objects.exists():
        State.objects.update(viewers=False)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0033_remedy_reminded"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="periodtally",
            name="period_tally_span_day",
        ),
        migrations.AddField(
            model_name="periodtally",
            name="viewer",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="complaints.orgunit",
            ),
        ),
        migrations.AddField(
            model_name="periodtallystate",
            name="viewers",
            field=models.BooleanField(default=True),
        ),
        migrations.RunPython(viewers_incomplete_if_complaints, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="periodtally",
            index=models.Index(
                fields=["viewer", "span", "basis", "day"], name="period_tally_viewer_day"
            ),
        ),
    ]
