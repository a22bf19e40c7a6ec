"""Customers get a random public id (issue 14: pages named them by the sequential pk,
which walked every customer), and the customer lookup gets its log.

The column is added empty, every existing customer gets its own random id, then the
column becomes unique and required: a default on AddField would give every existing
row the same value. PostgreSQL fills it in one UPDATE (gen_random_uuid, PostgreSQL 13+);
elsewhere in batches."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("UPDATE complaints_customer SET public_id = gen_random_uuid() WHERE public_id IS NULL")
        return
    Customer = apps.get_model("complaints", "Customer")
    while batch := list(Customer.objects.filter(public_id__isnull=True).only("pk")[:2000]):
        for customer in batch:
            customer.public_id = uuid.uuid4()
        Customer.objects.bulk_update(batch, ["public_id"])


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0028_remedies_waived_late'),
    ]

    operations = [
        migrations.AddField(
            model_name='customer',
            name='public_id',
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='customer',
            name='public_id',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.CreateModel(
            name='CustomerLookup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField()),
                ('via', models.CharField(default='web', max_length=10)),
                ('kind', models.CharField(choices=[('phone', '整个电话号码 Whole phone number'), ('account', '整个客户号 Whole account number'), ('name_digits', '姓名加尾号 Name and last four digits'), ('too_little', '不足以识别 Too little to identify')], max_length=12)),
                ('outcome', models.CharField(choices=[('answered', '已查询 Answered'), ('refused', '输入不足 Refused: too little typed'), ('throttled', '超过次数 Refused: over the limit')], max_length=10)),
                ('key_hash', models.CharField(max_length=64)),
                ('matches', models.PositiveIntegerField(default=0)),
                ('staff', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['staff', 'at'], name='customer_lookup_staff_at'), models.Index(fields=['key_hash', 'at'], name='customer_lookup_key_at'), models.Index(fields=['at'], name='customer_lookup_at')],
            },
        ),
    ]
