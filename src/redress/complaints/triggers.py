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


def forbidden_in(pack: Pack, text: str) -> list[str]:
    """Forbidden reply phrases (001 第十七条) present in `text`, longest first so the
    warning quotes the whole phrase rather than a fragment of it."""
    lowered = text.casefold()
    phrases = {p for plist in pack.forbidden_phrases.values() for p in plist if p}
    hits = [p for p in phrases if p.casefold() in lowered]
    hits.sort(key=len, reverse=True)
    kept: list[str] = []
    for p in hits:
        if not any(p.casefold() in k.casefold() for k in kept):
            kept.append(p)
    return kept
