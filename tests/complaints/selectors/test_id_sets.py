"""selectors.id_sets: a set of ids read once stands for the rows it names, whatever the
database, negated, empty, or inside another query."""

from __future__ import annotations

import pytest
from django.db.models import F, Q

from redress.complaints.models import Complaint
from redress.complaints.selectors.id_sets import InTexts, among, known_size
from tests.conftest import at


@pytest.fixture
def three(org, walk):
    return [walk(at(2026, 3, day)).c for day in (2, 3, 4)]


def refs(qs) -> set[str]:
    return set(qs.values_list("reference", flat=True))


def test_the_condition_holds_exactly_the_ids_given(three):
    first, second, third = three
    assert refs(Complaint.objects.filter(among([first.pk, third.pk]))) == {first.reference, third.reference}
    assert refs(Complaint.objects.exclude(among([first.pk, third.pk]))) == {second.reference}


def test_no_ids_hold_no_rows_and_exclude_none(three):
    assert refs(Complaint.objects.filter(among([]))) == set()
    assert refs(Complaint.objects.exclude(among([]))) == {c.reference for c in three}


def test_a_query_of_ids_is_read_once_when_the_condition_is_made(three, walk):
    condition = among(Complaint.objects.values_list("pk", flat=True))
    later = walk(at(2026, 3, 5)).c  # after the reading: the set stays as read
    assert refs(Complaint.objects.filter(condition)) == {c.reference for c in three}
    assert later.reference in refs(Complaint.objects.exclude(condition))


def test_the_condition_works_inside_another_query_under_its_alias(three):
    first, second, _ = three
    inner = Complaint.objects.filter(among([first.pk, second.pk])).values("pk")
    assert refs(Complaint.objects.filter(pk__in=inner)) == {first.reference, second.reference}
    assert refs(Complaint.objects.filter(pk__in=inner.union(Complaint.objects.filter(among([])).values("pk")))) \
        == {first.reference, second.reference}


def test_the_size_of_a_set_alone_is_known_without_asking_and_equals_its_count(three, django_assert_num_queries):
    first, second, _ = three
    alone = Complaint.objects.filter(among([first.pk, second.pk, first.pk]))
    with django_assert_num_queries(0):
        assert known_size(alone) == 2
    assert known_size(Complaint.objects.filter(among([]))) == 0
    assert known_size(alone) == alone.count()


def test_the_size_is_asked_of_the_database_once_anything_else_narrows_the_set(three):
    first, second, _ = three
    ids = [first.pk, second.pk]
    for narrowed in (Complaint.objects.filter(among(ids), state="closed"),  # another condition
                     Complaint.objects.exclude(among(ids)),  # the rest of the table
                     Complaint.objects.filter(among(ids, field="customer_id")),  # not the rows' own ids
                     Complaint.objects.filter(among(ids), customer__name="欧文"),  # a join
                     Complaint.objects.filter(Q(InTexts(F("reference"), [first.reference]))),  # texts, not ids
                     Complaint.objects.filter(among(ids))[:1]):  # a slice
        assert known_size(narrowed) is None


def test_texts_hold_exactly_the_rows_whose_value_is_one_of_them_whatever_they_hold(three):
    # InTexts sends the texts as one array literal on PostgreSQL: quotes, backslashes,
    # commas, braces and the word NULL are values like any other.
    odd = ['他说 "不行"', "C:\\temp\\", "a,b", "{x}", "NULL", ""]
    for complaint, subject in zip(three, odd, strict=False):
        Complaint.objects.filter(pk=complaint.pk).update(subject=subject)
    for wanted in (odd[:1], odd[1:3], odd, ["NULL"], ["nothing like it"]):
        condition = Q(InTexts(F("subject"), wanted))
        assert set(Complaint.objects.filter(condition).values_list("subject", flat=True)) == set(wanted) & set(odd[:3])
    assert refs(Complaint.objects.filter(Q(InTexts(F("subject"), ["NULL", "{x}", "a"])))) == set()
    assert refs(Complaint.objects.exclude(Q(InTexts(F("subject"), [odd[0]])))) == {c.reference for c in three[1:]}
