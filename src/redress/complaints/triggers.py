"""Critical-trigger detection (SPEC §5): keywords from the policy, in every language
the pack lists, matched case-insensitively against what the customer said. A match is
a suggestion recorded as such; staff can add flags by hand at assessment."""

from __future__ import annotations

import re

from redress.policy.schema import Pack

# The last pack seen and its triggers' keywords casefolded: detect runs for every complaint
# taken in, and casefolding the pack's words each time was most of its cost (bulk intake).
_last: tuple = (None, (None, []))


def _keywords(pack: Pack) -> tuple[re.Pattern | None, list[tuple[str, re.Pattern]]]:
    """Every trigger's keywords, casefolded, as one alternation of literals, and each
    trigger's code with its own: a search for any of them (half the time of a substring
    test for each, measured). Most complaints name no trigger: the one search over all
    of them answers for those, instead of one search a trigger."""
    global _last
    seen, keywords = _last  # one read: another thread may replace it meanwhile
    if seen is not pack:
        words, every = [], set()
        for t in pack.triggers:
            folded = sorted({w.casefold() for ws in t.keywords.values() for w in ws if w})
            if folded:
                words.append((t.code, _alternation(folded)))
                every.update(folded)
        keywords = (_alternation(sorted(every)) if every else None, words)
        _last = (pack, keywords)
    return keywords


def _alternation(words: list[str]) -> re.Pattern:
    return re.compile("|".join(map(re.escape, words)))


# The last texts searched and what was found: bulk intake asks for an item's triggers
# before its service runs (whether it must run alone) and the service asks again.
_recent: tuple = (None, (), ())


def detect(pack: Pack, *texts: str) -> list[str]:
    global _recent
    seen, asked, found = _recent  # one read: another thread may replace it meanwhile
    if seen is pack and asked == texts:
        return list(found)
    haystack = " ".join(t for t in texts if t).casefold()
    any_word, words = _keywords(pack)
    codes = [] if any_word is None or not any_word.search(haystack) else [
        code for code, own in words if own.search(haystack)]
    _recent = (pack, texts, tuple(codes))
    return codes
