"""Reports owed to authorities become tasks (complaints.models.AuthorityReport).

Before this, a report owed to the police or a regulator was an outbox row addressed to
the authority, logged and marked sent: nothing says whether anyone made it. Each such
row becomes an open task, due when the row was written (the reports were owed at once),
so the office sees them and records the ones made with their receipts; one per
complaint and authority, with every reason the rows gave."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    outbox = apps.get_model("notify", "OutboxMessage")
    report = apps.get_model("complaints", "AuthorityReport")
    tasks = {}
    rows = (outbox.objects.exclude(to_authority="").filter(complaint__isnull=False)
            .order_by("created_at", "id").values("complaint_id", "to_authority", "payload", "created_at"))
    for row in rows.iterator():
        payload = row["payload"] or {}
        reason = ({"source": "trigger", "code": payload["trigger"]} if payload.get("trigger") else
                  {"source": "category_step", "code": payload.get("step", "")})
        key = (row["complaint_id"], row["to_authority"])
        task = tasks.setdefault(key, report(complaint_id=key[0], authority=key[1], kind="report", reasons=[],
                                            created_at=row["created_at"], due_at=row["created_at"]))
        if reason not in task.reasons:
            task.reasons.append(reason)
    report.objects.bulk_create(tasks.values(), batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0015_calendar_recompute"),
        ('notify', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuthorityReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('authority', models.CharField(max_length=40)),
                ('kind', models.CharField(choices=[('report', 'Report'), ('reply', 'Reply')], default='report', max_length=10)),
                ('reasons', models.JSONField(default=list)),
                ('created_at', models.DateTimeField()),
                ('due_at', models.DateTimeField()),
                ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done')], default='open', max_length=10)),
                ('overdue_at', models.DateTimeField(blank=True, null=True)),
                ('escalated_at', models.DateTimeField(blank=True, null=True)),
                ('escalates_at', models.DateTimeField(blank=True, null=True)),
                ('reported_at', models.DateTimeField(blank=True, null=True)),
                ('how', models.CharField(blank=True, choices=[('in_person', 'In Person'), ('phone', 'Phone'), ('written', 'Written'), ('online', 'Online'), ('email', 'Email'), ('other', 'Other')], max_length=12)),
                ('receipt', models.CharField(blank=True, max_length=100)),
                ('no_receipt_reason', models.CharField(blank=True, max_length=300)),
                ('note', models.TextField(blank=True)),
                ('recorded_at', models.DateTimeField(blank=True, null=True)),
                ('complaint', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='authority_reports', to='complaints.complaint')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['status', 'due_at'], name='authority_report_due')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('complaint', 'authority', 'kind'), name='authority_report_one_open')],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
