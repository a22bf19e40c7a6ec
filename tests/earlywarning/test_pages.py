"""The office and compliance see warnings on their dashboard and at /warnings/, open
the complaints behind one, and acknowledge it with a note that is recorded; other
roles are refused, and a note is required."""

from __future__ import annotations

from datetime import timedelta

import pytest

from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.timesource import frozen
from redress.earlywarning.models import Acknowledgment, EarlyWarning
from redress.earlywarning.services import raise_warnings, warning_acknowledge
from tests.earlywarning.conftest import NOW

pytestmark = pytest.mark.django_db
PRODUCT = "鑫盈1号私募证券投资基金(R4)"


@pytest.fixture
def mass(org, make):
    """Three customers about one product within two days: a mass complaint."""
    made = [make(NOW - timedelta(days=2, hours=-i * 12), product=PRODUCT, category="suitability") for i in range(3)]
    warning_other = make(NOW - timedelta(days=1), product="另一只基金", category="suitability")
    with frozen(NOW):
        [warning] = raise_warnings()
    warning.made, warning.other = made, warning_other
    return warning


def test_the_office_sees_an_open_warning_on_the_dashboard_and_the_list(mass, signed_in):
    for who in ("office", "compliance"):
        client = signed_in(who)
        with frozen(NOW):
            home = client.get("/").content.decode()
        assert 'id="early-warnings"' in home and "3 位客户在 3 天内就产品" in home and f"/warnings/{mass.pk}/" in home
        listed = client.get("/warnings/").content.decode()
        assert "群体性投诉" in listed and f"/warnings/{mass.pk}/" in listed


def test_the_sentence_is_in_the_readers_language(mass, signed_in):
    english = signed_in("office", language="en").get(f"/warnings/{mass.pk}/").content.decode()
    assert f"3 customers complained about the product {PRODUCT} within 3 days." in english
    chinese = signed_in("office").get(f"/warnings/{mass.pk}/").content.decode()
    assert f"3 位客户在 3 天内就产品{PRODUCT}投诉。" in chinese


def test_the_warning_page_lists_the_complaints_behind_it_and_links_the_register(mass, signed_in):
    client = signed_in("compliance", language="en")
    page = client.get(f"/warnings/{mass.pk}/").content.decode()
    for c in mass.made:
        assert c.reference in page
    link = page.split('id="register-link"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    with frozen(NOW):
        register = client.get(link).content.decode()
    # The register's own list for that filter holds these three, and not the complaint
    # about another product received in the same days.
    assert all(c.reference in register for c in mass.made) and mass.other.reference not in register


def test_roles_that_may_not_see_warnings_are_refused(mass, signed_in):
    for who in ("handler", "intake", "auditor", "cro"):
        client = signed_in(who)
        assert client.get("/warnings/").status_code == 403
        assert client.get(f"/warnings/{mass.pk}/").status_code == 403
        assert client.post(f"/warnings/{mass.pk}/acknowledge/", {"note": "看过了"}).status_code == 403
        with frozen(NOW):
            assert 'id="early-warnings"' not in client.get("/").content.decode()
    assert not Acknowledgment.objects.exists()
    assert EarlyWarning.objects.get(pk=mass.pk).status == "open"


def test_acknowledging_needs_a_note(mass, org, signed_in):
    with pytest.raises(ValidationFailed) as refused:
        warning_acknowledge(mass.pk, actor=org.office, note="   ")
    assert refused.value.field == "note"
    page = signed_in("office", language="en").post(f"/warnings/{mass.pk}/acknowledge/", {"note": ""}, follow=True)
    assert "say what is being done about the warning" in page.content.decode()
    assert EarlyWarning.objects.get(pk=mass.pk).status == "open" and not Acknowledgment.objects.exists()


def test_the_office_acknowledges_with_a_note_and_it_is_recorded(mass, org, signed_in):
    client = signed_in("office")
    with frozen(NOW + timedelta(hours=2)):
        response = client.post(f"/warnings/{mass.pk}/acknowledge/", {"note": "已要求经纪业务主管部门核查该产品销售"})
    assert response.status_code == 302
    warning = EarlyWarning.objects.get(pk=mass.pk)
    assert (warning.status, warning.acknowledged_by, warning.acknowledged_at) == ("acknowledged", org.office,
                                                                                  NOW + timedelta(hours=2))
    [ack] = Acknowledgment.objects.all()
    assert (ack.actor, ack.role, ack.note, ack.at) == (org.office, "complaints_office", "已要求经纪业务主管部门核查该产品销售",
                                                       NOW + timedelta(hours=2))
    page = client.get(f"/warnings/{mass.pk}/").content.decode()
    assert "已要求经纪业务主管部门核查该产品销售" in page and 'id="acknowledge"' not in page
    assert f"/warnings/{mass.pk}/" in client.get("/warnings/?status=acknowledged").content.decode()
    # Acknowledged once: a second acknowledgment is refused, the first stands.
    with pytest.raises(ValidationFailed):
        warning_acknowledge(mass.pk, actor=org.compliance, note="再次确认")
    assert Acknowledgment.objects.count() == 1


def test_the_service_refuses_a_role_not_told(mass, org):
    with pytest.raises(NotPermitted):
        warning_acknowledge(mass.pk, actor=org.handler, note="我来处理")
    assert not Acknowledgment.objects.exists()


def test_the_warning_is_mailed_to_the_office_and_compliance_in_both_languages(mass, org):
    from django.core import mail

    from redress.notify.dispatch import dispatch_outbox

    with frozen(NOW):
        sent, failed = dispatch_outbox()
    assert failed == 0
    warnings = [m for m in mail.outbox if "Early warning" in m.subject]  # intake's own messages went too
    assert len(warnings) == 2  # one a role
    to = sorted(address for m in warnings for address in m.to)
    assert to == sorted([org.office.email, org.office2.email, org.compliance.email])
    text = warnings[0].body
    assert f"3 位客户在 3 天内就产品{PRODUCT}投诉。" in text
    assert f"3 customers complained about the product {PRODUCT} within 3 days." in text
    assert f"/warnings/{mass.pk}/" in text and "群体性投诉" in warnings[0].subject


def test_the_rules_page_states_when_warnings_are_raised(org, signed_in):
    html = signed_in("handler").get("/policy/").content.decode()
    section = html[html.index('id="early-warning"'):]
    assert "近 7 / 30 天不少于 3 件" in section and "低于 0.1%" in section and "此前 12 周" in section
    assert "3 天内 3 位及以上客户" in section and "相似度不低于 50%" in section
    assert "同一客户 90 天内投诉 3 次及以上" in section
    english = signed_in("handler", language="en").get("/policy/").content.decode()
    assert "at least 3 in the last 7 / 30 days" in english and "at least 50% alike" in english
