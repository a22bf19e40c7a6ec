"""Complaints for the early-warning tests, made through the real services at chosen
times: each from a customer of its own and in words of its own (random characters
from a seeded generator), unless a test says otherwise, so a test of one kind of
warning is not disturbed by another."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from redress.complaints import services as svc
from redress.complaints.timesource import frozen
from tests.conftest import at, complaint_input

NOW = at(2026, 6, 1, 9, 0)  # a Monday morning
# Common characters, so random texts look like Chinese and share few bigrams.
HANZI = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"


def body(rng: random.Random, n: int = 40) -> str:
    return "".join(rng.choice(HANZI) for _ in range(n))


@pytest.fixture
def make(org):
    """make(when, category=..., unit=..., product=..., customer=..., subject=..., cause=...) -> Complaint.
    Received at `when` by the call centre about `unit` (a branch, default the cast's),
    registered and assessed (so it has a category) at the same moment."""
    rng = random.Random(11)
    made = []

    def one(when: datetime, *, category: str = "counter", unit=None, product: str = "", customer: str = "",
            subject: str = "", cause: str = "", staff_party=None):
        n = len(made)
        parties = []
        if product:
            parties.append(svc.PartyInput(kind="product", product=product))
        if staff_party is not None:
            parties.append(svc.PartyInput(kind="employee", staff=staff_party, description="客户经理"))
        account = customer or f"6200{n:08d}"
        data = complaint_input(
            customer=svc.CustomerInput(name="客户" + body(rng, 2), phone=f"139{n:08d}", account_number=account),
            subject=subject or body(rng, 10), cause=cause or body(rng), branch=unit or org.branch, parties=parties)
        with frozen(when):
            c = svc.complaint_receive(actor=org.intake, data=data, register=True)
            svc.complaint_assess(c, actor=org.office, category=category, severity="medium")
        made.append(c)
        return c

    one.made = made
    return one


def weekly(make, start: datetime, weeks: int, per_week: int, **kw) -> list:
    """`per_week` complaints in each of `weeks` weeks from `start`, evenly spread."""
    out = []
    for w in range(weeks):
        for i in range(per_week):
            out.append(make(start + timedelta(weeks=w, hours=1 + i * 168 / per_week), **kw))
    return out


from tests.web.conftest import signed_in  # noqa: E402,F401  (the workbench client, for the page tests)
