"""The receipt an intake officer prints or reads out carries the complainant's portal
access code, in clear on its first showing only (the case keeps it masked)."""

from __future__ import annotations

import re

from redress.complaints.timesource import frozen
from tests.conftest import at
from tests.web.intake.conftest import typed

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def test_walk_in_receipt_shows_the_code_once(org, signed_in, save):
    client = signed_in("intake")
    with frozen(at(2026, 3, 2, 10, 0)):
        location = save(client, typed(channel="walk_in"))["Location"]
        first = client.get(location).content.decode()
        again = client.get(location).content.decode()
    code = CODE.search(first).group(0)
    assert f"您的查询码:{code}" in first
    assert code not in again and f"****-****-****-{code[-4:]}" in again
