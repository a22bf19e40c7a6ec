"""The live server the browser tests use and the test's own thread share one database;
on the in-memory SQLite test database they must take turns (tests/live_server_turns.py),
or a page fails at random while the test writes."""

from __future__ import annotations

import re
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from django.db import transaction

from tests.conftest import PASSWORD

SECONDS = 3  # without the turns, this failed within two seconds in each of four runs


def test_people_sign_in_while_the_test_writes_and_nothing_fails(live_server, org):
    refused: list[str] = []
    signed_in = [0]
    stop = threading.Event()

    def sign_in_again_and_again():
        while not stop.is_set():
            browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
            form = browser.open(live_server.url + "/login/").read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
            fields = {"csrfmiddlewaretoken": token, "username": org.handler.username, "password": PASSWORD}
            try:
                browser.open(urllib.request.Request(
                    live_server.url + "/login/", data=urllib.parse.urlencode(fields).encode(),
                    headers={"Referer": live_server.url + "/login/"})).read()
                signed_in[0] += 1
            except Exception as exc:  # an HTTP 400/500 from the server: the failure looked for
                refused.append(repr(exc))

    people = [threading.Thread(target=sign_in_again_and_again) for _ in range(3)]
    for person in people:
        person.start()
    writes = 0
    try:
        until = time.monotonic() + SECONDS
        while time.monotonic() < until and not refused:
            with transaction.atomic():
                org.handler.refresh_from_db()
                org.handler.save(update_fields=["username"])
            writes += 1
    finally:
        stop.set()
        for person in people:
            person.join()
    assert not refused, refused[:3]
    assert signed_in[0] >= 3 and writes >= 3, (signed_in[0], writes)
