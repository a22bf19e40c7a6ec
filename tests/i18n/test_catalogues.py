"""Every catalogue is complete and its compiled .mo matches the .po: the workbench is
used in Chinese first, and an untranslated or stale string shows English to a seat
that may not read it. (Machines without gettext use the committed .mo files.)"""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest

import redress

PACKAGE = Path(redress.__file__).parent
CATALOGUES = sorted(PACKAGE.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def parse_po(path: Path) -> tuple[dict[str, str], list[str]]:
    """{msgid (with context as 'ctx\\x04id'): msgstr}, and the msgids marked fuzzy."""
    entries, fuzzy = {}, []
    current: dict[str, str] = {}
    key, flags = None, ""

    def flush():
        nonlocal current, flags
        if "msgid" in current:
            msgid = current["msgid"]
            if "msgctxt" in current:
                msgid = current["msgctxt"] + "\x04" + msgid
            if "msgid_plural" in current:
                msgid = msgid + "\x00" + current["msgid_plural"]
                strs = [current[k] for k in sorted(current) if k.startswith("msgstr[")]
                entries[msgid] = "\x00".join(strs)
            else:
                entries[msgid] = current.get("msgstr", "")
            if "fuzzy" in flags and current["msgid"]:
                fuzzy.append(current["msgid"])
        current, flags = {}, ""

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("#,"):
            flush() if "msgid" in current else None
            flags = line
        elif line.startswith("#") or not line:
            if not line and "msgid" in current:
                flush()
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _, rest = line.partition(" ")
            if key == "msgctxt" and "msgid" in current:
                flush()
            current[key] = ast.literal_eval(rest)
    flush()
    return entries, fuzzy


def test_there_are_catalogues_to_check():
    assert CATALOGUES, "no zh_Hans catalogue found under src/redress"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE).parent.parent.parent.parent))
def test_every_string_is_translated_and_compiled(po: Path):
    entries, fuzzy = parse_po(po)
    untranslated = [k for k, v in entries.items() if k and not v.replace("\x00", "")]
    assert not untranslated, f"{po}: untranslated: {untranslated[:5]}"
    assert not fuzzy, f"{po}: fuzzy (check and unmark): {fuzzy[:5]}"
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} missing: run compilemessages in that package"
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)._catalog
    for msgid, msgstr in entries.items():
        if not msgid:
            continue
        if "\x00" in msgid:  # plural: the .mo keys forms by (singular, n)
            singular = msgid.split("\x00")[0]
            assert compiled.get((singular, 0)) == msgstr.split("\x00")[0], f"{po}: stale .mo for {singular!r}"
        else:
            assert compiled.get(msgid) == msgstr, f"{po}: the .mo is stale for {msgid!r}; run compilemessages"
