"""Critical-trigger keywords (SPEC §5) are found as substrings, case-insensitively, in
any of the texts: detect's one alternation per trigger finds exactly what a test of each
keyword would find, for keywords holding the pattern language's own characters too."""

from __future__ import annotations

import random

from redress.complaints import triggers
from redress.policy.loader import load_pack


def _by_each_keyword(pack, *texts) -> list[str]:
    haystack = " ".join(t for t in texts if t).casefold()
    return [t.code for t in pack.triggers
            if any(w.casefold() in haystack for ws in t.keywords.values() for w in ws if w)]


def test_a_trigger_is_found_exactly_where_one_of_its_keywords_is(db):
    pack = load_pack("cn-securities")
    rng = random.Random(7)
    words = [w for t in pack.triggers for ws in t.keywords.values() for w in ws if w]
    filler = list("的了是在我有投诉营业部.*+?()[]|^$\\ ab") + ["MEDIA", "Police"]
    for _ in range(2000):
        parts = [rng.choice(filler) for _ in range(rng.randint(0, 12))]
        if rng.random() < 0.5:
            word = rng.choice(words)
            cut = rng.randint(0, len(word))  # sometimes whole, sometimes a piece of one
            parts.insert(rng.randint(0, len(parts)), word if rng.random() < 0.5 else word[:cut])
        text = "".join(parts)
        text = text.upper() if rng.random() < 0.3 else text
        assert triggers.detect(pack, text, "") == _by_each_keyword(pack, text, "")


def test_keywords_with_pattern_characters_are_taken_literally(db):
    pack = load_pack("cn-securities")
    trigger = pack.triggers[0]
    odd = trigger.model_copy(update={"keywords": {"en": ["a.b (x)", "c*d"]}})
    special = pack.model_copy(update={"triggers": [odd]})
    assert triggers.detect(special, "said A.B (X) today") == [odd.code]
    assert triggers.detect(special, "said aXb x today") == []
    assert triggers.detect(special, "ccccd") == []
    assert triggers.detect(special, "c*d") == [odd.code]
