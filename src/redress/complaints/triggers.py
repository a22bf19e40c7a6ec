"""Critical-trigger detection (SPEC §5): keywords from the policy, in every language
the pack lists, matched case-insensitively against what the customer said. A match is
a suggestion recorded as such; staff can add flags by hand at assessment."""

from __future__ import annotations

import re

from redress.policy.schema import Pack

# The last pack seen and its triggers' keywords casefolded: detect runs for every complaint
# taken in, and casefolding the pack's words each time was most of its cost (bulk intake).
_last: tuple = (None, [])


def _keywords(pack: Pack) -> list[tuple[str, re.Pattern | None]]:
    """Each trigger's code and its keywords, casefolded, as one alternation of literals:
    a search for any of them (half the time of a substring test for each, measured)."""
    global _last
    seen, words = _last  # one read: another thread may replace it meanwhile
    if seen is not pack:
        words = []
        for t in pack.triggers:
            folded = sorted({w.casefold() for ws in t.keywords.values() for w in ws if w})
            words.append((t.code, re.compile("|".join(map(re.escape, folded))) if folded else None))
        _last = (pack, words)
    return words


# The last texts searched and what was found: bulk intake asks for an item's triggers
# before its service runs (whether it must run alone) and the service asks again.
_recent: tuple = (None, (), ())


def detect(pack: Pack, *texts: str) -> list[str]:
    global _recent
    seen, asked, found = _recent  # one read: another thread may replace it meanwhile
    if seen is pack and asked == texts:
        return list(found)
    haystack = " ".join(t for t in texts if t).casefold()
    codes = [code for code, words in _keywords(pack) if words is not None and words.search(haystack)]
    _recent = (pack, texts, tuple(codes))
    return codes
