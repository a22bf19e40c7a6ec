"""rows.insert writes what the ORM's save() writes, with one statement per call."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from redress.complaints import rows
from redress.complaints.held_rows import holding
from redress.complaints.models import Customer
from redress.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db
AT = datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=ZoneInfo("Asia/Shanghai"))  # a month end, to the microsecond


def stored(obj) -> dict:
    fresh = type(obj).objects.get(pk=obj.pk)
    return {k: v for k, v in model_to_dict(fresh).items() if k != "id"}


def test_a_customer_inserted_is_the_row_the_orm_saves():
    fields = dict(name="欧阳娜娜", phone="13800138000", email="na@example.com", account_number="310000000001",
                  language="zh-hans", created_at=AT)
    by_orm = Customer.objects.create(**fields)
    inserted = Customer(**{**fields, "account_number": "310000000002"})
    rows.insert(inserted)
    assert inserted.pk is not None and inserted.pk != by_orm.pk and not inserted._state.adding
    assert stored(inserted) == {**stored(by_orm), "account_number": "310000000002"}


def test_json_and_foreign_keys_survive_the_round_trip(org):
    payload = {"reference": "TS-2026-000001", "amount": str(Decimal("12000.50")), "names": ["张三", "O'Brien"]}
    by_orm = OutboxMessage.objects.create(kind="customer_message", to_staff=org.office, payload=payload, created_at=AT)
    inserted = OutboxMessage(kind="customer_message", to_staff=org.office, payload=payload, created_at=AT)
    rows.insert(inserted)
    assert stored(inserted) == stored(by_orm)
    assert OutboxMessage.objects.get(pk=inserted.pk).created_at == AT


def test_several_rows_go_in_one_statement_and_get_their_ids_in_order():
    people = [Customer(name=f"客户{i}", phone=f"1390000000{i}", created_at=AT) for i in range(3)]
    with CaptureQueriesContext(connection) as queries:
        rows.insert(*people)
    assert len([q for q in queries.captured_queries if q["sql"].startswith("INSERT")]) == 1
    assert [Customer.objects.get(pk=p.pk).name for p in people] == ["客户0", "客户1", "客户2"]


def test_a_row_with_its_id_given_keeps_it():
    given = Customer(pk=987654, name="预留编号", phone="13900000000", created_at=AT)
    rows.insert(given)
    assert Customer.objects.get(pk=987654).name == "预留编号"


def test_mixing_given_and_missing_ids_is_refused():
    with pytest.raises(ValueError, match="pks on all or none"):
        rows.insert(Customer(pk=5, name="a", created_at=AT), Customer(name="b", created_at=AT))


@pytest.mark.parametrize("held", [False, True], ids=["insert", "held-and-copied"])
def test_values_the_driver_cannot_take_as_they_are_are_prepared_by_their_field(org, held):
    """On PostgreSQL a value of a plain type goes to the driver as it is; anything else is
    prepared by its field, as save() would: a lazy translation, a text choice, a number
    given as text, a JSON column holding a string, and a whole number in a text column.
    The same for a row bulk intake holds and writes by COPY."""
    from django.utils.translation import gettext_lazy

    odd = dict(kind=OutboxMessage.Status.SENT, to_role=gettext_lazy("office"), to_address=12345,
               payload="只是一段文字", attempts="3", created_at=AT, last_error=True)
    by_orm = OutboxMessage.objects.create(**odd)
    inserted = OutboxMessage(**odd)
    if held:
        with transaction.atomic(), holding() as rows_held:
            rows.insert(inserted)
            rows_held.flush()
    else:
        rows.insert(inserted)
    assert stored(inserted) == stored(by_orm)
    again = OutboxMessage.objects.get(pk=inserted.pk)
    assert (again.kind, again.to_role, again.to_address, again.payload, again.attempts, again.last_error) == \
        ("sent", "office", "12345", "只是一段文字", 3, "True")
