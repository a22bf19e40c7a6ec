"""Critical-trigger detection (SPEC §5): keywords from the policy, in every language
the pack lists, matched case-insensitively against what the customer said. A match is
a suggestion recorded as such; staff can add flags by hand at assessment."""

from __future__ import annotations

from redress.policy.schema import Pack


def detect(pack: Pack, *texts: str) -> list[str]:
    haystack = " ".join(t for t in texts if t).casefold()
    found = []
    for trigger in pack.triggers:
        words = (w for words in trigger.keywords.values() for w in words)
        if any(w.casefold() in haystack for w in words if w):
            found.append(trigger.code)
    return found

